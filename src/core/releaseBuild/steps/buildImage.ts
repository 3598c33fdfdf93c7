import * as path from 'node:path';
import { chooseBuilder, legacyBuilderNote, refusesBuildKit, type BuilderChoice } from '../../docker/builder';
import { local } from '../../plan/describe';
import { refuseBuildKitSyntax } from '../../docker/buildTarget';
import { connectDocker } from '../../docker/client';
import { buildStageImage, hasImage, ImageBuildError } from '../../docker/image';
import type { Step, StepContext } from '../../plan/types';
import { renderCommand } from '../../shell';
import { explainBuildFailure } from '../buildFailure';
import { buildLabels, builderImageTag } from '../keys';
import { summary } from '../stagePlan';
import type { BuildState } from '../types';

/** Step 3: the Dockerfile's build-environment stage (or its part before the source copy), built from the isolated checkout. */
export const buildImageStep: Step<BuildState> = {
  name: 'build-image',
  title: 'Build the build environment (Dockerfile stage)',
  describe(state) {
    const { config } = state.options;
    const tag = builderImageTag(state.projectKey, config.branch);
    const context = path.join(state.checkoutDir, state.projectPrefix);
    return local([renderCommand(['docker', 'build', '--target', state.target ?? config.build.target ?? 'builder',
        ...(config.build.network ? ['--network', config.build.network] : []), '-f', config.build.dockerfile, '-t', tag, context]) + '   # via the Engine API with BuildKit (legacy builder as a fallback), .dockerignore applied;' +
        ' a stage that copies the app\'s source is built only up to that instruction, the rest is replayed in the build container']);
  },
  async run(ctx, state) {
    if (state.reused) {
      ctx.output('Stored release reused: no image build needed\n');
      return;
    }
    const { config, connect, labels, env } = state.options;
    const docker = await (connect ?? connectDocker)();
    state.docker = docker;
    if (state.builderImage && !(await hasImage(docker, state.builderImage))) {
      ctx.note(`base image ${state.builderImage} is not present locally; Docker will try to pull it`, 'warning');
    }
    let builder = await chooseBuilder(docker, env);
    if (builder.kind === 'legacy') useLegacy(ctx, state, builder);
    const plan = state.stagePlan!;
    const dockerfile = config.build.dockerfile.split(path.sep).join('/');
    const tag = builderImageTag(state.projectKey, config.branch);
    ctx.output(plan.mode === 'replay'
      ? `Building stage ${state.target} up to line ${plan.split.range.line} (${summary(plan.split)}) with ${builderName(builder)}\n`
      : `Building stage ${state.target} with ${builderName(builder)}\n`);
    const build = () => buildStageImage(docker, {
      contextDir: path.join(state.checkoutDir, state.projectPrefix),
      files: state.contextFiles!,
      dockerfile,
      dockerfileText: plan.mode === 'replay' ? plan.prefixText : undefined,
      target: state.target ?? 'builder',
      tag,
      labels: buildLabels(state.projectKey, config.branch, labels),
      builder: builder.kind,
      network: config.build.network,
      signal: ctx.signal,
      output: (text) => ctx.output(text),
    });
    try {
      try {
        state.builderImageId = await build();
      } catch (e) {
        if (!(e instanceof ImageBuildError) || builder.kind !== 'buildkit' || !refusesBuildKit(e.daemonMessage)) throw e;
        builder = { ...builder, kind: 'legacy', reason: `the engine refused a BuildKit build ("${e.daemonMessage.trim()}")` };
        useLegacy(ctx, state, builder);
        state.builderImageId = await build();
      }
    } catch (e) {
      if (!(e instanceof ImageBuildError)) throw e;
      throw explainBuildFailure(e, { parsed: state.buildTarget!.parsed, target: state.buildTarget!.stage, file: config.build.dockerfile, engine: builder.engine });
    }
    state.builder = builder;
    ctx.output(`Build environment ${tag} (${state.builderImageId.slice(0, 19)})\n`);
  },
};

function builderName(builder: BuilderChoice): string {
  return builder.kind === 'buildkit' ? `BuildKit (${builder.engine})` : `the legacy builder (${builder.engine})`;
}

/** Explains the fallback once, and refuses BuildKit-only syntax up front with its line. */
function useLegacy(ctx: StepContext, state: BuildState, builder: BuilderChoice): void {
  ctx.note(legacyBuilderNote(builder), 'warning');
  refuseBuildKitSyntax(state.buildTarget!, state.options.config.build.dockerfile, builder.reason ?? 'no BuildKit');
}
