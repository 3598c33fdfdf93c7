import { UserError } from '../errors';
import { parseDockerfile, rootStage, type DockerStage, type ParsedDockerfile } from '../versions/dockerfile';

/** The stage that is the build environment, when build.target is not set. */
export const DEFAULT_TARGET = 'builder';

export interface BuildTarget {
  parsed: ParsedDockerfile;
  stage: DockerStage;
  /** The external image the stage builds on, after ARG substitution (e.g. hexpm/elixir:1.14.0-...). */
  baseImage: string;
}

/** Picks the stage to build. `file` is the Dockerfile's path as the user knows it, used in every message. */
export function selectBuildTarget(text: string, file: string, target?: string): BuildTarget {
  const parsed = parseDockerfile(text);
  if (parsed.stages.length === 0) {
    throw new UserError(`${file} has no FROM instruction, so there is no build stage.`, { file, line: 1 });
  }
  const wanted = (target ?? DEFAULT_TARGET).toLowerCase();
  const index = parsed.stages.findIndex((s) => s.name === wanted);
  if (index === -1) {
    const known = parsed.stages.map((s) => `${s.name ?? `#${s.index} (unnamed)`} (line ${s.fromRange.line})`).join(', ');
    const fix = target
      ? `Set build.target in config/deploy.yml to one of them, or name a stage "${target}" (FROM ... AS ${target}).`
      : `Name the build-environment stage "${DEFAULT_TARGET}" (FROM ... AS ${DEFAULT_TARGET}) or set build.target in config/deploy.yml.`;
    throw new UserError(`${file}: stage "${target ?? DEFAULT_TARGET}" not found; its stages are ${known}. ${fix}`,
      { file, line: parsed.stages[parsed.stages.length - 1].fromRange.line });
  }
  const stage = parsed.stages[index];
  return { parsed, stage, baseImage: rootStage(parsed, stage).image.value };
}

/**
 * The legacy builder (the fallback when the engine has no BuildKit) runs every stage up to the
 * target and refuses BuildKit syntax there; say so before building, with the line.
 */
export function refuseBuildKitSyntax(target: BuildTarget, file: string, reason: string): void {
  const { parsed, stage } = target;
  const nextStageLine = parsed.stages[stage.index + 1]?.fromRange.line ?? Number.POSITIVE_INFINITY;
  const feature = parsed.buildKitFeatures.find((f) => f.range.line < nextStageLine);
  if (!feature) return;
  const what = feature.message.replace(/\s*needs BuildKit$/, '');
  throw new UserError(`${file}:${feature.range.line}: ${what} needs BuildKit, and this build uses Docker's legacy builder (${reason}). ` +
    `Rewrite it without BuildKit syntax (e.g. COPY/ARG instead of a mount), move it to a stage after "${stage.name}", ` +
    'or build with an engine that has BuildKit.', { file, line: feature.range.line });
}
