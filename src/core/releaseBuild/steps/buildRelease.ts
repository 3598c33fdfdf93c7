import { execIn, putTar, removeContainersByLabel, removeVolumesByLabel, startIdleContainer, type Container, type ExecResult, type IdleContainerSpec } from '../../docker/container';
import { listContextFiles, packFiles, SOURCE_COPY_EXCLUDES } from '../../docker/context';
import { local } from '../../plan/describe';
import { type Step, type StepContext } from '../../plan/types';
import { UserError } from '../../errors';
import { renderCommand } from '../../shell';
import { describeBuildContainer, planBuildContainer } from '../containerSpec';
import { buildLabels, builderImageTag, isReplayBuildVolume, replayBuildVolume } from '../keys';
import { mapContainerPaths } from '../pathMapping';
import { releaseCandidates } from '../releaseLocation';
import { interpretTail } from '../replay';
import { runReplay } from '../replayRun';
import type { BuildState } from '../types';

/** Step 4: build the release in a container: replay the stage's tail, or run the release command, or only open the built stage. */
export const buildReleaseStep: Step<BuildState> = {
  name: 'build-release',
  title: 'Build the release in a container',
  describe(state) {
    const { config } = state.options;
    const plan = planBuildContainer({
      image: {}, imageId: 'IMAGE_ID', projectKey: state.projectKey, branch: config.branch,
      mixEnv: config.build.mixEnv, projectPrefix: state.projectPrefix, labels: buildLabels(state.projectKey, config.branch), network: config.build.network,
    });
    plan.spec.image = builderImageTag(state.projectKey, config.branch);
    const exec = (argv: string[]) => renderCommand(['docker', 'exec', '-w', plan.projectDir, 'CONTAINER', ...argv]).replace('CONTAINER', '<container>');
    return local([
        '# a stage that copies the app\'s source: its remaining instructions (COPY, RUN, ENV, WORKDIR, ...) are replayed in a container',
        '# from the image built up to the source copy, with that project\'s _build in a volume kept from the previous build',
        '# a stage that never copies the source (a build environment only):',
        renderCommand(describeBuildContainer(plan)),
        `docker cp ${state.checkoutDir}/. <container>:${plan.sourceRoot}   # without .git`,
        exec(['mix', 'deps.get', '--only', config.build.mixEnv]) + '   # skipped when mix.exs has no deps',
        exec(state.tool?.command ?? ['mix', 'release', '--overwrite']),
      ]);
  },
  async run(ctx, state) {
    if (state.reused) return ctx.output('Stored release reused: nothing to build\n');
    const { config } = state.options;
    // The build lock is held, so a container with our labels is a leftover of a crashed build.
    const leftovers = await removeContainersByLabel(state.docker!, buildLabels(state.projectKey, config.branch));
    if (leftovers > 0) ctx.note(`removed ${leftovers} build container(s) left by an earlier interrupted build`, 'info');
    const plan = state.stagePlan!;
    if (plan.mode === 'environment') return buildInEnvironment(ctx, state);
    const image = await state.docker!.getImage(state.builderImageId!).inspect();
    const labels = buildLabels(state.projectKey, config.branch, state.options.labels);
    const spec: IdleContainerSpec = { image: image.Id, labels, env: [], workdir: image.Config.WorkingDir || '/', volumes: [], network: config.build.network ?? 'none' };
    let workdir = spec.workdir;
    let mixEnv: string | undefined;
    if (plan.mode === 'replay') {
      const program = interpretTail({
        stage: state.buildTarget!.stage, tail: plan.tail, escape: state.buildTarget!.parsed.escape, image: image.Config,
        files: state.contextFiles!, dockerfile: config.build.dockerfile,
      });
      const volume = replayBuildVolume(state.projectKey, config.branch, image.Id);
      spec.volumes.push({ volume, target: program.buildDir });
      const superseded = await removeVolumesByLabel(state.docker!, buildLabels(state.projectKey, config.branch),
        (name) => name !== volume && isReplayBuildVolume(name, state.projectKey, config.branch));
      if (superseded.length > 0) ctx.note(`removed ${superseded.length} _build volume(s) of an earlier build environment`, 'info');
      const container = await openContainer(ctx, state, spec);
      await runReplay(ctx, { container, program, contextDir: contextDir(state), dockerfile: config.build.dockerfile, network: config.build.network, where: where(state) });
      workdir = program.finalWorkdir;
      mixEnv = program.mixEnv;
    } else {
      await openContainer(ctx, state, spec);
      mixEnv = envValue(image.Config.Env, 'MIX_ENV');
    }
    state.containerProjectDir = workdir;
    if (!plan.releases) {
      ctx.note(`stage ${state.target} does not build the release itself: running \`${renderCommand(state.tool!.command)}\` after it`, 'info');
      await runChecked(state.container!, state.tool!.command, workdir, ctx, state, [`MIX_ENV=${mixEnv ?? config.build.mixEnv}`]);
    }
    const candidates = releaseCandidates(state.buildTarget!.parsed, state.buildTarget!.stage, state.app!, mixEnv ?? config.build.mixEnv, workdir);
    state.containerReleaseDir = await findRelease(state.container!, state.app!, candidates, ctx.signal);
    ctx.output(`Release of stage ${state.target} at ${state.containerReleaseDir}\n`);
  },
};

/** The stage is only an environment: copy the checkout in and run the release command, deps/_build in volumes. */
async function buildInEnvironment(ctx: StepContext, state: BuildState): Promise<void> {
  const { config, labels: extraLabels } = state.options;
  const image = await state.docker!.getImage(state.builderImageId!).inspect();
  const plan = planBuildContainer({
    image: image.Config, imageId: image.Id, projectKey: state.projectKey, branch: config.branch, mixEnv: config.build.mixEnv,
    projectPrefix: state.projectPrefix, labels: buildLabels(state.projectKey, config.branch, extraLabels), network: config.build.network,
  });
  for (const warning of plan.warnings) ctx.note(warning, 'warning');
  const container = await openContainer(ctx, state, plan.spec);
  state.containerProjectDir = plan.projectDir;

  const files = await listContextFiles(state.checkoutDir, SOURCE_COPY_EXCLUDES);
  ctx.output(`Copying ${files.length} files of ${state.commit?.slice(0, 7)} to ${plan.sourceRoot}\n`);
  await putTar(container, packFiles(state.checkoutDir, files), plan.sourceRoot);

  const run = (argv: string[]) => runChecked(container, argv, plan.projectDir, ctx, state);
  await run(['rm', '-rf', `_build/${config.build.mixEnv}/rel/${state.app}`]);
  if (state.hasDeps !== false) {
    await run(['mix', 'deps.get', '--only', config.build.mixEnv]);
  } else {
    ctx.note('mix.exs declares no dependencies: skipping mix deps.get', 'info');
  }
  await run(state.tool!.command);
  state.containerReleaseDir = `${plan.projectDir}/_build/${config.build.mixEnv}/rel/${state.app}`;
}

/** Starts the build container, handing it to the state first so cleanup always finds it. */
async function openContainer(ctx: StepContext, state: BuildState, spec: IdleContainerSpec): Promise<Container> {
  ctx.output(`$ ${renderCommand(describeBuildContainer({ spec }))}\n`);
  const started = Date.now();
  const container = await startIdleContainer(state.docker!, spec, (c) => { state.container = c; });
  ctx.output(`Build container started in ${((Date.now() - started) / 1000).toFixed(2)} s\n`);
  return container;
}

const FIND_RELEASE = 'app=$1; shift; for dir; do if [ -f "$dir/bin/$app" ]; then printf %s "$dir"; exit 0; fi; done; exit 1';

/** The first candidate directory that holds `bin/<app>`. */
async function findRelease(container: Container, app: string, candidates: string[], signal: AbortSignal): Promise<string> {
  let found = '';
  const result = await execIn(container, ['sh', '-c', FIND_RELEASE, 'sh', app, ...candidates], { signal, output: (t) => { found += t; } });
  if (result.exitCode === 0 && found.trim()) return found.trim();
  throw new UserError(`the build finished but no release of ${app} was found in the stage (looked for bin/${app} in ${candidates.join(', ')}). ` +
    'Check the release name (app: in config/deploy.yml, releases: in mix.exs) and where the stage puts the release.');
}

function envValue(env: string[] | null | undefined, name: string): string | undefined {
  return env?.find((e) => e.startsWith(`${name}=`))?.slice(name.length + 1);
}

function contextDir(state: BuildState): string {
  return `${state.checkoutDir}/${state.projectPrefix}`.replace(/\/$/, '');
}

function where(state: BuildState): string {
  return `${state.options.config.repo}/${state.options.config.branch} at ${state.commit?.slice(0, 7)}`;
}

/** Runs a command in the build container; a non-zero exit is an error with the output's last lines. */
async function runChecked(container: Container, argv: string[], workdir: string, ctx: StepContext, state: BuildState, env?: string[]): Promise<ExecResult> {
  ctx.output(`$ ${renderCommand(argv)}\n`);
  const result = await execIn(container, argv, { signal: ctx.signal, output: (text) => ctx.output(text), workdir, env });
  if (result.exitCode === 0) return result;
  const tail = mapContainerPaths(result.tail.join('\n'), { containerDir: workdir, projectDir: '' });
  const offline = argv[1] === 'deps.get' && !state.options.config.build.network
    ? '\nThe build container has no network (build.network is unset); set build.network: bridge in config/deploy.yml to fetch deps.'
    : '';
  throw new UserError(`\`${renderCommand(argv)}\` failed with exit code ${result.exitCode} in the build container ` +
    `(${where(state)}).${offline}\nLast output:\n${tail}`);
}
