/**
 * The blue/green switch on one host, phase by phase: point the idle slot at the release, start it,
 * check it on its own port, route nginx to it, and finally drain and stop the old slot. Each phase
 * is a function over one host, so the plan's steps (and rollout batches) call them per host. Each
 * pushes its undo (putBack.ts): until `route`, nothing a visitor reaches has changed, and undoing
 * stops the new slot and puts its link back, leaving nginx, `current` and the old slot as they were.
 */
import { type StepContext } from '../plan/types';
import { UserError } from '../errors';
import { managedHost, systemctl, type ManagedHost, type Slot, type SlotName } from '../host/spec';
import { isReleaseId } from '../release/id';
import { drainCommand, drainTimedOut, parseWorkers, pointSlotCommand, routeCommand, routeRestored } from '../remote/slots';
import { appFailure, withAppWords } from './appSays';
import { runOn } from '../fleet/hosts';
import { ANY_EXIT, commandQuery } from '../remoteQuery';
import { runQuery } from '../ssh/runQuery';
import { restartSeconds } from './restartOn';
import { healthUrl } from './service';
import { describeReport, pollHealth } from './steps/healthPoll';
import { pushUndo, reach } from './undo';
import { settleUnit } from './unitState';
import type { DeployState, HostState, SlotSwitch } from './types';

export function managedOf(state: DeployState): ManagedHost {
  if (!state.app) throw new Error('the app name is needed to drive its units');
  return managedHost(state.app, state.environment);
}

export const slotOf = (host: ManagedHost, name: SlotName): Slot => host.slots.find((s) => s.name === name)!;
const other = (name: SlotName): SlotName => (name === 'blue' ? 'green' : 'blue');

/** Which slot goes idle → live on this host, from what the lock step read there. */
export function planSwitch(h: HostState): SlotSwitch {
  if (h.slotSwitch) return h.slotSwitch;
  const live: SlotName = h.slots?.live === 'green' ? 'green' : 'blue';
  h.slotSwitch = { from: live, to: other(live), workers: [] };
  return h.slotSwitch;
}

/** Where the idle slot's link pointed when the lock step looked (undefined: no link). */
function linkWas(h: HostState, slot: SlotName): string | undefined {
  const held = h.slots?.releases[slot];
  return held === undefined ? undefined : isReleaseId(held) ? `../releases/${held}` : held;
}

export async function pointIdle(h: HostState, state: DeployState, ctx: StepContext): Promise<void> {
  const sw = planSwitch(h);
  const slot = slotOf(managedOf(state), sw.to);
  pushUndo(h, { kind: 'relink-slot', slot: sw.to, was: linkWas(h, sw.to) }); // before the command: a link half-made is still put back
  await runOn(h, pointSlotCommand(slot, h.releaseId!), ctx, `pointing the ${sw.to} slot at ${h.releaseId}`);
  reach(h, 'pointed');
  ctx.note(`${sw.to} slot → ${h.releaseId} (${sw.from} keeps serving)`, 'info', h.target.key);
}

export async function startIdle(h: HostState, state: DeployState, ctx: StepContext): Promise<void> {
  const sw = planSwitch(h);
  const slot = slotOf(managedOf(state), sw.to);
  pushUndo(h, { kind: 'stop-slot', slot: sw.to }); // before the command: a slot half-started is still stopped
  h.startedAt = state.deps.now().getTime();
  // restart, not start: a slot left running (e.g. both enabled at a reboot) must run the new release.
  await runOn(h, systemctl('restart', slot.unit), ctx, `starting ${slot.unit}`, false, restartSeconds(state) * 1000)
    .catch(async (e: Error) => { throw await withAppWords(h, state, e); });
  h.unitStartedAt = state.deps.now().getTime();
  reach(h, 'started');
}

export async function checkIdle(h: HostState, state: DeployState, ctx: StepContext): Promise<void> {
  const sw = planSwitch(h);
  const slot = slotOf(managedOf(state), sw.to);
  const health = state.environment.health!;
  const url = healthUrl(state.environment, slot.port);
  h.health = await pollHealth(h, health, state, ctx.signal, url);
  if (!h.health.ok) {
    throw await appFailure(h, state, `${h.target.key}: the ${sw.to} slot (${h.releaseId}) is not healthy on ${url} after ${health.timeout}s; ${describeReport(h.health, health.expect)}`);
  }
  // Healthy once is not enough: the unit must still be up a few seconds after its start.
  const trouble = await settleUnit(h, state, slot.unit, ctx.signal);
  if (trouble) throw await appFailure(h, state, `${h.target.key}: the ${sw.to} slot (${h.releaseId}): ${trouble}`);
  reach(h, 'checked');
  ctx.note(`${sw.to} slot healthy on port ${slot.port}: ${h.health.status} ${h.health.body?.trim().slice(0, 80) ?? ''}`, 'info', h.target.key);
}

/** nginx to the new slot: its upstream file over the live one, nginx -t, reload; then the slot is enabled for reboots. */
export async function routeToIdle(h: HostState, state: DeployState, ctx: StepContext): Promise<void> {
  const host = managedOf(state);
  const sw = planSwitch(h);
  const to = slotOf(host, sw.to);
  const result = await runQuery(h, commandQuery('switching nginx', routeCommand(host, to, slotOf(host, sw.from)), ANY_EXIT), { signal: ctx.signal }); // told below
  if (result.code !== 0) {
    const restored = routeRestored(result.stdout);
    throw new UserError(`${h.target.key}: ${restored ? 'nginx -t refused the configuration with the new upstream; the previous upstream was put back' : 'switching nginx failed'}. ` +
      `${restored ? 'nginx' : 'The host'} said:\n${result.stderr.trim()}`, { host: h.target.key });
  }
  pushUndo(h, { kind: 'route-back', oldSlot: sw.from, newSlot: sw.to });
  reach(h, 'routed');
  sw.workers = parseWorkers(result.stdout);
  await runOn(h, systemctl('enable', to.unit), ctx, `enabling ${to.unit}`);
  ctx.note(`nginx → ${sw.to} (port ${to.port})`, 'info', h.target.key);
}

/** The old slot finishes what it is serving (up to drain_timeout), then stops and stays off at boot. */
export async function stopOld(h: HostState, state: DeployState, ctx: StepContext): Promise<void> {
  const host = managedOf(state);
  const sw = planSwitch(h);
  const from = slotOf(host, sw.from);
  const drained = await runOn(h, drainCommand(from, host.drainTimeout, sw.workers), ctx, 'draining', false, (host.drainTimeout + 30) * 1000);
  if (drainTimedOut(drained.stdout)) ctx.note(`${sw.from} still had requests after drain_timeout (${host.drainTimeout}s); stopping it anyway`, 'warning', h.target.key);
  await runOn(h, systemctl('disable', from.unit), ctx, `disabling ${from.unit}`);
  await runOn(h, systemctl('stop', from.unit), ctx, `stopping ${from.unit}`, false, (host.drainTimeout + 30) * 1000);
}
