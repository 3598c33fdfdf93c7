import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { local } from '../../plan/describe';
import { execIn, getTar, type Container } from '../../docker/container';
import { extractTar } from '../../docker/context';
import { type Step } from '../../plan/types';
import { UserError } from '../../errors';
import { makeReleaseId } from '../../release/id';
import { renderCommand } from '../../shell';
import { linkUnchanged, parseSha256sums, reuseFilter } from '../reuse';
import { inspectRelease, listStoredReleases, makeStagingDir, MANIFEST_FILE, publishStagedRelease, RELEASE_SUBDIR, releasesDir } from '../store';
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
    return local([
        `docker cp <container>:/app/_build/${mixEnv}/rel/${app} ${path.join(releasesDir(state.cacheRoot), '.staging-*', RELEASE_SUBDIR)}` +
          '   # files unchanged since the previous stored release (sha256 in the container) are hard-linked from it instead',
        `verify bin/${app}, releases/start_erl.data, erts-*/; write manifest.json; rename to ${path.join(releasesDir(state.cacheRoot), '<release-id>')}`,
      ]);
  },
  async run(ctx, state) {
    if (state.reused) {
      state.manifest = state.reused;
      return ctx.output(`Release ${state.reused.id} at ${state.reused.path}\n`);
    }
    const { config, now } = state.options;
    const container = state.container!;
    const app = state.app!;
    const containerRelease = state.containerReleaseDir!;
    state.stagingDir = await makeStagingDir(state.cacheRoot);
    const stagedRelease = path.join(state.stagingDir, RELEASE_SUBDIR);
    await fs.mkdir(stagedRelease);
    // The same build image has the same OTP: read it from the previous release's manifest, else from the container.
    const prev = (await listStoredReleases(state.cacheRoot)).find((m) => m.app === app);
    const knownOtp = prev && prev.builderImageId === state.builderImageId && prev.otp && prev.otp !== 'unknown' ? prev.otp : undefined;
    const otpRead = knownOtp !== undefined ? Promise.resolve(knownOtp) : readOtpVersion(container, ctx.signal);
    otpRead.catch(() => undefined); // awaited below; meanwhile a failure must not be an unhandled rejection
    // Files the previous release has unchanged are hard-linked from it instead of written again (see reuse.ts).
    let linked = new Set<string>();
    if (prev) {
      try {
        linked = await linkUnchanged(prev.path, stagedRelease, await containerSums(container, containerRelease, ctx.signal));
      } catch (e) {
        if (ctx.signal.aborted) throw e;
        await fs.rm(stagedRelease, { recursive: true, force: true });
        await fs.mkdir(stagedRelease);
        linked = new Set();
        ctx.note(`could not compare with ${prev.id} (${(e as Error).message.split('\n')[0]}); copying the whole release`, 'info');
      }
    }
    // Only now: Docker holds the container while an archive streams, so no exec may wait on it before it is read.
    let tar: NodeJS.ReadableStream;
    try {
      tar = await getTar(container, containerRelease);
    } catch (e) {
      if ((e as { statusCode?: number }).statusCode !== 404) throw e;
      throw new UserError(`\`${state.tool?.command.join(' ')}\` succeeded but there is no release at ${containerRelease} in the build ` +
        `container. Check the release name (app: in config/deploy.yml${config.app ? ` is ${config.app}` : ''}, releases: in mix.exs).`);
    }
    ctx.output(`Copying ${containerRelease} out of the container` +
      `${linked.size > 0 ? ` (${linked.size} unchanged files hard-linked from ${prev!.id})` : ''}\n`);
    // The container reads its OTP version while this process writes the release to disk.
    const [otp] = await Promise.all([otpRead, extractTar(tar, stagedRelease, 1, ctx.signal, linked.size > 0 ? reuseFilter(stagedRelease, linked) : undefined)]);

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

/** sha256 of every file of the release inside the container, by relative path. */
async function containerSums(container: Container, dir: string, signal: AbortSignal): Promise<Map<string, string>> {
  let text = '';
  const result = await execIn(container, ['sh', '-c', 'cd "$1" && find . -type f -exec sha256sum {} +', 'sh', dir], { signal, output: (t) => { text += t; } });
  if (result.exitCode !== 0) throw new Error(`sha256sum in the build container exited ${result.exitCode}`);
  return parseSha256sums(text);
}

async function readOtpVersion(container: Container, signal: AbortSignal): Promise<string> {
  let text = '';
  const argv = ['erl', '-noshell', '-eval', OTP_VERSION_EXPR];
  const result = await execIn(container, argv, { signal, output: (t) => { text += t; } });
  if (result.exitCode !== 0) throw new UserError(`\`${renderCommand(argv)}\` failed in the build container: ${text.trim()}`);
  return text.trim() || 'unknown';
}
