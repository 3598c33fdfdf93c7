import type { Step, StepContext } from '../../plan/types';
import { restartCommand, switchCommand } from '../../remote/release';
import { onHosts, primaryFirst, runOn } from '../hosts';
import type { DeployState, HostState } from '../types';
import { perHost, releaseOf } from './describe';
import { pollHealth } from './healthPoll';

/**
 * Puts every switched host back on the release it ran before, and restarts it. Used when a switch,
 * restart or health check fails. Never throws: the original failure is what the user needs to see.
 */
export async function rollBackSwitched(state: DeployState, ctx: StepContext): Promise<void> {
  const switched = state.hosts.filter((h) => h.switched);
  if (switched.length === 0) return;
  await onHosts(switched, async (h) => {
    if (!h.previous) {
      ctx.note('no earlier release to return to; the new release stays current', 'warning', h.target.key);
      return;
    }
    try {
      await runOn(h, switchCommand(state.paths, h.previous), ctx, 'switching back');
      h.switched = false;
      h.rolledBackTo = h.previous;
      state.rolledBack = true;
      await runOn(h, restartCommand(state.paths, state.environment.restart), ctx, 'restarting after switching back');
      ctx.note(`rolled back to ${h.previous}`, 'warning', h.target.key);
      const health = state.environment.health;
      if (health) {
        const report = await pollHealth(h, health, state, ctx.signal);
        ctx.note(report.ok ? `${h.previous} is healthy again` : `${h.previous} is not healthy either: ${report.error ?? report.status}`, report.ok ? 'info' : 'warning', h.target.key);
      }
    } catch (e) {
      ctx.note(`automatic rollback failed: ${(e as Error).message}`, 'warning', h.target.key);
    }
  }).catch(() => undefined);
}

async function switchHost(h: HostState, state: DeployState, ctx: StepContext): Promise<void> {
  await runOn(h, switchCommand(state.paths, h.release!), ctx, 'switching current');
  h.switched = true;
}

/** The point of no return: `current` is renamed onto the new release on every host. */
export const switchStep: Step<DeployState> = {
  name: 'switch',
  title: 'Switch current (atomic rename)',
  finishOnCancel: true,
  describe: (state) => perHost(state, (h) => [h.release ? switchCommand(state.paths, h.release) : `switch current to ${releaseOf(h)}`]),
  async run(ctx, state) {
    try {
      await primaryFirst(state.hosts, (h) => switchHost(h, state, ctx));
    } catch (e) {
      await rollBackSwitched(state, ctx);
      throw e;
    }
  },
};

export const restartStep: Step<DeployState> = {
  name: 'restart',
  title: 'Restart the app',
  finishOnCancel: true,
  describe: (state) => perHost(state, () => [restartCommand(state.paths, state.environment.restart)]),
  async run(ctx, state) {
    try {
      await primaryFirst(state.hosts, async (h) => {
        await runOn(h, restartCommand(state.paths, state.environment.restart), ctx, 'restart', true);
      });
    } catch (e) {
      await rollBackSwitched(state, ctx);
      throw e;
    }
  },
};
