/**
 * The deploy lock is a directory: `mkdir` is atomic and fails if it exists, on every POSIX
 * filesystem. The holder file says who has it, so a refusal can name them.
 */
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
  kind?: 'deploy' | 'rollback';
}

/** Creates deploy_to if needed, then the lock dir, then the holder file. Fails (exit ≠ 0) if held. */
export function lockCommand(paths: RemotePaths, holder: LockHolder): Command {
  return join(op.and,
    ['mkdir', '-p', '--', paths.root],
    ['mkdir', '--', paths.lock],
    ['printf', '%s\\n', JSON.stringify(holder), op.to, paths.lockHolder],
  );
}

/** Prints the holder file, if any; exit 0 only when the lock directory exists. */
export function readLockCommand(paths: RemotePaths): Command {
  return join(op.and, ['test', '-d', paths.lock], ['cat', '--', paths.lockHolder, op.dropStderr]);
}

export function unlockCommand(paths: RemotePaths): Command {
  return ['rm', '-rf', '--', paths.lock];
}

/** Parses holder.json; tolerant of a missing or damaged file. */
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
  if (!holder) return 'someone (the lock has no readable holder file)';
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
