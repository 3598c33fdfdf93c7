/** Opens one connection per host, at most 8 at a time; a failure closes nothing that succeeded. */
import type { SshConnection } from './connection';
import { HOST_PARALLELISM, mapLimit } from './parallel';

export interface OpenedSessions<T> {
  /** Connections by the caller's key, in input order. */
  sessions: Map<string, SshConnection>;
  errors: Array<{ key: string; target: T; error: Error }>;
}

export async function openSessions<T>(
  targets: readonly T[],
  keyOf: (target: T) => string,
  connect: (target: T) => Promise<SshConnection>,
  limit = HOST_PARALLELISM,
): Promise<OpenedSessions<T>> {
  const results = await mapLimit(targets, limit, connect);
  const sessions = new Map<string, SshConnection>();
  const errors: OpenedSessions<T>['errors'] = [];
  results.forEach((r, i) => {
    if (r.ok) sessions.set(keyOf(targets[i]), r.value);
    else errors.push({ key: keyOf(targets[i]), target: targets[i], error: r.error });
  });
  return { sessions, errors };
}

export async function closeSessions(sessions: Iterable<SshConnection>): Promise<void> {
  await Promise.all([...sessions].map((s) => s.close().catch(() => undefined)));
}
