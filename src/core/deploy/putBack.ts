/**
 * Putting a host back: its undo list (undo.ts), newest first, one layer at a time. `putBackLive`
 * undoes what visitors see wherever it moved (`current`, nginx), then the new slot behind it; the
 * plan's `finally` (steps/finish.ts) undoes the rest: new slots nobody was routed to, the unused
 * release, the lock. What a change left on the live side keeps everything below it.
 */
import type { StepContext } from '../plan/types';
import { systemctl } from '../host/spec';
import { describeHolder, LOCK_CHANGED_EXIT, lockText, parseReadLock, unlockCommand } from '../remote/lock';
import { parseCurrent, readCurrentCommand, removeUnusedReleaseCommand, switchCommand } from '../remote/release';
import { pointSlotAtCommand, routeCommand } from '../remote/slots';
import { ANY_EXIT, commandQuery } from '../remoteQuery';
import { join, op } from '../shell';
import { runQuery } from '../ssh/runQuery';
import { liveConnection, onHosts, runOn } from '../fleet/hosts';
import { readBackCurrent, restartOn, restartSeconds } from './restartOn';
import { managedOf, slotOf } from './slotPhases';
import { pollHealth } from './steps/healthPoll';
import { pendingIn, type UndoLayer } from './undo';
import type { DeployState, HostState, UndoAction, UndoEntry } from './types';

type Of<K extends UndoAction['kind']> = Extract<UndoAction, { kind: K }>;

/** `current` back; a switch whose answer was lost is read back first, and left alone if it never happened. */
async function currentBack(h: HostState, entry: UndoEntry, a: Of<'current-back'>, state: DeployState, ctx: StepContext): Promise<void> {
  await liveConnection(h, state, ctx.signal);
  if (a.uncertain) {
    const now = await readBackCurrent(h, state, ctx.signal);
    if (now !== undefined && now !== h.releaseId) {
      entry.status = 'moot'; // the switch never happened: nothing to undo, no restart either
      return;
    }
  }
  if (!a.to) {
    entry.status = 'kept';
    if (a.restart) ctx.note('no earlier release to return to; the new release stays current', 'warning', h.target.key);
    return;
  }
  await runOn(h, switchCommand(state.paths, a.to), ctx, 'switching current back');
  entry.status = 'undone';
  if (!a.restart) {
    ctx.rolledBack(h.target.key, a.to, ['switch']);
    return;
  }
  await restartOn(h, state, ctx, 'restarting after switching back');
  ctx.note(`rolled back to ${a.to}`, 'warning', h.target.key);
  ctx.rolledBack(h.target.key, a.to, ['switch']);
  const health = state.environment.health;
  if (health) {
    const report = await pollHealth(h, health, state, ctx.signal);
    ctx.note(report.ok ? `${a.to} is healthy again` : `${a.to} is not healthy either: ${report.error ?? report.status}`, report.ok ? 'info' : 'warning', h.target.key);
  }
}

/** nginx back to the old slot (which still runs), and the new slot off at boot. */
async function routeBack(h: HostState, entry: UndoEntry, a: Of<'route-back'>, state: DeployState, ctx: StepContext): Promise<void> {
  const host = managedOf(state);
  const [back, away] = [slotOf(host, a.oldSlot), slotOf(host, a.newSlot)];
  await liveConnection(h, state, ctx.signal);
  await runOn(h, routeCommand(host, back, away), ctx, `routing nginx back to ${a.oldSlot}`);
  entry.status = 'undone';
  ctx.rolledBack(h.target.key, h.previous ?? `the ${a.oldSlot} slot`, ['route']);
  await runOn(h, systemctl('disable', away.unit), ctx, `disabling ${away.unit}`);
  ctx.note(`nginx → ${a.oldSlot} again`, 'warning', h.target.key);
}

/** Our lock off, in the same round trip as reading `current` back for the report. */
async function unlock(h: HostState, entry: UndoEntry, state: DeployState, signal: AbortSignal): Promise<void> {
  const result = await runQuery(h, commandQuery('unlocking', join(op.then, readCurrentCommand(state.paths), unlockCommand(state.paths, lockText(state.lockHolder))), ANY_EXIT), { signal });
  const now = parseCurrent(result.stdout);
  if (now !== undefined) h.observedCurrent = now;
  if (result.code === LOCK_CHANGED_EXIT) {
    entry.status = 'moot';
    // Someone ran `unlock` during this run and another deploy took the lock: it is theirs, leave it.
    throw new Error(`${h.target.key}: our deploy lock was removed during the run; it is now held by ${describeHolder(parseReadLock(result.stdout)?.holder)}, and was left alone`);
  }
  if (result.code !== 0) throw new Error(result.stderr.trim());
  entry.status = 'undone';
}

/** Undoes one entry, setting its status as soon as the change is put back (a later part may still fail). */
async function undoEntry(h: HostState, entry: UndoEntry, state: DeployState, ctx: StepContext): Promise<void> {
  const a = entry.action;
  switch (a.kind) {
    case 'current-back': return currentBack(h, entry, a, state, ctx);
    case 'route-back': return routeBack(h, entry, a, state, ctx);
    case 'stop-slot': {
      const { unit } = slotOf(managedOf(state), a.slot);
      await liveConnection(h, state, ctx.signal);
      await runOn(h, systemctl('stop', unit), ctx, `stopping ${unit}`, false, restartSeconds(state) * 1000);
      break;
    }
    case 'relink-slot':
      await liveConnection(h, state, ctx.signal);
      await runOn(h, pointSlotAtCommand(slotOf(managedOf(state), a.slot), a.was), ctx, `putting the ${a.slot} slot back`);
      break;
    case 'remove-release':
      await runQuery(h, commandQuery('removing the unused release', removeUnusedReleaseCommand(state.paths, a.id), ANY_EXIT), { signal: ctx.signal });
      break;
    case 'unlock': return unlock(h, entry, state, ctx.signal);
  }
  entry.status = 'undone';
}

/** Undoes the host's pending entries of `layer`, newest first; throws at the first that fails, which stays pending. */
export async function undoPending(h: HostState, layer: UndoLayer, state: DeployState, ctx: StepContext): Promise<void> {
  for (const entry of pendingIn(h, layer)) await undoEntry(h, entry, state, ctx);
}

function failureNote(a: UndoAction, message: string): string {
  switch (a.kind) {
    case 'current-back': return a.restart ? `automatic rollback failed: ${message}` : `could not switch current back: ${message}`;
    case 'route-back': return `could not route nginx back to ${a.oldSlot}: ${message}`;
    case 'stop-slot': case 'relink-slot': return `could not stop the new ${a.slot} slot: ${message}`;
    default: return `could not undo ${a.kind}: ${message}`;
  }
}

/**
 * As undoPending, but a failure is noted, never thrown: true when the layer is fully undone. A
 * live change that cannot be put back ends this host's undo for the run (`undoFailed`).
 */
export async function tryUndo(h: HostState, layer: UndoLayer, state: DeployState, ctx: StepContext): Promise<boolean> {
  for (const entry of pendingIn(h, layer)) {
    try {
      await undoEntry(h, entry, state, ctx);
    } catch (e) {
      if (layer === 'live') h.undoFailed ??= (e as Error).message;
      ctx.note(failureNote(entry.action, (e as Error).message), 'warning', h.target.key);
      return false;
    }
  }
  return true;
}

/**
 * Puts back what visitors see on every host where it moved, in every rollout batch: `current`
 * (then a restart, with the restart strategy), nginx, then the new slot behind them. Used when a
 * switch, restart, health check or route fails, or a rollout is cancelled. Each host is tried once
 * per run. Never throws: the original failure is what the user needs to see.
 */
export async function putBackLive(state: DeployState, ctx: StepContext): Promise<void> {
  const moved = state.hosts.filter((h) => pendingIn(h, 'live').length > 0 && h.undoFailed === undefined);
  await onHosts(moved, async (h) => {
    if (await tryUndo(h, 'live', state, ctx)) await tryUndo(h, 'slot', state, ctx);
  }).catch(() => undefined);
}
