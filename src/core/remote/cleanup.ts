/**
 * Which releases to delete: keep the newest `keep` by id (ids sort in time order; never by mtime),
 * and always keep the current release, the rollback target and anything explicitly protected.
 * Directories whose names are not release ids are never touched.
 */
import { isReleaseId } from '../release/id';
import type { Command } from '../shell';
import type { RemotePaths } from './paths';

export interface CleanupInput {
  releases: readonly string[];
  current?: string;
  keep: number;
  /** E.g. the release `current` pointed at before this deploy. */
  protect?: readonly string[];
}

/** The release before `current` in id order: what `rollback` without --to returns to. */
export function rollbackTarget(releases: readonly string[], current: string | undefined): string | undefined {
  if (!current) return undefined;
  const older = releases.filter((r) => isReleaseId(r) && r < current).sort();
  return older[older.length - 1];
}

export function selectForCleanup(input: CleanupInput): string[] {
  const ids = [...new Set(input.releases.filter(isReleaseId))].sort();
  const keep = new Set(ids.slice(Math.max(0, ids.length - Math.max(1, input.keep))));
  if (input.current) keep.add(input.current);
  const target = rollbackTarget(ids, input.current);
  if (target) keep.add(target);
  for (const p of input.protect ?? []) keep.add(p);
  return ids.filter((id) => !keep.has(id));
}

export function cleanupCommand(paths: RemotePaths, ids: readonly string[]): Command | undefined {
  if (ids.length === 0) return undefined;
  return ['rm', '-rf', '--', ...ids.map((id) => paths.release(id))];
}
