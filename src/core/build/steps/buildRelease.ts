import { execIn, putTar, removeContainersByLabel, startIdleContainer, type Container, type ExecResult } from '../../docker/container';
import { listContextFiles, packFiles, SOURCE_COPY_EXCLUDES } from '../../docker/context';
import { UserError, type Step, type StepContext } from '../../plan/types';
import { renderCommand } from '../../shell';
import { describeBuildContainer, planBuildContainer } from '../containerSpec';
import { buildLabels, builderImageTag } from '../keys';
import { mapContainerPaths } from '../pathMapping';
import type { BuildState } from '../types';

/** Step 4: copy the checkout into a container from the build image and run the release command. */
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
    return [{
      host: 'local',
      commands: [
        renderCommand(describeBuildContainer(plan)),
        `docker cp ${state.checkoutDir}/. <container>:${plan.sourceRoot}   # without .git`,
        exec(['mix', 'deps.get', '--only', config.build.mixEnv]) + '   # skipped when mix.exs has no deps',
        exec(state.tool?.command ?? ['mix', 'release', '--overwrite']),
      ],
    }];
  },
  async run(ctx, state) {
    if (state.reused) return ctx.output('Stored release reused: nothing to build\n');
    const { config, labels: extraLabels } = state.options;
    const docker = state.docker!;
    const labels = buildLabels(state.projectKey, config.branch, extraLabels);
    // The build lock is held, so a container with our labels is a leftover of a crashed build.
    const leftovers = await removeContainersByLabel(docker, buildLabels(state.projectKey, config.branch));
    if (leftovers > 0) ctx.note(`removed ${leftovers} build container(s) left by an earlier interrupted build`, 'info');

    const image = await docker.getImage(state.builderImageId!).inspect();
    const plan = planBuildContainer({
      image: image.Config, imageId: image.Id, projectKey: state.projectKey, branch: config.branch, mixEnv: config.build.mixEnv,
      projectPrefix: state.projectPrefix, labels, network: config.build.network,
    });
    for (const warning of plan.warnings) ctx.note(warning, 'warning');
    ctx.output(`$ ${renderCommand(describeBuildContainer(plan))}\n`);
    const container = await startIdleContainer(docker, plan.spec, (c) => { state.container = c; });
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
  },
};

/** Runs a command in the build container; a non-zero exit is an error with the output's last lines. */
async function runChecked(container: Container, argv: string[], workdir: string, ctx: StepContext, state: BuildState): Promise<ExecResult> {
  ctx.output(`$ ${renderCommand(argv)}\n`);
  const result = await execIn(container, argv, { signal: ctx.signal, output: (text) => ctx.output(text), workdir });
  if (result.exitCode === 0) return result;
  const tail = mapContainerPaths(result.tail.join('\n'), { containerDir: workdir, projectDir: '' });
  const offline = argv[1] === 'deps.get' && !state.options.config.build.network
    ? '\nThe build container has no network (build.network is unset); set build.network: bridge in config/deploy.yml to fetch deps.'
    : '';
  throw new UserError(`\`${renderCommand(argv)}\` failed with exit code ${result.exitCode} in the build container ` +
    `(${state.options.config.repo}/${state.options.config.branch} at ${state.commit?.slice(0, 7)}).${offline}\nLast output:\n${tail}`);
}
