import { type Step, type StepContext } from '../../plan/types';
import { HostsError, structuredError, UserError } from '../../errors';
import { restartCommand, switchCommand } from '../../remote/release';
import { ConnectionLostError } from '../../ssh/connection';
import { CommandTimeoutError } from '../../ssh/runQuery';
import { onHosts, primaryFirst, runOn } from '../../fleet/hosts';
import { withAppWords } from '../appSays';
import { putBackLive } from '../putBack';
import { restartOn, restartSeconds } from '../restartOn';
import { restartArgv } from '../service';
import { anyRolledBack, pushUndo, reach, switchedForSure } from '../undo';
import type { DeployState, HostState } from '../types';
import { all, perHost, releaseOf, type Select } from './describe';
import { pollHealth } from './healthPoll';
import { work } from '../../plan/describe';

/**
 * Before rolling back hosts whose restart just succeeded, lets the new release finish booting (until
 * healthy, or the health timeout): a second restart issued while the first is still starting can be
 * dropped by the supervisor (runit does), which would leave the new release running behind a
 * `current` that says the old one.
 */
async function settleRestarted(state: DeployState, ctx: StepContext): Promise<void> {
  const health = state.environment.health;
  const restarted = state.hosts.filter((h) => switchedForSure(h) && !h.error && h.conn?.isAlive?.() !== false);
  if (!health || restarted.length === 0) return;
  await onHosts(restarted, async (h) => {
    await pollHealth(h, health, state, ctx.signal);
  }).catch(() => undefined);
}

/** `restart`: the strategy restarts the app after `current` moves, so undoing the switch restarts it too. */
async function switchHost(h: HostState, state: DeployState, ctx: StepContext, restart: boolean): Promise<void> {
  try {
    await runOn(h, switchCommand(state.paths, h.releaseId!), ctx, 'switching current');
  } catch (e) {
    // The rename may have happened before the connection died: the undo reads `current` back first.
    if (e instanceof ConnectionLostError) pushUndo(h, { kind: 'current-back', to: h.previous, uncertain: true, restart });
    h.error = structuredError(e, 'switch', h.target.key);
    throw e;
  }
  pushUndo(h, { kind: 'current-back', to: h.previous, uncertain: false, restart });
  reach(h, 'switched');
}

/**
 * The point of no return, for both strategies: `current` is renamed onto the new release on every
 * selected host (the primary first); on a failure, the whole fleet is put back (putBackLive).
 * `restart`: the app restarts after the switch (the restart strategy; blue/green slots do not read `current`).
 */
export function switchStep(select: Select = all, restart = true): Step<DeployState> {
  return {
    name: 'switch',
    title: 'Switch current (atomic rename)',
    finishOnCancel: true,
    describe: (state) => perHost(state, (h) => [h.releaseId ? switchCommand(state.paths, h.releaseId) : work(`switch current to ${releaseOf(h)}`)], select(state)),
    async run(ctx, state) {
      try {
        await primaryFirst(select(state), (h) => switchHost(h, state, ctx, restart), ctx);
      } catch (e) {
        await putBackLive(state, ctx);
        throw e;
      }
    },
  };
}

/**
 * Restart, bounded by `restart_timeout`: a restart that hangs counts as a failed health check.
 * Every selected host restarts at once (they all switched already): one host's restart time, not
 * the sum of the primary's and the rest's, so fan-out stays flat.
 */
export function restartStep(select: Select = all): Step<DeployState> {
  return {
    name: 'restart',
    title: 'Restart the app',
    finishOnCancel: true,
    describe: (state) => perHost(state, () => [restartCommand(state.paths, restartArgv(state.environment, state.app), restartSeconds(state))], select(state)),
    async run(ctx, state) {
      try {
        await onHosts(select(state), async (h) => {
          try {
            await restartOn(h, state, ctx, 'restart', true);
            reach(h, 'restarted');
          } catch (e) {
            // Heard before any rollback restarts the old release over its words.
            const led = await withAppWords(h, state, e as Error);
            h.error = structuredError(led, 'restart', h.target.key);
            throw led;
          }
        }, ctx);
      } catch (e) {
        await settleRestarted(state, ctx);
        await putBackLive(state, ctx);
        const hung = e instanceof CommandTimeoutError || (e instanceof HostsError && e.failures.some((f) => f.error instanceof CommandTimeoutError));
        if (!hung) throw e;
        // A restart that never returns is no better than an app that never gets healthy.
        throw new UserError(`${e.message}; treated as a failed health check.${anyRolledBack(state) ? ' Rolled back automatically.' : ''}`,
          { host: state.hosts.find((h) => h.error)?.target.key });
      }
    },
  };
}

