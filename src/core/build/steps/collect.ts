import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { execIn, getTar, type Container } from '../../docker/container';
import { extractTar } from '../../docker/context';
import { UserError, type Step } from '../../plan/types';
import { makeReleaseId } from '../../release/id';
import { renderCommand } from '../../shell';
import { inspectRelease, makeStagingDir, MANIFEST_FILE, publishStagedRelease, RELEASE_SUBDIR, releasesDir } from '../store';
import type { BuildState, Manifest } from '../types';

// Reads the full OTP version (e.g. 25.2.3); otp_release alone is only the major.
const OTP_VERSION_EXPR = 'R=erlang:system_info(otp_release),' +
  'V=case file:read_file(filename:join([code:root_dir(),"releases",R,"OTP_VERSION"])) of {ok,B}->string:trim(B);_->R end,' +
  'io:put_chars(V),halt().';

/** Step 5: copy the release out of the container into the store, verify it, write manifest.json. */
export const collectStep: Step<BuildState> = {
  name: 'collect',
  title: 'Collect and verify the release',
  describe(state) {
    const { mixEnv } = state.options.config.build;
    const app = state.app ?? state.options.config.app ?? '<app>';
    return [{
      host: 'local',
      commands: [
        `docker cp <container>:/app/_build/${mixEnv}/rel/${app} ${path.join(releasesDir(state.cacheRoot), '.staging-*', RELEASE_SUBDIR)}`,
        `verify bin/${app}, releases/start_erl.data, erts-*/; write manifest.json; rename to ${path.join(releasesDir(state.cacheRoot), '<release-id>')}`,
      ],
    }];
  },
  async run(ctx, state) {
    if (state.reused) {
      state.manifest = state.reused;
      return ctx.output(`Release ${state.reused.id} at ${state.reused.path}\n`);
    }
    const { config, now } = state.options;
    const container = state.container!;
    const app = state.app!;
    const containerRelease = `${state.containerProjectDir}/_build/${config.build.mixEnv}/rel/${app}`;
    state.stagingDir = await makeStagingDir(state.cacheRoot);
    const stagedRelease = path.join(state.stagingDir, RELEASE_SUBDIR);
    await fs.mkdir(stagedRelease);
    let tar: NodeJS.ReadableStream;
    try {
      tar = await getTar(container, containerRelease);
    } catch (e) {
      if ((e as { statusCode?: number }).statusCode !== 404) throw e;
      throw new UserError(`\`${state.tool?.command.join(' ')}\` succeeded but there is no release at ${containerRelease} in the build ` +
        `container. Check the release name (app: in config/deploy.yml${config.app ? ` is ${config.app}` : ''}, releases: in mix.exs).`);
    }
    ctx.output(`Copying ${containerRelease} out of the container\n`);
    // The container reads its OTP version while this process writes the release to disk.
    const [otp] = await Promise.all([readOtpVersion(container, ctx.signal), extractTar(tar, stagedRelease, 1, ctx.signal)]);

    // include_erts: false was refused before the build, so every release must carry ERTS.
    const facts = await inspectRelease(stagedRelease, app, true);
    const builtAt = (now ?? (() => new Date()))();
    const id = makeReleaseId(builtAt, facts.version, state.commit!);
    const finalDir = path.join(releasesDir(state.cacheRoot), id);
    const manifest: Manifest = {
      id, app, version: facts.version, commit: state.commit!, subject: state.subject ?? '',
      path: path.join(finalDir, RELEASE_SUBDIR), erts: facts.erts, otp, elixir: facts.elixir,
      builderImage: state.builderImage ?? 'unknown', builderImageId: state.builderImageId ?? '',
      builtAt: builtAt.toISOString(), files: facts.files, bytes: facts.bytes,
      repo: config.repo, branch: config.branch, mixEnv: config.build.mixEnv, tool: state.tool!.tool, reuseKey: state.reuseKey!,
    };
    await fs.writeFile(path.join(state.stagingDir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
    await publishStagedRelease(state.stagingDir, state.cacheRoot, id);
    state.stagingDir = undefined;
    state.manifest = manifest;
    ctx.output(`Release ${id}: ${facts.files} files, ${(facts.bytes / 1e6).toFixed(1)} MB, erts ${facts.erts}, OTP ${otp}, Elixir ${facts.elixir}\n` +
      `Stored at ${manifest.path}\n`);
  },
};

async function readOtpVersion(container: Container, signal: AbortSignal): Promise<string> {
  let text = '';
  const argv = ['erl', '-noshell', '-eval', OTP_VERSION_EXPR];
  const result = await execIn(container, argv, { signal, output: (t) => { text += t; } });
  if (result.exitCode !== 0) throw new UserError(`\`${renderCommand(argv)}\` failed in the build container: ${text.trim()}`);
  return text.trim() || 'unknown';
}
