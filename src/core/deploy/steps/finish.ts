import { quietContext } from '../../plan/runner';
import type { PlanOutcome, StepContext } from '../../plan/types';
import { closeSessions } from '../../ssh/sessions';
import { liveConnection, onHosts } from '../../fleet/hosts';
import { tryUndo, undoPending } from '../putBack';
import { readBackCurrent } from '../restartOn';
import { hasPending, holdsLock, pendingIn, stillLive } from '../undo';
import type { DeployState, HostState } from '../types';
import { endedAs, writeRecords } from './record';

/**
 * The plan's `finally`, on every exit path: reconnect to hosts with something to put back, then
 * undo the rest of each host's undo list below what visitors see (putBack.ts): new slots nobody was
 * routed to, the record of a failure in between, a release that never went live (never the one
 * `current` points at), then read back what `current` is and release our locks (only ours), close
 * connections. Each part runs even if another fails; a lock that cannot be released is reported
 * with what to do.
 */
export async function finishRun(state: DeployState, outcome: PlanOutcome, note?: StepContext['note']): Promise<void> {
  const signal = new AbortController().signal; // cleanup must run even after a cancel
  const ctx: StepContext | undefined = note ? quietContext(signal, note) : undefined;
  const quiet: StepContext = ctx ?? quietContext(signal);
  const problems: string[] = [];
  const attempt = async (what: string, fn: () => Promise<void>) => {
    try {
      await fn();
    } catch (e) {
      problems.push(`${what}: ${(e as Error).message}`);
    }
  };
  // A cut connection must not leave a lock or a half-made release behind: reopen it once.
  await onHosts(state.hosts.filter((h) => hasPending(h) && h.conn), async (h) => {
    await liveConnection(h, state, signal);
  }).catch(() => undefined);
  const live = (h: HostState) => h.conn !== undefined && h.conn.isAlive?.() !== false && !h.unreachable;
  // What is still live on this run's side (`current`, nginx) keeps what it stands on.
  const below = (h: HostState, layer: 'slot' | 'release') => !stillLive(h) && pendingIn(h, layer).length > 0 && live(h);
  // Blue/green stopped before the route: the new slot goes down, nginx and the old slot never moved.
  await attempt('stopping the new slot', () => onHosts(state.hosts.filter((h) => below(h, 'slot')), async (h) => {
    await tryUndo(h, 'slot', state, quiet);
  }));
  if (!state.recorded && state.kind !== 'restart' && state.hosts.some((h) => holdsLock(h) && live(h))) {
    await attempt('recording', () => writeRecords(state, ctx, endedAs(outcome), outcome.ok ? undefined : outcome.error.message));
  }
  await attempt('removing the unused release', () => onHosts(state.hosts.filter((h) => below(h, 'release')), (h) => undoPending(h, 'release', state, quiet)));
  // The truth for the report, read while the lock is still ours; then the unlock, in the same round trip.
  await onHosts(state.hosts.filter((h) => !holdsLock(h) && live(h)), async (h) => {
    const now = await readBackCurrent(h, state, signal);
    if (now !== undefined) h.observedCurrent = now;
  }).catch(() => undefined);
  await attempt('unlocking', () => onHosts(state.hosts.filter((h) => holdsLock(h) && live(h)), (h) => undoPending(h, 'lock', state, quiet)));
  for (const h of state.hosts.filter((x) => holdsLock(x) && !live(x))) {
    problems.push(`the deploy lock on ${h.target.key} could not be released (${h.unreachable ?? 'connection lost'}); ` +
      'once the host is reachable, check it with `phoenix-deploy releases` and clear it with `phoenix-deploy unlock`');
  }
  await closeSessions(state.hosts.flatMap((h) => (h.conn ? [h.conn] : [])));
  state.warnings.push(...problems);
  if (problems.length > 0) throw new Error(problems.join('\n'));
}
