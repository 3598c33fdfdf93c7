/**
 * The deploy lock is a symlink whose target is the holder's JSON: symlink(2) is atomic and fails if
 * the name exists, so the lock and who holds it appear in one step, or not at all (a full disk
 * leaves nothing behind). Locks written by earlier versions, a directory with holder.json, are
 * still read and still refuse a deploy.
 */
import { randomBytes } from 'node:crypto';
import { ANY_EXIT, type RemoteQuery } from '../remoteQuery';
import { join, op, type Command } from '../shell';
import type { RemotePaths } from './paths';

export interface LockHolder {
  who: string;
  /** ISO time the lock was taken. */
  when: string;
  release: string;
  pid: number;
  /** The local machine's host name. */
  host: string;
  kind?: 'deploy' | 'rollback' | 'restart';
  /** Random, so that two locks are never the same text (unlock compares the text). */
  token?: string;
}

/** A held lock as the host shows it: the exact text (what unlock compares) and its parsed holder. */
export interface HeldLock {
  raw: string;
  holder?: Partial<LockHolder>;
}

export function newLockToken(): string {
  return randomBytes(8).toString('hex');
}

/** The text stored in the lock; one line, bounded so it always fits in a symlink. */
export function lockText(holder: LockHolder): string {
  const cut = (s: string) => s.slice(0, 200);
  return JSON.stringify({ ...holder, who: cut(holder.who), host: cut(holder.host) });
}

/** Creates deploy_to if needed, then the lock with its holder in one atomic step. Fails (exit ≠ 0) if held. */
export function lockCommand(paths: RemotePaths, holder: LockHolder): Command {
  return join(op.and, ['mkdir', '-p', '--', paths.root], ['ln', '-sT', '--', lockText(holder), paths.lock]);
}

const LOCK_MARK = '@@phoenix-deploy:lock=';

// Prints the lock's text: a symlink's target, or an older directory lock's holder.json. Fails when there is no lock.
const READ_LOCK = 'read_lock() { if [ -L "$1" ]; then readlink -- "$1"; elif [ -d "$1" ]; then head -c 4096 -- "$1/holder.json" 2>/dev/null | head -n 1; else return 1; fi; }';

/** Prints the held lock's text behind a marker; exit 0 only when a lock exists. */
export function readLockCommand(paths: RemotePaths): Command {
  return ['sh', '-c', `${READ_LOCK}; t=$(read_lock "$1") || exit 1; printf '${LOCK_MARK}%s\\n' "$t"`, 'sh', paths.lock];
}

/** The lock held on a host, or undefined when there is none (any exit: the marker decides). */
export function readLockQuery(paths: RemotePaths): RemoteQuery<HeldLock | undefined> {
  return { what: 'reading the lock', command: readLockCommand(paths), okCodes: ANY_EXIT, parse: (result) => parseReadLock(result.stdout) };
}

/** The held lock in readLockCommand's (or unlockCommand's) output, or undefined when there is none. */
export function parseReadLock(stdout: string): HeldLock | undefined {
  const line = stdout.split('\n').find((l) => l.startsWith(LOCK_MARK));
  if (line === undefined) return undefined;
  const raw = line.slice(LOCK_MARK.length);
  return { raw, holder: parseLockHolder(raw) };
}

const UNLOCKED = '@@phoenix-deploy:unlocked';

/** unlockCommand's exit code when the lock is no longer the one expected. */
export const LOCK_CHANGED_EXIT = 3;

/**
 * Removes the lock only if it still holds `expected` (the text the user was shown, or our own):
 * compare, then remove, so a lock someone took since is never removed. Exit 3 with the lock's
 * current text when it changed; exit 0 when it was removed (saying so) or there is none.
 */
export function unlockCommand(paths: RemotePaths, expected: string): Command {
  const script = `${READ_LOCK}; t=$(read_lock "$1") || exit 0; ` +
    `if [ "$t" != "$2" ]; then printf '${LOCK_MARK}%s\\n' "$t"; exit ${LOCK_CHANGED_EXIT}; fi; rm -rf -- "$1" && echo '${UNLOCKED}'`;
  return ['sh', '-c', script, 'sh', paths.lock, expected];
}

/** Did unlockCommand remove a lock (rather than find none)? */
export function unlocked(stdout: string): boolean {
  return stdout.split('\n').includes(UNLOCKED);
}

/** Parses the holder JSON; tolerant of a missing or damaged text. */
export function parseLockHolder(text: string): Partial<LockHolder> | undefined {
  const line = text.split('\n').find((l) => l.trim().startsWith('{'));
  if (!line) return undefined;
  try {
    const value: unknown = JSON.parse(line);
    if (typeof value !== 'object' || value === null) return undefined;
    const v = value as Record<string, unknown>;
    const str = (k: string) => (typeof v[k] === 'string' ? (v[k] as string) : undefined);
    return {
      who: str('who'),
      when: str('when'),
      release: str('release'),
      pid: typeof v.pid === 'number' ? v.pid : undefined,
      host: str('host'),
      kind: v.kind === 'deploy' || v.kind === 'rollback' ? v.kind : undefined,
    };
  } catch {
    return undefined;
  }
}

export function describeHolder(holder: Partial<LockHolder> | undefined): string {
  if (!holder) return 'someone (the lock names no readable holder)';
  const parts = [holder.who ?? 'someone'];
  if (holder.host) parts.push(`on ${holder.host}`);
  if (holder.pid !== undefined) parts.push(`pid ${holder.pid}`);
  if (holder.when) parts.push(`since ${holder.when}`);
  if (holder.release) parts.push(`${holder.kind ?? 'deploying'} ${holder.release}`);
  return parts.join(' ');
}

/**
 * Why a held lock is stale, if we can tell: it was taken on this machine by a process that no
 * longer runs (killed, crashed, machine rebooted). Locks from other machines are never judged.
 */
export function staleLockReason(holder: Partial<LockHolder> | undefined, localHost: string, isRunning: (pid: number) => boolean): string | undefined {
  if (!holder || holder.host !== localHost || holder.pid === undefined || !Number.isInteger(holder.pid) || holder.pid <= 0) return undefined;
  if (isRunning(holder.pid)) return undefined;
  return `stale: it was taken on this machine (${localHost}) by pid ${holder.pid}, which is no longer running`;
}
