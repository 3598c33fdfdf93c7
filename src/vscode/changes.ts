import * as path from 'node:path';
import type { DeployConfig } from '../core/config/types';
import { defaultCacheRoot } from '../core/git/cacheDir';
import { branchSlug } from '../core/git/cacheDir';
import { git } from '../core/git/run';

/** One-line summaries of the commits between the deployed commit and the new one (from the build checkout). */
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
