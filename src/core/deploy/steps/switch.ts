import { type Step, type StepContext } from '../../plan/types';
import { HostsError, structuredError, UserError } from '../../errors';
import { readCurrentQuery, restartCommand, switchCommand } from '../../remote/release';
import { ConnectionLostError } from '../../ssh/connection';
import { CommandTimeoutError, runQuery } from '../../ssh/runQuery';
import { liveConnection, onHosts, primaryFirst, runOn } from '../../fleet/hosts';
import { withAppWords } from '../appSays';
import { restartArgv } from '../service';
import type { DeployState, HostState } from '../types';
import { all, perHost, releaseOf, type Select } from './describe';
import { pollHealth } from './healthPoll';
import { work } from '../../plan/describe';

/** Default bound on the restart command (seconds), when `restart_timeout` is not set. */
export const DEFAULT_RESTART_TIMEOUT = 120;

const restartSeconds = (state: DeployState) => state.environment.restartTimeout ?? DEFAULT_RESTART_TIMEOUT;

/**
 * Runs the restart bounded twice: `timeout` on the host kills a hung restart's process group
 * (exit 124), and a local bound a little later covers a host that stopped answering altogether.
 */
async function restartOn(h: HostState, state: DeployState, ctx: StepContext, what: string, stream = false): Promise<void> {
  const seconds = restartSeconds(state);
  h.startedAt = state.deps.now().getTime();
  try {
    await runOn(h, restartCommand(state.paths, restartArgv(state.environment, state.app), seconds), ctx, what, stream, (seconds + 10) * 1000);
    h.unitStartedAt = state.deps.now().getTime();
  } catch (e) {
    if ((e as { exitCode?: number }).exitCode === 124) {
      throw new CommandTimeoutError(`${what} did not finish within ${seconds}s on ${h.target.key}; it was stopped`, h.target.key);
    }
    throw e;
  }
}

/** Reads `current` back from the host: the release name, null when absent, undefined when unknown. */
export async function readBackCurrent(h: HostState, state: DeployState, signal: AbortSignal): Promise<string | null | undefined> {
  return runQuery(h, readCurrentQuery(state.paths), { signal });
}

/**
 * Puts every switched host (of every rollout batch) back on the release it ran before, and
 * restarts it. Used when a switch, restart or health check fails, or a rollout is cancelled. A
 * host whose connection was lost is reconnected first, and a host whose switch result was lost is
 * asked what `current` is before anything is touched. Each host is tried once per run. Never
 * throws: the original failure is what the user needs to see.
 */
/**
 * Puts `current` on one host back on the release it ran before: the host is reconnected if its
 * connection was lost, and a host whose switch result was lost is asked what `current` is before
 * anything is touched. 'unchanged': the switch never happened; 'no-previous': nothing to go back to.
 * Shared by both strategies' rollbacks.
 */
export async function switchCurrentBack(h: HostState, state: DeployState, ctx: StepContext): Promise<'back' | 'unchanged' | 'no-previous'> {
  await liveConnection(h, state, ctx.signal);
  if (h.switchUncertain && !h.switched) {
    const now = await readBackCurrent(h, state, ctx.signal);
    if (now !== undefined && now !== h.release) {
      h.switchUncertain = false; // the switch never happened: nothing to undo
      return 'unchanged';
    }
    h.switched = true;
  }
  if (!h.previous) return 'no-previous';
  await runOn(h, switchCommand(state.paths, h.previous), ctx, 'switching current back');
  h.switched = false;
  h.switchUncertain = false;
  h.rolledBackTo = h.previous;
  state.rolledBack = true;
  return 'back';
}

/** Hosts whose `current` may have moved this run, and whose rollback was not tried yet. */
export const mayHaveSwitched = (state: DeployState) => state.hosts.filter((h) => (h.switched || h.switchUncertain) && h.rollbackFailed === undefined);

/**
 * Puts every switched host (of every rollout batch) back on the release it ran before, and
 * restarts it. Used when a switch, restart or health check fails, or a rollout is cancelled. Each
 * host is tried once per run. Never throws: the original failure is what the user needs to see.
 */
export async function rollBackSwitched(state: DeployState, ctx: StepContext): Promise<void> {
  const switched = mayHaveSwitched(state);
  if (switched.length === 0) return;
  await onHosts(switched, async (h) => {
    try {
      const back = await switchCurrentBack(h, state, ctx);
      if (back === 'unchanged') return; // no restart either
      if (back === 'no-previous') {
        ctx.note('no earlier release to return to; the new release stays current', 'warning', h.target.key);
        return;
      }
      await restartOn(h, state, ctx, 'restarting after switching back');
      ctx.note(`rolled back to ${h.previous}`, 'warning', h.target.key);
      ctx.rolledBack(h.target.key, h.previous!, ['switch']);
      const health = state.environment.health;
      if (health) {
        const report = await pollHealth(h, health, state, ctx.signal);
        ctx.note(report.ok ? `${h.previous} is healthy again` : `${h.previous} is not healthy either: ${report.error ?? report.status}`, report.ok ? 'info' : 'warning', h.target.key);
      }
    } catch (e) {
      h.rollbackFailed = (e as Error).message;
      ctx.note(`automatic rollback failed: ${(e as Error).message}`, 'warning', h.target.key);
    }
  }).catch(() => undefined);
}

/**
 * Before rolling back hosts whose restart just succeeded, lets the new release finish booting (until
 * healthy, or the health timeout): a second restart issued while the first is still starting can be
 * dropped by the supervisor (runit does), which would leave the new release running behind a
 * `current` that says the old one.
 */
async function settleRestarted(state: DeployState, ctx: StepContext): Promise<void> {
  const health = state.environment.health;
  const restarted = state.hosts.filter((h) => h.switched && !h.error && h.conn?.isAlive?.() !== false);
  if (!health || restarted.length === 0) return;
  await onHosts(restarted, async (h) => {
    await pollHealth(h, health, state, ctx.signal);
  }).catch(() => undefined);
}

async function switchHost(h: HostState, state: DeployState, ctx: StepContext): Promise<void> {
  try {
    await runOn(h, switchCommand(state.paths, h.release!), ctx, 'switching current');
  } catch (e) {
    // The rename may have happened before the connection died: find out before rolling back.
    if (e instanceof ConnectionLostError) h.switchUncertain = true;
    h.error = structuredError(e, 'switch', h.target.key);
    throw e;
  }
  h.switched = true;
}

/**
 * The point of no return, for both strategies: `current` is renamed onto the new release on every
 * selected host (the primary first); on a failure, `rollBack` puts the whole fleet back.
 */
export function switchStep(select: Select = all, rollBack: (state: DeployState, ctx: StepContext) => Promise<void> = rollBackSwitched): Step<DeployState> {
  return {
    name: 'switch',
    title: 'Switch current (atomic rename)',
    finishOnCancel: true,
    describe: (state) => perHost(state, (h) => [h.release ? switchCommand(state.paths, h.release) : work(`switch current to ${releaseOf(h)}`)], select(state)),
    async run(ctx, state) {
      try {
        await primaryFirst(select(state), (h) => switchHost(h, state, ctx), ctx);
      } catch (e) {
        await rollBack(state, ctx);
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
          } catch (e) {
            // Heard before any rollback restarts the old release over its words.
            const led = await withAppWords(h, state, e as Error);
            h.error = structuredError(led, 'restart', h.target.key);
            throw led;
          }
        }, ctx);
      } catch (e) {
        await settleRestarted(state, ctx);
        await rollBackSwitched(state, ctx);
        const hung = e instanceof CommandTimeoutError || (e instanceof HostsError && e.failures.some((f) => f.error instanceof CommandTimeoutError));
        if (!hung) throw e;
        // A restart that never returns is no better than an app that never gets healthy.
        throw new UserError(`${e.message}; treated as a failed health check.${state.rolledBack ? ' Rolled back automatically.' : ''}`,
          { host: state.hosts.find((h) => h.error)?.target.key });
      }
    },
  };
}

