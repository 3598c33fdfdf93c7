import { when } from '../../plan/describe';
import { type Step } from '../../plan/types';
import { UserError } from '../../errors';
import { join, op } from '../../shell';
import { CONFIG_PATH } from '../../config/types';
import { describeCompatProblems, lddCommand, parseLddOutput } from '../../remote/compat';
import { linkSharedCommand, prepareCommand, removeUnusedReleaseCommand } from '../../remote/release';
import { linkSharedPathsCommand, parseSharedRefusal, syncStaticCommand } from '../../remote/sharedPaths';
import { staticLinkCount } from '../../host/spec';
import { onHosts, runOn } from '../../fleet/hosts';
import { pushUndo, reach } from '../undo';
import type { DeployState, HostState } from '../types';
import { perHost } from './describe';
import { ipv6LoopbackCommand, ipv6Needs } from './ipv6';
import { ANY_EXIT, commandQuery } from '../../remoteQuery';
import { runQuery } from '../../ssh/runQuery';

function prepareCommands(state: DeployState) {
  const id = state.release!.id;
  const link = linkSharedCommand(state.paths, id, state.sharedFiles);
  const copy = prepareCommand(state.paths, state.identity.developer, id);
  return link ? join(op.and, copy, link) : copy;
}

const sharedPathsCommand = (state: DeployState) =>
  linkSharedPathsCommand(state.paths, state.release!.id, state.release!.app, state.environment.sharedPaths ?? []);

/** After a prepare (and a cleanup): links to the static dirs of kept releases, which nginx serves digested assets from. */
export function syncStatic(state: DeployState) {
  const app = state.release?.app ?? state.app;
  return state.environment.proxy && app ? syncStaticCommand(state.paths, app, staticLinkCount(state.environment)) : undefined;
}

/** shared_paths linked into the new release; a place where the release ships files is refused with its deploy.yml line. */
async function linkSharedPaths(h: HostState, state: DeployState, signal: AbortSignal): Promise<void> {
  const command = sharedPathsCommand(state);
  if (!command) return;
  const result = await runQuery(h, commandQuery('linking shared_paths', command, ANY_EXIT), { signal }); // a refusal is read below
  if (result.code === 0) return;
  const refusal = parseSharedRefusal(result.stdout);
  const entry = state.environment.sharedPaths?.find((p) => p.path === refusal?.entry);
  const at = entry?.line !== undefined ? `${CONFIG_PATH}:${entry.line}: ` : '';
  if (refusal?.reason === 'ships') {
    throw new UserError(`${at}shared path ${refusal.entry}: the release ships files there (${refusal.found.join(', ')}), which a link to ${state.paths.shared}/${refusal.entry} would hide. ` +
      'Share a directory the release leaves empty (an empty directory or a lone .gitkeep is fine), e.g. priv/static/uploads.', { host: h.target.key, file: CONFIG_PATH, line: entry?.line });
  }
  if (refusal?.reason === 'no-app-dir') {
    throw new UserError(`${at}shared path ${refusal.entry}: the release has no lib/${state.release!.app}-*/ directory for priv/ to point into`, { host: h.target.key, file: CONFIG_PATH, line: entry?.line });
  }
  throw new UserError(`${h.target.key}: linking shared_paths failed (exit ${result.code}): ${result.stderr.trim()}`, { host: h.target.key });
}

/** The upload renamed to releases/<id>, shared files and paths linked in, and the cache refreshed from it. */
export const prepareStep: Step<DeployState> = {
  name: 'prepare',
  title: 'Prepare release directory (rename the upload)',
  describe: (state) => perHost(state, () => [prepareCommands(state), ...[sharedPathsCommand(state), syncStatic(state)].filter((c) => c !== undefined)]),
  async run(ctx, state) {
    await onHosts(state.hosts, async (h) => {
      const id = state.release!.id;
      if (h.releases.includes(id)) {
        // The same build again (a re-run after a failure): converge instead of refusing.
        if (h.previous === id) {
          ctx.note(`${id} is already current here; keeping it`, 'info', h.target.key);
          return;
        }
        ctx.note(`${id} was left over by an interrupted deploy; preparing it afresh`, 'warning', h.target.key);
        await runOn(h, removeUnusedReleaseCommand(state.paths, id), ctx, 'removing the leftover release');
      }
      pushUndo(h, { kind: 'remove-release', id }); // first: a half-made dir is still removed on failure
      await runOn(h, prepareCommands(state), ctx, 'preparing the release');
      await linkSharedPaths(h, state, ctx.signal);
      const sync = syncStatic(state);
      if (sync) await runOn(h, sync, ctx, 'linking the static dirs of kept releases');
      reach(h, 'prepared');
    }, ctx);
  },
};

/** ldd on the host over ERTS and NIFs: a release that cannot run there never gets switched to. */
export const compatStep: Step<DeployState> = {
  name: 'compat',
  title: 'Check native libraries on each host (ldd)',
  describe: (state) => perHost(state, () => [lddCommand(state.paths, state.release!.id),
    when(ipv6LoopbackCommand(), "only when the release's env.sh exports -proto_dist inet6_tcp")]),
  async run(ctx, state) {
    const ipv6 = await ipv6Needs(state.release!);
    await onHosts(state.hosts, async (h) => {
      if (ipv6) {
        const hasLoopback = await runQuery(h, { what: 'looking for ::1', command: ipv6LoopbackCommand(), okCodes: ANY_EXIT, parse: (r) => r.stdout.includes('present') },
          { signal: ctx.signal });
        if (!hasLoopback) {
          throw new UserError(`the release starts its node with -proto_dist inet6_tcp (${ipv6}), and ${h.target.key} has no IPv6 loopback (::1): ` +
            'the node could not start there. Enable IPv6 on the host, or export that setting only on the platform that needs it. Nothing was switched.', { host: h.target.key });
        }
      }
      // ldd exits non-zero for scripts ("not a dynamic executable"), so the text decides, not the code.
      const result = await runQuery(h, commandQuery('ldd', lddCommand(state.paths, state.release!.id), ANY_EXIT), { signal: ctx.signal });
      const problems = parseLddOutput(`${result.stdout}\n${result.stderr}`);
      if (problems.length > 0) throw new UserError(describeCompatProblems(h.target.key, problems), { host: h.target.key });
      if (result.code !== 0 && result.stdout.trim() === '') {
        ctx.note(`ldd could not check this host: ${result.stderr.trim().slice(0, 300)}`, 'warning', h.target.key);
      }
    }, ctx);
  },
};
