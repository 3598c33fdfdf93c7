import * as posix from 'node:path/posix';
import type { DockerStage, ParsedDockerfile } from '../versions/dockerfile';
import { StageScope } from './dockerScope';
import { argsOf, copyWords } from './stagePlan';

/**
 * Where a stage leaves the release: what a later stage copies out of it (`COPY --from=builder
 * /app/_build/${MIX_ENV}/rel/my_app ./`, with that stage's variables), then mix's default
 * `<WORKDIR>/_build/<env>/rel/<app>`. The first that holds `bin/<app>` is the release.
 */
export function releaseCandidates(parsed: ParsedDockerfile, stage: DockerStage, app: string, mixEnv: string, workdir: string): string[] {
  const names = new Set([String(stage.index), ...(stage.name ? [stage.name] : [])]);
  const found: string[] = [];
  for (const later of parsed.stages.filter((s) => s.index > stage.index)) {
    const scope = new StageScope();
    for (const instruction of later.instructions) {
      if (instruction.keyword === 'ENV') scope.applyEnv(instruction, parsed.escape);
      if (instruction.keyword === 'ARG') for (const arg of argsOf(later, instruction)) scope.declareArg(arg);
      if (instruction.keyword !== 'COPY') continue;
      const { words, missing } = copyWords(instruction, parsed.escape, scope);
      const from = words?.flags.find((f) => f.startsWith('--from='))?.slice('--from='.length).toLowerCase();
      if (!words || !from || !names.has(from) || missing.size > 0) continue;
      found.push(posix.resolve('/', words.sources[0]));
    }
  }
  found.push(posix.join(workdir || '/', '_build', mixEnv, 'rel', app));
  return [...new Set(found)];
}
