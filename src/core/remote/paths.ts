/**
 * The layout under deploy_to on every host:
 *   cache/<developer>/   rsync target, one per developer so concurrent uploads never mix
 *   releases/<id>/       hard-linked copies of the cache (cp -al), one per deploy
 *   current -> releases/<id>   switched atomically by rename
 *   shared/env           sourced by the service and by migrations
 *   deploy.lock/holder.json, deploys.log
 */
import { isReleaseId } from '../release/id';

export interface RemotePaths {
  root: string;
  releases: string;
  current: string;
  shared: string;
  sharedEnv: string;
  lock: string;
  lockHolder: string;
  log: string;
  cache(developer: string): string;
  release(id: string): string;
}

export function remotePaths(deployTo: string): RemotePaths {
  const root = deployTo.replace(/\/+$/, '');
  if (!root.startsWith('/') || root.split('/').includes('..')) throw new Error(`deploy_to ${deployTo} must be an absolute path without ".."`);
  return {
    root,
    releases: `${root}/releases`,
    current: `${root}/current`,
    shared: `${root}/shared`,
    sharedEnv: `${root}/shared/env`,
    lock: `${root}/deploy.lock`,
    lockHolder: `${root}/deploy.lock/holder.json`,
    log: `${root}/deploys.log`,
    cache: (developer) => `${root}/cache/${checkDeveloper(developer)}`,
    release: (id) => `${root}/releases/${checkReleaseId(id)}`,
  };
}

/** Ids and developer names become path components: refuse anything that could escape the directory. */
export function checkReleaseId(id: string): string {
  if (!isReleaseId(id)) throw new Error(`${JSON.stringify(id)} is not a release id (like 20261126T112400Z-0.1.0-abc1234)`);
  return id;
}

export function checkDeveloper(name: string): string {
  if (!/^[a-z0-9._-]{1,64}$/.test(name) || name === '.' || name === '..') throw new Error(`${JSON.stringify(name)} is not a valid developer cache name`);
  return name;
}
