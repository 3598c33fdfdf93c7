/** "What changes": the release live now, and the commits between it and the one about to be deployed. */
import * as path from 'node:path';
import type { DeployConfig } from '../config/types';
import type { HostReleases, ReleaseInfo } from '../deploy/releases';
import { branchSlug, defaultCacheRoot } from '../git/cacheDir';
import { git } from '../git/run';

/** The release `current` points at on the primary, when the primary answered. */
export function liveRelease(hosts: Iterable<HostReleases>): ReleaseInfo | undefined {
  const primary = [...hosts].find((h) => h.primary && h.ok);
  return primary?.releases.find((r) => r.current);
}

/** One-line summaries of the commits between `from` and `to` (newest first, at most 20), read in the build checkout. */
export async function changesSince(projectDir: string, config: DeployConfig, from: string | undefined, to: string): Promise<string[]> {
  if (!from) return [];
  const checkout = path.join(defaultCacheRoot(projectDir), 'checkouts', branchSlug(config.branch));
  try {
    const { stdout } = await git(['log', '--oneline', '--no-decorate', '-n', '20', `${from}..${to}`, '--'], { cwd: checkout });
    return stdout.split('\n').filter(Boolean);
  } catch {
    return [`(could not list commits since ${from.slice(0, 7)})`];
  }
}

export interface ChangesSinceLive {
  live?: ReleaseInfo;
  changes: string[];
}

/** What deploying `commit` changes, given the hosts as just read. */
export async function changesSinceLive(projectDir: string, config: DeployConfig, hosts: Iterable<HostReleases>, commit: string): Promise<ChangesSinceLive> {
  const live = liveRelease(hosts);
  return { live, changes: await changesSince(projectDir, config, live?.commit, commit) };
}
