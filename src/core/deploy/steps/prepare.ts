import { type Step } from '../../plan/types';
import { UserError } from '../../errors';
import { join, op } from '../../shell';
import { describeCompatProblems, lddCommand, parseLddOutput } from '../../remote/compat';
import { linkSharedCommand, prepareCommand, removeUnusedReleaseCommand } from '../../remote/release';
import { onHosts, runOn } from '../hosts';
import type { DeployState } from '../types';
import { perHost } from './describe';

function prepareCommands(state: DeployState) {
  const id = state.release!.id;
  const link = linkSharedCommand(state.paths, id, state.sharedFiles);
  const copy = prepareCommand(state.paths, state.identity.developer, id);
  return link ? join(op.and, copy, link) : copy;
}

/** The upload renamed to releases/<id>, shared files linked in, and the cache refreshed from it. */
export const prepareStep: Step<DeployState> = {
  name: 'prepare',
  title: 'Prepare release directory (rename the upload)',
  describe: (state) => perHost(state, () => [prepareCommands(state)]),
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
      h.prepared = true; // set first: a half-made dir is still removed on failure
      await runOn(h, prepareCommands(state), ctx, 'preparing the release');
    }, ctx);
  },
};

/** ldd on the host over ERTS and NIFs: a release that cannot run there never gets switched to. */
export const compatStep: Step<DeployState> = {
  name: 'compat',
  title: 'Check native libraries on each host (ldd)',
  describe: (state) => perHost(state, () => [lddCommand(state.paths, state.release!.id)]),
  async run(ctx, state) {
    await onHosts(state.hosts, async (h) => {
      const result = await h.conn!.exec(lddCommand(state.paths, state.release!.id), { signal: ctx.signal });
      // ldd exits non-zero for scripts ("not a dynamic executable"), so the text decides, not the code.
      const problems = parseLddOutput(`${result.stdout}\n${result.stderr}`);
      if (problems.length > 0) throw new UserError(describeCompatProblems(h.target.key, problems), { host: h.target.key });
      if (result.code !== 0 && result.stdout.trim() === '') {
        ctx.note(`ldd could not check this host: ${result.stderr.trim().slice(0, 300)}`, 'warning', h.target.key);
      }
    }, ctx);
  },
};
