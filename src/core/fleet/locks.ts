/**
 * The deploy lock across the fleet: every host's lock read to show the user, and `unlock`, which
 * removes only the lock the user was shown. (Taking the lock is the deploy's lock step.)
 */
import { LOCK_CHANGED_EXIT, parseLockHolder, parseReadLock, readLockQuery, staleLockReason, unlockCommand, unlocked, type HeldLock, type LockHolder } from '../remote/lock';
import { remotePaths } from '../remote/paths';
import { ANY_EXIT, commandQuery } from '../remoteQuery';
import { runQuery } from '../ssh/runQuery';
import { answerEachHost } from './eachHost';
import type { RemoteOptions } from './types';

/** A host's lock as read before `unlock`: what the user is shown and asked about. */
export interface HostLock {
  host: string;
  ok: boolean;
  lock?: HeldLock;
  /** Set when the lock is provably stale. */
  stale?: string;
  error?: string;
}

export interface UnlockResult {
  host: string;
  ok: boolean;
  removed: boolean;
  holder?: Partial<LockHolder>;
  /** Set when the removed lock was provably stale. */
  stale?: string;
  /** The lock now on the host when it is not the one shown: it was left alone. */
  changed?: HeldLock;
  error?: string;
}

/** Is a process with this pid running on this machine? (EPERM: it exists, owned by someone else.) */
export function pidRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Every host's lock, read to show the user before `unlock`. */
export function readLocks(options: RemoteOptions, signal?: AbortSignal): Promise<HostLock[]> {
  const paths = remotePaths(options.environment.deployTo);
  return answerEachHost(options, 'unlock', async (on): Promise<HostLock> => {
    const lock = await runQuery(on, readLockQuery(paths), { signal });
    return { host: on.target.key, ok: true, lock, stale: lock ? staleLockReason(lock.holder, options.identity.localHost, pidRunning) : undefined };
  }, (t, e) => ({ host: t.key, ok: false, error: e.message }), signal);
}

/**
 * Removes each host's lock only if it is still the one the user was shown (`shown`: host → lock
 * text): compare, then remove, so a lock someone took since is reported and left alone.
 */
export function unlock(options: RemoteOptions, shown: ReadonlyMap<string, string>, signal?: AbortSignal): Promise<UnlockResult[]> {
  // Only the hosts whose lock was shown are touched (and connected to).
  const targets = options.targets.filter((t) => shown.has(t.key));
  const paths = remotePaths(options.environment.deployTo);
  return answerEachHost({ ...options, targets }, 'unlock', async (on): Promise<UnlockResult> => {
    const t = on.target;
    const expected = shown.get(t.key)!;
    const result = await runQuery(on, commandQuery('removing the lock', unlockCommand(paths, expected), ANY_EXIT), { signal });
    if (result.code === LOCK_CHANGED_EXIT) return { host: t.key, ok: true, removed: false, changed: parseReadLock(result.stdout) };
    if (result.code !== 0) throw new Error(result.stderr.trim() || `exit ${result.code}`);
    if (!unlocked(result.stdout)) return { host: t.key, ok: true, removed: false };
    const holder = parseLockHolder(expected);
    return { host: t.key, ok: true, removed: true, holder, stale: staleLockReason(holder, options.identity.localHost, pidRunning) };
  }, (t, e) => ({ host: t.key, ok: false, removed: false, error: e.message }), signal);
}
