/** `unlock`, as both adapters run it: show each host's lock, ask, then remove only the locks shown. */
import type { RemoteOptions } from '../fleet/types';
import { readLocks, unlock, type HostLock, type UnlockResult } from '../fleet/locks';
import { describeHolder } from '../remote/lock';

/** What unlock shows before it asks. */
export interface LockSurvey {
  locks: HostLock[];
  /** The exact lock text of each locked host: only these are removed, and only while unchanged. */
  shown: Map<string, string>;
  /** One line per host: `web1: locked by …`, `web2: not locked`, `web3: unreachable: …`. */
  lines: string[];
}

export function surveyLocks(locks: HostLock[]): LockSurvey {
  const lines = locks.map((l) => `${l.host}: ${!l.ok ? `unreachable: ${l.error ?? 'unknown error'}`
    : l.lock ? `locked by ${describeHolder(l.lock.holder)}${l.stale ? `; ${l.stale}` : ''}` : 'not locked'}`);
  return { locks, shown: new Map(locks.flatMap((l) => (l.lock ? [[l.host, l.lock.raw] as const] : []))), lines };
}

export async function readLockSurvey(options: RemoteOptions, signal?: AbortSignal): Promise<LockSurvey> {
  return surveyLocks(await readLocks(options, signal));
}

/** How an unlock went: a line per host it touched, those that did not go as asked, and whether all went well. */
export interface UnlockReport {
  results: UnlockResult[];
  lines: string[];
  problems: string[];
  removed: number;
  /** Every shown lock was removed (or was already gone) and every host answered the survey. */
  ok: boolean;
}

export function unlockReport(survey: LockSurvey, results: UnlockResult[]): UnlockReport {
  const touched = results.filter((r) => survey.shown.has(r.host));
  const line = (r: UnlockResult) => {
    const holder = r.holder ? ` (held by ${describeHolder(r.holder)}${r.stale ? `; ${r.stale}` : ''})` : '';
    const what = !r.ok ? `failed: ${r.error}`
      : r.changed ? `not unlocked: the lock changed since it was shown; it is now held by ${describeHolder(r.changed.holder)}`
        : r.removed ? `unlocked${holder}` : 'was no longer locked';
    return `${r.host}: ${what}`;
  };
  return {
    results,
    lines: touched.map(line),
    problems: touched.filter((r) => !r.ok || r.changed).map(line),
    removed: touched.filter((r) => r.removed).length,
    ok: touched.every((r) => r.ok && !r.changed) && survey.locks.every((l) => l.ok),
  };
}

/** Removes the locks the survey showed (a lock taken or changed since is left alone). */
export async function removeShownLocks(options: RemoteOptions, survey: LockSurvey, signal?: AbortSignal): Promise<UnlockReport> {
  return unlockReport(survey, await unlock(options, survey.shown, signal));
}
