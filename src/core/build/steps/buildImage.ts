import * as path from 'node:path';
import { connectDocker } from '../../docker/client';
import { buildStageImage, hasImage } from '../../docker/image';
import type { Step } from '../../plan/types';
import { renderCommand } from '../../shell';
import { buildLabels, builderImageTag } from '../keys';
import type { BuildState } from '../types';

/** Step 3: the Dockerfile's build-environment stage, built from the isolated checkout. */
export const buildImageStep: Step<BuildState> = {
  name: 'build-image',
  title: 'Build the build environment (Dockerfile stage)',
  describe(state) {
    const { config } = state.options;
    const tag = builderImageTag(state.projectKey, config.branch);
    const context = path.join(state.checkoutDir, state.projectPrefix);
    return [{
      host: 'local',
      commands: [renderCommand(['docker', 'build', '--target', state.target ?? config.build.target ?? 'builder',
        '-f', config.build.dockerfile, '-t', tag, context]) + '   # via the Engine API, .dockerignore applied'],
    }];
  },
  async run(ctx, state) {
    if (state.reused) {
      ctx.output('Stored release reused: no image build needed\n');
      return;
    }
    const { config, connect, labels } = state.options;
    const docker = await (connect ?? connectDocker)();
    state.docker = docker;
    if (state.builderImage && !(await hasImage(docker, state.builderImage))) {
      ctx.note(`base image ${state.builderImage} is not present locally; Docker will try to pull it`, 'warning');
    }
    const tag = builderImageTag(state.projectKey, config.branch);
    state.builderImageId = await buildStageImage(docker, {
      contextDir: path.join(state.checkoutDir, state.projectPrefix),
      dockerfile: config.build.dockerfile.split(path.sep).join('/'),
      target: state.target ?? 'builder',
      tag,
      labels: buildLabels(state.projectKey, config.branch, labels),
      signal: ctx.signal,
      output: (text) => ctx.output(text),
    });
    ctx.output(`Build environment ${tag} (${state.builderImageId.slice(0, 19)})\n`);
  },
};
