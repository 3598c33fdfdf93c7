import type { Step } from '../../plan/types';
import { cleanupCommand, selectForCleanup } from '../../remote/cleanup';
import { onHosts, runOn } from '../../fleet/hosts';
import type { DeployState, HostState } from '../types';
import { perHost } from './describe';
import { when, work } from '../../plan/describe';
import { syncStatic } from './prepare';

function toDelete(state: DeployState, h: HostState): string[] {
  const current = h.releaseId!;
  return selectForCleanup({
    releases: [...h.releases, current],
    current,
    keep: state.environment.keepReleases,
    protect: h.previous ? [h.previous] : [],
    history: h.log,
  });
}

/** Keeps keep_releases releases, the most recently live first; never the current one or the rollback target. */
export const cleanupStep: Step<DeployState> = {
  name: 'cleanup',
  title: 'Remove old releases',
  finishOnCancel: true,
  describe: (state) => perHost(state, (h) => {
    const command = cleanupCommand(state.paths, toDelete(state, h));
    if (command) return [command, syncStatic(state)];
    // Before the lock step has read the host, which releases go is not known (ids are checked before they reach a command).
    const sync = syncStatic(state);
    return [work(`rm -rf -- the releases beyond the newest ${state.environment.keepReleases} (decided after lock)`), ...(sync ? [when(sync, 'after removing any')] : [])];
  }),
  async run(ctx, state) {
    // The deploy has succeeded by now: a failed cleanup is a warning, not a failed deploy.
    await onHosts(state.hosts, async (h) => {
      const ids = toDelete(state, h);
      const command = cleanupCommand(state.paths, ids);
      if (!command) return;
      await runOn(h, command, ctx, 'removing old releases');
      // nginx stops serving the removed releases' assets: their links go.
      const sync = syncStatic(state);
      if (sync) await runOn(h, sync, ctx, 'unlinking the static dirs of removed releases');
      h.cleaned = ids;
      ctx.note(`removed ${ids.join(', ')}`, 'info', h.target.key);
    }, ctx).catch((e: Error) => ctx.note(`cleanup: ${e.message}`, 'warning'));
  },
};
