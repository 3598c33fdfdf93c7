import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { UserError } from '../errors';
import type { Manifest } from './types';

/**
 * The local release store: `<cache>/releases/<release-id>/{manifest.json, release/}`.
 * A release is written under a `.staging-*` name and renamed into place, so a reader never sees
 * half of one; names starting with `.` are never releases.
 */
export const RELEASE_SUBDIR = 'release';
export const MANIFEST_FILE = 'manifest.json';

export function releasesDir(cacheRoot: string): string {
  return path.join(cacheRoot, 'releases');
}

/** Every complete stored release, newest first. */
export async function listStoredReleases(cacheRoot: string): Promise<Manifest[]> {
  let names: string[];
  try {
    names = await fs.readdir(releasesDir(cacheRoot));
  } catch {
    return [];
  }
  const manifests: Manifest[] = [];
  for (const name of names) {
    if (name.startsWith('.')) continue;
    try {
      const manifest = JSON.parse(await fs.readFile(path.join(releasesDir(cacheRoot), name, MANIFEST_FILE), 'utf8')) as Manifest;
      await fs.access(path.join(manifest.path, 'bin', manifest.app));
      manifests.push(manifest);
    } catch {
      // Not a release (or one whose files were removed by hand): skip it.
    }
  }
  return manifests.sort((a, b) => b.builtAt.localeCompare(a.builtAt));
}

/** The newest stored release with this reuse key (same commit, app, MIX_ENV and Dockerfile). */
export async function findStoredRelease(cacheRoot: string, reuseKey: string): Promise<Manifest | undefined> {
  return (await listStoredReleases(cacheRoot)).find((m) => m.reuseKey === reuseKey);
}

export async function makeStagingDir(cacheRoot: string): Promise<string> {
  await fs.mkdir(releasesDir(cacheRoot), { recursive: true });
  return fs.mkdtemp(path.join(releasesDir(cacheRoot), '.staging-'));
}

/** Moves a finished staging directory to `<cache>/releases/<id>` in one rename. */
export async function publishStagedRelease(stagingDir: string, cacheRoot: string, id: string): Promise<string> {
  const finalDir = path.join(releasesDir(cacheRoot), id);
  try {
    await fs.access(finalDir);
    throw new UserError(`a release named ${id} is already stored at ${finalDir}; build again in a second`);
  } catch (e) {
    if (e instanceof UserError) throw e;
  }
  await fs.rename(stagingDir, finalDir);
  return finalDir;
}

export interface ReleaseFacts {
  erts: string;
  version: string;
  elixir: string;
  files: number;
  bytes: number;
}

/**
 * Checks that a collected release is deployable and reads what the manifest needs:
 * bin/<app>, releases/start_erl.data ("<erts> <version>") and, with include_erts, erts-<vsn>/.
 */
export async function inspectRelease(dir: string, app: string, includeErts: boolean): Promise<ReleaseFacts> {
  const missing = (what: string) => new UserError(`the build finished but the release at ${dir} has no ${what}; ` +
    'it is incomplete and was not stored. Check the release name (app: in config/deploy.yml, releases: in mix.exs).');
  try {
    await fs.access(path.join(dir, 'bin', app));
  } catch {
    throw missing(`bin/${app}`);
  }
  let startErl: string;
  try {
    startErl = (await fs.readFile(path.join(dir, 'releases', 'start_erl.data'), 'utf8')).trim();
  } catch {
    throw missing('releases/start_erl.data');
  }
  const [erts = '', version = ''] = startErl.split(/\s+/);
  const entries = await fs.readdir(dir);
  if (includeErts && !entries.includes(`erts-${erts}`)) throw missing(`erts-${erts}/ (ERTS must be included)`);
  const libs = await fs.readdir(path.join(dir, 'lib')).catch(() => [] as string[]);
  const elixir = libs.find((l) => /^elixir-\d/.test(l))?.slice('elixir-'.length) ?? 'unknown';
  const { files, bytes } = await measureTree(dir);
  return { erts, version, elixir, files, bytes };
}

/** Regular files and their total size (symlinks counted as files of their own size). */
export async function measureTree(dir: string): Promise<{ files: number; bytes: number }> {
  let files = 0;
  let bytes = 0;
  for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      const sub = await measureTree(full);
      files += sub.files;
      bytes += sub.bytes;
    } else {
      files++;
      bytes += (await fs.lstat(full)).size;
    }
  }
  return { files, bytes };
}
