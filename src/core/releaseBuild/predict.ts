/**
 * The release a deploy would ship, without building: for `--dry-run`. The central branch's tip is
 * read with `git ls-remote`; if the build checkout already holds that commit, its mix.exs and
 * Dockerfile give the exact reuse key, and a stored release with that key is what the deploy will
 * reuse, id and all. Otherwise the deploy builds anew, and the id's time stamp is the build's.
 */
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { DeployConfig } from '../config/types';
import { selectBuildTarget } from '../docker/buildTarget';
import { branchSlug, defaultCacheRoot } from '../git/cacheDir';
import { findWorkTree, resolveRepo } from '../git/remote';
import { git } from '../git/run';
import { makeReleaseId } from '../release/id';
import { parseMixExs, resolveAppName } from '../versions/mixExs';
import { releaseReuseKey } from './keys';
import { findStoredRelease } from './store';
import type { Manifest } from './types';

export interface PredictedRelease {
  id: string;
  app: string;
  version: string;
  commit: string;
  /** The stored release the deploy will reuse; undefined when it will build. */
  stored?: Manifest;
}

export async function predictRelease(projectDir: string, config: DeployConfig, cacheRoot = defaultCacheRoot(projectDir)): Promise<PredictedRelease> {
  const repo = await resolveRepo(projectDir, config.repo);
  const { stdout } = await git(['ls-remote', '--', repo.url, `refs/heads/${config.branch}`], { cwd: projectDir });
  const commit = stdout.split(/\s/)[0] || '0000000';
  const checkout = path.join(cacheRoot, 'checkouts', branchSlug(config.branch));
  const prefix = (await findWorkTree(projectDir).catch(() => undefined))?.prefix ?? '';
  const show = (file: string) => git(['-C', checkout, 'show', `${commit}:${prefix}${file}`], { cwd: projectDir }).then((r) => r.stdout, () => undefined);
  const mixText = await show('mix.exs');
  // Not fetched yet: the working tree's mix.exs is the best guess at the version a new build gets.
  const mix = parseMixExs(mixText ?? await readFile(path.join(projectDir, 'mix.exs'), 'utf8').catch(() => ''));
  const app = resolveAppName(config.app, mix) ?? 'app';
  const version = mix.version ?? '0.0.0';
  const dockerfileText = await show(config.build.dockerfile);
  if (mixText !== undefined && dockerfileText !== undefined) {
    let target: string | undefined;
    try {
      target = selectBuildTarget(dockerfileText, config.build.dockerfile, config.build.target).stage.name ?? '';
    } catch {
      target = undefined; // the build would fail on this Dockerfile and say why; nothing stored matches
    }
    const reuseKey = target === undefined ? undefined : releaseReuseKey({
      commit, app, mixEnv: config.build.mixEnv, dockerfilePath: config.build.dockerfile, dockerfileTarget: target, dockerfileText,
    });
    const stored = reuseKey ? await findStoredRelease(cacheRoot, reuseKey) : undefined;
    if (stored) return { id: stored.id, app: stored.app, version: stored.version, commit: stored.commit, stored };
  }
  return { id: makeReleaseId(new Date(), version, commit), app, version, commit };
}
