/** `releases` and `unlock`: one connection and one round trip per host, unreachable hosts reported, not fatal. */
import { parseReleaseId } from '../release/id';
import { inspectCommand, parseInspection, type HostInspection } from '../remote/inspect';
import { parseLockHolder, readLockCommand, staleLockReason, unlockCommand, type LockHolder } from '../remote/lock';
import type { DeployRecord } from '../remote/log';
import { remotePaths, type RemotePaths } from '../remote/paths';
import type { SshConnection } from '../ssh/connection';
import { HOST_PARALLELISM, mapLimit } from '../ssh/parallel';
import type { ResolvedTarget } from '../ssh/target';
import { defaultServices, pidRunning } from './context';
import type { RemoteOptions } from './types';

export interface ReleaseInfo {
  id: string;
  current: boolean;
  /** False for directories whose names are not release ids. */
  valid: boolean;
  version?: string;
  erts?: string;
  commit?: string;
  deployedBy?: string;
  deployedAt?: string;
}

export interface HostReleases {
  host: string;
  primary: boolean;
  ok: boolean;
  error?: string;
  os?: string;
  glibc?: string;
  current?: string;
  /** `current` points at something that does not exist. */
  dangling?: boolean;
  /** Where `current` points when that is not a directory under releases/ (shown, never guessed). */
  currentTarget?: string;
  releases: ReleaseInfo[];
  lock?: Partial<LockHolder>;
  locked: boolean;
  /** Why the lock is stale, when it provably is (taken here by a process that is gone). */
  lockStale?: string;
  recent: DeployRecord[];
  /** What could not be read: torn deploys.log lines, directories that are not releases, a cut-off answer. */
  unreadable?: string[];
}

export interface UnlockResult {
  host: string;
  ok: boolean;
  removed: boolean;
  holder?: Partial<LockHolder>;
  /** Set when the removed lock was provably stale. */
  stale?: string;
  error?: string;
}

async function withHosts<R>(options: RemoteOptions, fn: (conn: SshConnection, paths: RemotePaths, t: ResolvedTarget) => Promise<R>,
  onError: (t: ResolvedTarget, e: Error) => R, signal?: AbortSignal): Promise<R[]> {
  const services = { ...defaultServices(options), ...options.services };
  const paths = remotePaths(options.environment.deployTo);
  const s = signal ?? new AbortController().signal;
  const results = await mapLimit(options.targets, HOST_PARALLELISM, async (t) => {
    const conn = await services.connect(t, s);
    try {
      return await fn(conn, paths, t);
    } finally {
      await conn.close();
    }
  });
  return results.map((r, i) => (r.ok ? r.value : onError(options.targets[i], r.error)));
}

export function toHostReleases(t: ResolvedTarget, inspection: HostInspection, localHost = ''): HostReleases {
  const current = inspection.current?.release;
  const successes = inspection.log.filter((r) => r.outcome === 'success');
  const releases = inspection.releases.map((r): ReleaseInfo => {
    const deployed = [...successes].reverse().find((rec) => rec.id === r.name && rec.kind === 'deploy');
    return {
      id: r.name,
      current: r.name === current,
      valid: r.valid,
      version: r.version ?? parseReleaseId(r.name)?.version,
      erts: r.erts,
      commit: deployed?.commit || parseReleaseId(r.name)?.commit,
      deployedBy: deployed?.who,
      deployedAt: deployed?.when,
    };
  });
  const unreadable: string[] = [];
  const odd = inspection.releases.filter((r) => !r.valid).map((r) => r.name);
  if (odd.length > 0) unreadable.push(`releases/ holds ${odd.length} director${odd.length === 1 ? 'y' : 'ies'} that are not release ids (left untouched): ${odd.slice(0, 5).join(', ')}${odd.length > 5 ? ', …' : ''}`);
  if (inspection.unreadableLogLines > 0) unreadable.push(`deploys.log has ${inspection.unreadableLogLines} line(s) that are not deploy records (skipped)`);
  if (inspection.lock && !inspection.lock.holder) unreadable.push('deploy.lock has no readable holder.json');
  if (inspection.current && current === undefined) unreadable.push(`current points at ${inspection.current.target}, which is not a directory under releases/`);
  if (!inspection.complete) unreadable.push('the host\'s answer was cut short; what is shown may be incomplete');
  const holder = inspection.lock?.holder;
  return {
    host: t.key,
    primary: t.primary,
    ok: true,
    os: inspection.os.prettyName ?? inspection.os.id,
    glibc: inspection.glibc,
    current,
    dangling: inspection.current?.dangling,
    currentTarget: inspection.current && current === undefined ? inspection.current.target : undefined,
    releases,
    lock: holder,
    locked: inspection.lock !== undefined,
    lockStale: inspection.lock ? staleLockReason(holder, localHost, pidRunning) : undefined,
    recent: inspection.log.slice(-10),
    unreadable: unreadable.length > 0 ? unreadable : undefined,
  };
}

export function listReleases(options: RemoteOptions, signal?: AbortSignal): Promise<HostReleases[]> {
  return withHosts(options, async (conn, paths, t): Promise<HostReleases> => {
    const result = await conn.exec(inspectCommand(paths), { signal });
    if (result.code !== 0) throw new Error(`inspecting failed (exit ${result.code}): ${result.stderr.trim()}`);
    return toHostReleases(t, parseInspection(result.stdout), options.identity.localHost);
  }, (t, e) => ({ host: t.key, primary: t.primary, ok: false, error: e.message, releases: [], locked: false, recent: [] }), signal);
}

/** Removes the deploy lock, whoever holds it; reports who that was. */
export function unlock(options: RemoteOptions, signal?: AbortSignal): Promise<UnlockResult[]> {
  return withHosts(options, async (conn, paths, t): Promise<UnlockResult> => {
    const held = await conn.exec(readLockCommand(paths), { signal });
    if (held.code !== 0) return { host: t.key, ok: true, removed: false };
    const removed = await conn.exec(unlockCommand(paths), { signal });
    if (removed.code !== 0) throw new Error(removed.stderr.trim());
    const holder = parseLockHolder(held.stdout);
    return { host: t.key, ok: true, removed: true, holder, stale: staleLockReason(holder, options.identity.localHost, pidRunning) };
  }, (t, e) => ({ host: t.key, ok: false, removed: false, error: e.message }), signal);
}
