/**
 * What was live when, from deploys.log: every successful deploy or rollback made its release live
 * and names the one it replaced. Rollback undoes the last change by following that record, not the
 * order of release ids (a reused build keeps its older id; `rollback --to` jumps anywhere).
 */
import type { DeployRecord } from './log';

export interface LiveEntry {
  /** The release that became live. */
  id: string;
  /** ISO time of the deploy or rollback that made it live. */
  since: string;
  /** Who made it live. */
  by: string;
  kind: 'deploy' | 'rollback';
  /** What it replaced. */
  previous?: string;
}

/** Live releases, newest first: the successful records, in the order they were written. */
export function liveHistory(records: readonly DeployRecord[]): LiveEntry[] {
  return records.filter((r) => r.outcome === 'success').reverse()
    .map((r) => ({ id: r.id, since: r.when, by: r.who, kind: r.kind, ...(r.previous ? { previous: r.previous } : {}) }));
}

export type RollbackChoice =
  | { target: string; source: 'history'; since: string }
  | { target?: string; source: 'id-order'; reason: string };

/**
 * The release to return to: what was live before `current` became live, as the last record says.
 * Only when the log cannot say (no record, or its last record is not about `current`) does it fall
 * back to the newest older id, and `reason` says why.
 */
export function chooseRollback(records: readonly DeployRecord[], releases: readonly string[], current: string | undefined): RollbackChoice {
  const last = liveHistory(records)[0];
  if (current && last?.id === current && last.previous && last.previous !== current) {
    return { target: last.previous, source: 'history', since: last.since };
  }
  const reason = !last ? 'deploys.log has no record of a deploy'
    : last.id !== current ? `deploys.log's last deploy (${last.id}) is not what current points at`
      : `deploys.log does not say what ran before ${current}`;
  return { target: previousById(releases, current), source: 'id-order', reason };
}

/** The newest release id older than `current`: the fallback when history is silent. */
export function previousById(releases: readonly string[], current: string | undefined): string | undefined {
  if (!current) return undefined;
  const older = releases.filter((r) => r < current).sort();
  return older[older.length - 1];
}

/**
 * Releases in the order they were last live, most recent first (each once); the rest are not in
 * the history. Cleanup keeps from the front of this list.
 */
export function byLastLive(records: readonly DeployRecord[]): string[] {
  const seen = new Set<string>();
  for (const entry of liveHistory(records)) {
    seen.add(entry.id);
    if (entry.previous) seen.add(entry.previous);
  }
  return [...seen];
}
