import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { local } from '../../plan/describe';
import { selectBuildTarget } from '../../docker/buildTarget';
import { listContextFiles, readDockerignore } from '../../docker/context';
import { type Step } from '../../plan/types';
import { UserError } from '../../errors';
import { effectiveIncludeErts, parseDistilleryConfig } from '../../versions/distillery';
import { parseMixExs, releaseFor, resolveAppName } from '../../versions/mixExs';
import { releaseReuseKey } from '../keys';
import { declaresDeps } from '../mixDeps';
import { planStage } from '../stagePlan';
import { findStoredRelease } from '../store';
import { selectReleaseTool } from '../tool';
import type { BuildState } from '../types';

const readOptional = (file: string) => fs.readFile(file, 'utf8').catch(() => undefined);

/** Step 2: release name, tool and command, include_erts check, Dockerfile check, and reuse lookup. */
export const detectToolStep: Step<BuildState> = {
  name: 'detect-tool',
  title: 'Detect the release tool',
  describe(state) {
    const { tool, mixEnv } = state.options.config.build;
    const command = state.tool?.command.join(' ') ??
      (tool === 'distillery' ? `mix distillery.release --env=${mixEnv} (1.x: mix release --env=${mixEnv})`
        : tool === 'mix' ? 'mix release --overwrite'
          : `rel/config.exs → Distillery (mix distillery.release --env=${mixEnv}); otherwise mix release --overwrite`);
    return local([`read mix.exs, mix.lock, rel/config.exs at the fetched commit: ${command}`]);
  },
  async run(ctx, state) {
    const { config, force } = state.options;
    const dir = path.join(state.checkoutDir, state.projectPrefix);
    const mixText = await fs.readFile(path.join(dir, 'mix.exs'), 'utf8');
    const mix = parseMixExs(mixText);
    const app = resolveAppName(config.app, mix);
    if (!app) throw new UserError('cannot tell the release name from mix.exs; set app: in config/deploy.yml', { file: 'config/deploy.yml' });
    state.app = app;
    state.hasDeps = declaresDeps(mixText);
    const release = releaseFor(mix, app);
    const relConfig = await readOptional(path.join(dir, 'rel', 'config.exs'));
    const tool = selectReleaseTool({
      configured: config.build.tool, hasRelConfig: relConfig !== undefined, mixLock: await readOptional(path.join(dir, 'mix.lock')),
      mixEnv: config.build.mixEnv, releaseName: release?.name,
    });
    state.tool = tool;
    ctx.output(`Release ${app} with ${tool.command.join(' ')} (${tool.reason})\n`);
    refuseWithoutErts(state, tool.tool === 'mix' ? release?.includeErts : undefined, tool.tool === 'distillery' ? relConfig : undefined);

    const dockerfilePath = config.build.dockerfile;
    const dockerfileText = await readOptional(path.join(dir, dockerfilePath));
    if (dockerfileText === undefined) {
      throw new UserError(`no ${dockerfilePath} in ${config.repo}/${config.branch} at ${state.commit?.slice(0, 7)}: ` +
        'add one (commit and push it), or set build.dockerfile in config/deploy.yml.', { file: dockerfilePath });
    }
    const target = selectBuildTarget(dockerfileText, dockerfilePath, config.build.target);
    state.dockerfileText = dockerfileText;
    state.buildTarget = target;
    state.target = target.stage.name;
    state.builderImage = target.baseImage;
    state.reuseKey = releaseReuseKey({
      commit: state.commit ?? '', app, mixEnv: config.build.mixEnv,
      dockerfilePath, dockerfileTarget: target.stage.name ?? '', dockerfileText,
    });
    const stored = force ? undefined : await findStoredRelease(state.cacheRoot, state.reuseKey);
    if (stored) {
      state.reused = stored;
      ctx.note(`commit ${stored.commit.slice(0, 7)} is already built: reusing stored release ${stored.id} (${stored.path}); ` +
        'build with --force to rebuild', 'info');
      return;
    }
    // Docker always sends the Dockerfile and .dockerignore, even when .dockerignore lists them.
    const dockerfileInContext = dockerfilePath.split(path.sep).join('/');
    state.contextFiles = await listContextFiles(dir, await readDockerignore(dir), [dockerfileInContext, '.dockerignore']);
    state.stagePlan = planStage({
      parsed: target.parsed, stage: target.stage, files: state.contextFiles, dockerfile: dockerfileInContext, wholeStage: state.options.wholeStage,
    });
    ctx.output(`Stage ${target.stage.name}: ${describeStagePlan(state.stagePlan.mode)}: ${state.stagePlan.reason}\n`);
  },
};

/** Deploys ship ERTS inside the release; a release without it is refused before building. */
function refuseWithoutErts(state: BuildState, mixIncludeErts: boolean | string | undefined, relConfig: string | undefined): void {
  const app = state.app!;
  if (mixIncludeErts === false) {
    throw new UserError(`mix.exs sets include_erts: false for release ${app}; deploys need ERTS in the release. ` +
      `Set releases: [${app}: [include_erts: true]] in mix.exs (or remove include_erts: false).`, { file: `${state.projectPrefix}mix.exs` });
  }
  if (relConfig === undefined) return;
  const setting = effectiveIncludeErts(parseDistilleryConfig(relConfig), state.options.config.build.mixEnv, app);
  if (setting?.value === false) {
    throw new UserError(`rel/config.exs:${setting.range.line} sets include_erts: false; deploys need ERTS in the release. ` +
      'Change it to `set include_erts: true`.', { file: `${state.projectPrefix}rel/config.exs`, line: setting.range.line });
  }
}

function describeStagePlan(mode: 'environment' | 'replay' | 'whole-stage'): string {
  return { environment: 'build environment', replay: 'replayed after the source copy', 'whole-stage': 'built whole by Docker' }[mode];
}
