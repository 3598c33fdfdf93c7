/**
 * Seeding the per-developer cache before rsync. A new version renames `lib/<app>-<old>` to
 * `lib/<app>-<new>` (likewise `releases/<vsn>`, and `erts-<vsn>` on an OTP update), so rsync sees
 * only new files and sends them whole. Hard-linking the new paths from the old ones first lets
 * rsync's delta transfer send only what really changed.
 *
 * Safe with releases hard-linked to the cache: seeding only adds links, and rsync (never
 * in-place mode) writes a changed file to a temporary name and renames it, so no file that a release
 * shares is ever written. Directories rsync then finds without a source (the old version) are
 * removed by `--delete` from the cache only.
 */
import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import type { Command } from '../shell';

/** A versioned top-level directory of a release and the prefix its other versions share. */
export interface VersionedDir {
  /** e.g. `lib/hello_phoenix-0.2.0`, `releases/0.2.0`, `erts-13.1.5`. */
  path: string;
  /** e.g. `lib/hello_phoenix-`, `releases/`, `erts-`. */
  stem: string;
}

const VERSION = /^\d[0-9A-Za-z.+_-]*$/;
const NAME = /^[A-Za-z0-9_.]+$/;

function dirs(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
  } catch {
    return [];
  }
}

/** The versioned directories of a local release (empty if it cannot be read). */
export function versionedDirs(releaseDir: string): VersionedDir[] {
  const found: VersionedDir[] = [];
  for (const name of dirs(path.join(releaseDir, 'lib'))) {
    const m = /^(.+?)-(\d.*)$/.exec(name);
    if (m && NAME.test(m[1]) && VERSION.test(m[2])) found.push({ path: `lib/${name}`, stem: `lib/${m[1]}-` });
  }
  for (const name of dirs(path.join(releaseDir, 'releases'))) {
    if (VERSION.test(name)) found.push({ path: `releases/${name}`, stem: 'releases/' });
  }
  for (const name of dirs(releaseDir)) {
    const m = /^erts-(\d.*)$/.exec(name);
    if (m && VERSION.test(m[1])) found.push({ path: name, stem: 'erts-' });
  }
  return found;
}

// A constant script: the cache dir is $1, then pairs of (new path, stem). For each new path missing
// from the cache, the last other version there (a real directory) is copied with hard links.
// Best effort: it always exits 0, since rsync sends whatever was not seeded.
const SCRIPT = [
  'cd "$1" 2>/dev/null || exit 0',
  'shift',
  'while [ $# -ge 2 ]; do',
  '  p=$1 stem=$2',
  '  shift 2',
  '  if [ -e "$p" ] || [ -L "$p" ]; then continue; fi',
  '  src=',
  '  for d in "$stem"*; do',
  '    [ -d "$d" ] && [ ! -L "$d" ] || continue',
  '    case ${d#"$stem"} in [0-9]*) ;; *) continue ;; esac',
  '    case ${d#"$stem"} in */*) continue ;; esac',
  '    src=$d',
  '  done',
  '  [ -n "$src" ] || continue',
  '  cp -al -- "$src" "$p" 2>/dev/null && echo "seeded $p from $src" || rm -rf -- "$p"',
  'done',
  'exit 0',
].join('\n');

/** Seeds each versioned dir missing from the cache from its previous version; undefined when there is nothing to seed. */
export function seedCommand(cacheDir: string, versioned: readonly VersionedDir[]): Command | undefined {
  if (versioned.length === 0) return undefined;
  for (const v of versioned) {
    if (v.path.startsWith('/') || v.path.split('/').includes('..') || !v.path.startsWith(v.stem)) throw new Error(`cannot seed ${JSON.stringify(v.path)}`);
  }
  return ['sh', '-c', SCRIPT, 'sh', cacheDir, ...versioned.flatMap((v) => [v.path, v.stem])];
}
