import { quietContext } from '../../plan/runner';
import type { PlanOutcome, StepContext } from '../../plan/types';
import { describeHolder, LOCK_CHANGED_EXIT, lockText, parseReadLock, unlockCommand } from '../../remote/lock';
import { parseCurrent, readCurrentCommand, removeUnusedReleaseCommand } from '../../remote/release';
import { join, op } from '../../shell';
import { closeSessions } from '../../ssh/sessions';
import { runQuery } from '../../ssh/runQuery';
import { ANY_EXIT, commandQuery } from '../../remoteQuery';
import { liveConnection, onHosts } from '../../fleet/hosts';
import type { DeployState, HostState } from '../types';
import { endedAs, writeRecords } from './record';
import { readBackCurrent } from './switch';
import { undoUnrouted } from '../slotPhases';

/**
 * The plan's `finally`, on every exit path: reconnect to hosts whose connection was lost, record a
 * failure, remove a release that never went live (never the one `current` points at), read back
 * what `current` is, release our locks (only ours), close connections. Each part runs even if
 * another fails; a lock that cannot be released is reported with what to do.
 */
export async function finishRun(state: DeployState, outcome: PlanOutcome, note?: StepContext['note']): Promise<void> {
  const signal = new AbortController().signal; // cleanup must run even after a cancel
  const ctx: StepContext | undefined = note ? quietContext(signal, note) : undefined;
  const problems: string[] = [];
  const attempt = async (what: string, fn: () => Promise<void>) => {
    try {
      await fn();
    } catch (e) {
      problems.push(`${what}: ${(e as Error).message}`);
    }
  };
  const touched = (h: HostState) => h.locked || h.prepared || h.switched || h.switchUncertain === true;
  // A cut connection must not leave a lock or a half-made release behind: reopen it once.
  await onHosts(state.hosts.filter((h) => touched(h) && h.conn), async (h) => {
    await liveConnection(h, state, signal);
  }).catch(() => undefined);
  const live = (h: HostState) => h.conn !== undefined && h.conn.isAlive?.() !== false && !h.unreachable;
  // Blue/green stopped before the route: the new slot goes down, nginx and the old slot never moved.
  const quiet: StepContext = ctx ?? quietContext(signal);
  await attempt('stopping the new slot', () => onHosts(state.hosts.filter((h) => h.slotSwitch && !h.slotSwitch.routed && live(h)),
    (h) => undoUnrouted(h, state, quiet)));
  if (!state.recorded && state.kind !== 'restart' && state.hosts.some((h) => h.locked && live(h))) {
    await attempt('recording', () => writeRecords(state, ctx, endedAs(outcome), outcome.ok ? undefined : outcome.error.message));
  }
  if (state.kind === 'deploy' && state.release) {
    const id = state.release.id;
    const leftovers = state.hosts.filter((h) => h.prepared && !h.switched && h.previous !== id && live(h));
    await attempt('removing the unused release', () => onHosts(leftovers, async (h) => {
      await runQuery(h, commandQuery('removing the unused release', removeUnusedReleaseCommand(state.paths, id), ANY_EXIT), { signal });
    }));
  }
  // The truth for the report, read while the lock is still ours; then the unlock, in the same round trip.
  await onHosts(state.hosts.filter((h) => !h.locked && live(h)), async (h) => {
    const now = await readBackCurrent(h, state, signal);
    if (now !== undefined) h.observedCurrent = now;
  }).catch(() => undefined);
  await attempt('unlocking', () => onHosts(state.hosts.filter((h) => h.locked && live(h)), async (h) => {
    const result = await runQuery(h, commandQuery('unlocking', join(op.then, readCurrentCommand(state.paths), unlockCommand(state.paths, lockText(state.lockHolder))), ANY_EXIT), { signal });
    const now = parseCurrent(result.stdout);
    if (now !== undefined) h.observedCurrent = now;
    h.locked = false;
    if (result.code === LOCK_CHANGED_EXIT) {
      // Someone ran `unlock` during this run and another deploy took the lock: it is theirs, leave it.
      throw new Error(`${h.target.key}: our deploy lock was removed during the run; it is now held by ${describeHolder(parseReadLock(result.stdout)?.holder)}, and was left alone`);
    }
    if (result.code !== 0) {
      h.locked = true;
      throw new Error(result.stderr.trim());
    }
  }));
  for (const h of state.hosts.filter((x) => x.locked && !live(x))) {
    problems.push(`the deploy lock on ${h.target.key} could not be released (${h.unreachable ?? 'connection lost'}); ` +
      'once the host is reachable, check it with `phoenix-deploy releases` and clear it with `phoenix-deploy unlock`');
  }
  await closeSessions(state.hosts.flatMap((h) => (h.conn ? [h.conn] : [])));
  state.warnings.push(...problems);
  if (problems.length > 0) throw new Error(problems.join('\n'));
}
