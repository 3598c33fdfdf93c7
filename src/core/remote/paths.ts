/**
 * The layout under deploy_to on every host:
 *   cache/<developer>/            the developer's last upload, hard links: rsync's delta basis
 *   staging/<developer>/release/  a fresh upload (rsync --link-dest against the cache), renamed to releases/<id>
 *   staging/<developer>/partial/  what an interrupted upload left, used as a basis by the next one
 *   releases/<id>/                prepared releases; never written again, whatever later uploads do
 *   current -> releases/<id>      switched atomically by rename
 *   shared/env                    sourced by the service and by migrations
 *   deploy.lock (a symlink holding its holder), deploys.log
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
  /** The developer's upload area: `release/` (the upload target), `partial/`, `cache/` (the next cache). */
  staging(developer: string): string;
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
    staging: (developer) => `${root}/staging/${checkDeveloper(developer)}`,
    release: (id) => `${root}/releases/${checkReleaseId(id)}`,
  };
}

/** Ids and developer names become path components: refuse anything that could escape the directory. */
export function checkReleaseId(id: string): string {
  if (!isReleaseId(id)) throw new Error(`${JSON.stringify(id)} is not a release id (like 20261126T112400Z-0.1.0-abc1234)`);
  return id;
}

export function checkDeveloper(name: string): string {
  if (!/^[a-z0-9][a-z0-9._-]{0,63}$/.test(name)) throw new Error(`${JSON.stringify(name)} is not a valid developer cache name`);
  return name;
}
