/**
 * Which releases to delete. Keep `keep` releases: first the ones most recently live (from
 * deploys.log), so whatever a rollback could return to survives; then the newest by id (ids sort in
 * time order; never by mtime). The current release, what a rollback would return to, and anything
 * explicitly protected are always kept. Directories whose names are not release ids are never touched.
 */
import { isReleaseId } from '../release/id';
import type { Command } from '../shell';
import { byLastLive, chooseRollback } from './history';
import type { DeployRecord } from './log';
import type { RemotePaths } from './paths';

export interface CleanupInput {
  releases: readonly string[];
  current?: string;
  keep: number;
  /** E.g. the release `current` pointed at before this deploy: the rollback target. */
  protect?: readonly string[];
  /** deploys.log records, oldest first. */
  history?: readonly DeployRecord[];
}

/** Nothing is deleted while it is unknown what is current: it could be any of them. */
export function selectForCleanup(input: CleanupInput): string[] {
  if (!input.current) return [];
  const ids = [...new Set(input.releases.filter(isReleaseId))].sort();
  const present = new Set(ids);
  const ranked = [...new Set([
    input.current,
    ...byLastLive(input.history ?? []).filter((id) => present.has(id)),
    ...[...ids].reverse(),
  ])];
  const keep = new Set(ranked.slice(0, Math.max(1, input.keep)));
  keep.add(input.current);
  const target = chooseRollback(input.history ?? [], ids, input.current).target;
  if (target) keep.add(target);
  for (const p of input.protect ?? []) keep.add(p);
  return ids.filter((id) => !keep.has(id));
}

export function cleanupCommand(paths: RemotePaths, ids: readonly string[]): Command | undefined {
  if (ids.length === 0) return undefined;
  return ['rm', '-rf', '--', ...ids.map((id) => paths.release(id))];
}
