import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { DeployConfig } from '../core/config/types';
import { git } from '../core/git/run';
import { resolveRepo } from '../core/git/remote';
import { makeReleaseId } from '../core/release/id';
import { parseMixExs, resolveAppName } from '../core/versions/mixExs';
import type { ReleaseToDeploy } from '../core/deploy';

/**
 * The release a deploy would ship, without building: the central branch's tip (read with
 * `git ls-remote`) and the version in mix.exs. Only used to print the plan for --dry-run.
 */
export async function prospectiveRelease(projectDir: string, config: DeployConfig): Promise<ReleaseToDeploy> {
  const mix = parseMixExs(await readFile(path.join(projectDir, 'mix.exs'), 'utf8').catch(() => ''));
  const repo = await resolveRepo(projectDir, config.repo);
  const { stdout } = await git(['ls-remote', '--', repo.url, `refs/heads/${config.branch}`], { cwd: projectDir });
  const commit = stdout.split(/\s/)[0] || '0000000';
  const app = resolveAppName(config.app, mix) ?? 'app';
  const version = mix.version ?? '0.0.0';
  return { id: makeReleaseId(new Date(), version, commit), app, version, commit, path: `<release store>/${app}` };
}
