/**
 * Blue/green as named plan steps, each running one phase of the per-host switch (../slotPhases.ts)
 * on the hosts `select` picks (default: all), so rollout batches build these steps per batch.
 * A failure before `route` leaves every visitor on the old slot; the plan's `finally` stops the new
 * slot. From `route` on a failure sends nginx back to the old slot, which keeps running until `drain`.
 */
import { noted, work } from '../../plan/describe';
import { systemctl } from '../../host/spec';
import type { PlannedAction, Step, StepContext } from '../../plan/types';
import { drainCommand, pointSlotCommand, routeCommand } from '../../remote/slots';
import { checkIdle, managedOf, planSwitch, pointIdle, routeToIdle, startIdle, stopOld } from '../slotPhases';
import { onHosts } from '../../fleet/hosts';
import { putBackLive } from '../putBack';
import { healthUrl } from '../service';
import { UNIT_SETTLE_SECONDS, unitStateCommand } from '../unitState';
import type { DeployState, HostState } from '../types';
import { all, perHost, releaseOf, type Select } from './describe';
import { switchStep } from './switch';

/** For --dry-run before anything is read: the slots as the plan expects them (blue live first). */
function slotsFor(state: DeployState, h: HostState) {
  const host = managedOf(state);
  const sw = planSwitch({ ...h }); // a copy: describing never changes the run's state
  return { host, to: host.slots.find((s) => s.name === sw.to)!, from: host.slots.find((s) => s.name === sw.from)! };
}

/** Running and describing a phase on the selected hosts. */
function over(select: Select) {
  return {
    on: (state: DeployState, ctx: StepContext, fn: (h: HostState) => Promise<void>) => onHosts(select(state), fn, ctx),
    describe: (state: DeployState, actions: (h: HostState) => PlannedAction[]) => perHost(state, actions, select(state)),
  };
}

/** point, start, health, route, switch: the phases that move the selected hosts to the new slot. */
export function blueGreenSteps(select: Select = all): Array<Step<DeployState>> {
  const { on, describe } = over(select);

  const point: Step<DeployState> = {
    name: 'point',
    title: 'Point the idle slot at the release',
    describe: (state) => describe(state, (h) => [h.releaseId ? pointSlotCommand(slotsFor(state, h).to, h.releaseId) : work(`point the idle slot at ${releaseOf(h)}`)]),
    run: (ctx, state) => on(state, ctx, (h) => pointIdle(h, state, ctx)),
  };
  const start: Step<DeployState> = {
    name: 'start',
    title: 'Start the idle slot',
    describe: (state) => describe(state, (h) => [systemctl('restart', slotsFor(state, h).to.unit)]),
    run: (ctx, state) => on(state, ctx, (h) => startIdle(h, state, ctx)),
  };
  const health: Step<DeployState> = {
    name: 'health',
    title: 'Health check on the idle slot\'s own port',
    describe: (state) => describe(state, (h) => [
      work(`GET ${healthUrl(state.environment, slotsFor(state, h).to.port)} through the SSH connection until ${state.environment.health?.expect} (timeout ${state.environment.health?.timeout}s)`),
      noted(unitStateCommand(slotsFor(state, h).to.unit), `until ${UNIT_SETTLE_SECONDS}s after the start: ActiveState must stay active`),
    ]),
    run: (ctx, state) => on(state, ctx, (h) => checkIdle(h, state, ctx)),
  };
  const route: Step<DeployState> = {
    name: 'route',
    title: 'Switch nginx to the new slot (nginx -t, reload)',
    finishOnCancel: true,
    describe: (state) => describe(state, (h) => {
      const { host, to, from } = slotsFor(state, h);
      return [routeCommand(host, to, from), systemctl('enable', to.unit)];
    }),
    async run(ctx, state) {
      try {
        await on(state, ctx, (h) => routeToIdle(h, state, ctx));
      } catch (e) {
        await putBackLive(state, ctx);
        throw e;
      }
    },
  };
  // `current` moves with the restart strategy's own step, and its safety for a lost connection; no restart.
  const current = switchStep(select, false);
  return [point, start, health, route, current];
}

/** After the record: each host's old slot finishes what it serves, then stops. */
export function drainStep(select: Select = all): Step<DeployState> {
  const { on, describe } = over(select);
  return {
    name: 'drain',
    title: 'Drain, then stop the old slot',
    finishOnCancel: true,
    describe: (state) => describe(state, (h) => {
      const { host, from } = slotsFor(state, h);
      // The nginx workers from before the reload, once the route has read them, follow the port.
      return [noted(drainCommand(from, host.drainTimeout, h.slotSwitch?.workers ?? []), `until in-flight requests finish, at most ${host.drainTimeout}s`),
        systemctl('disable', from.unit), systemctl('stop', from.unit)];
    }),
    async run(ctx, state) {
      // The new release serves by now: a slot that will not stop is a warning, not a failed deploy.
      await on(state, ctx, (h) => stopOld(h, state, ctx)).catch((e: Error) => ctx.note(`stopping the old slot: ${e.message}`, 'warning'));
    },
  };
}
