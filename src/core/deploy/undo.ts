/**
 * A host's undo list: each step pushes what it changed as it changes it, and a failure puts the
 * changes back newest first (putBack.ts). The facts results report (rolled back, where `current`
 * is, where nginx routes, whether the lock is held) are read from it, never kept twice.
 */
import type { DeployState, HostPhase, HostState, UndoAction, UndoEntry } from './types';

/** The phases in the order a host goes through them. */
const PHASES: readonly HostPhase[] = ['planned', 'connected', 'locked', 'uploaded', 'prepared', 'pointed', 'started', 'checked', 'routed', 'switched', 'restarted'];

/** Moves the host on to `phase` (never back). */
export function reach(h: HostState, phase: HostPhase): void {
  if (PHASES.indexOf(phase) > PHASES.indexOf(h.phase)) h.phase = phase;
}

export const hasReached = (h: HostState, phase: HostPhase) => PHASES.indexOf(h.phase) >= PHASES.indexOf(phase);

/** Records a change to put back on failure; push it before the command when a half-done change still needs undoing. */
export function pushUndo(h: HostState, action: UndoAction): UndoEntry {
  const entry: UndoEntry = { action, status: 'pending' };
  h.undo.push(entry);
  return entry;
}

/**
 * How far back an undo goes, oldest layer first: the lock, the prepared release, the blue/green
 * slot, then what visitors see (`current`, nginx). A host's list always stacks them in this order.
 */
export type UndoLayer = 'lock' | 'release' | 'slot' | 'live';

function layerOf(action: UndoAction): UndoLayer {
  switch (action.kind) {
    case 'unlock': return 'lock';
    case 'remove-release': return 'release';
    case 'relink-slot': case 'stop-slot': return 'slot';
    case 'route-back': case 'current-back': return 'live';
  }
}

/** The entries of a layer still to undo, newest first. */
export const pendingIn = (h: HostState, layer: UndoLayer): UndoEntry[] =>
  h.undo.filter((e) => e.status === 'pending' && layerOf(e.action) === layer).reverse();

const some = (h: HostState, kind: UndoAction['kind'], ...status: UndoEntry['status'][]) =>
  h.undo.some((e) => e.action.kind === kind && status.includes(e.status));

/** Our lock is (as far as we know) still on the host. */
export const holdsLock = (h: HostState) => some(h, 'unlock', 'pending');

/** Something visitors see (`current`, nginx) is still on this run's side: what is below it must stay. */
export const stillLive = (h: HostState) => h.undo.some((e) => layerOf(e.action) === 'live' && (e.status === 'pending' || e.status === 'kept'));

/** The host may have something to put back: worth reconnecting to. */
export const hasPending = (h: HostState) => h.undo.some((e) => e.status === 'pending');

/** `current` points at this run's release, as far as the run knows (its switch unknown or not undone). */
export const currentMoved = (h: HostState) => some(h, 'current-back', 'pending', 'kept');

/** `current` moved this run, whether or not it went back. */
export const currentTouched = (h: HostState) => some(h, 'current-back', 'pending', 'kept', 'undone');

/** `current` went back to the release before. */
export const currentWentBack = (h: HostState) => some(h, 'current-back', 'undone');

/** The switch of `current` surely happened and was not undone. */
export const switchedForSure = (h: HostState) => h.undo.some((e) => e.action.kind === 'current-back' && !e.action.uncertain && e.status === 'pending');

/** nginx routes to the new slot now. */
export const routedNow = (h: HostState) => some(h, 'route-back', 'pending');

/** nginx routed to the new slot at some point of this run. */
export const everRouted = (h: HostState) => h.undo.some((e) => e.action.kind === 'route-back');

/** Something visitors saw moved here and was put back. */
export const rolledBackHere = (h: HostState) => h.undo.some((e) => layerOf(e.action) === 'live' && e.status === 'undone');

export const anyRolledBack = (state: DeployState) => state.hosts.some(rolledBackHere);
