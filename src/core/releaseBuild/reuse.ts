/**
 * Collecting a release without rewriting what did not change. A one-module change leaves almost
 * every file of a release identical (ERTS, OTP and Elixir apps, boot scripts), yet writing its
 * ~700 files costs most of a warm build. So the collect step hashes the release inside the build
 * container, hard-links the files whose content is unchanged from the previous stored release, and
 * extracts only the rest from the container's tar.
 *
 * Stored releases are never written after they are published, so sharing their files is safe; and
 * the extraction never writes through a link: every entry it does write first has its path
 * cleared (see `reuseFilter`).
 */
import { createHash } from 'node:crypto';
import { createReadStream, lstatSync, promises as fs, rmSync, unlinkSync } from 'node:fs';
import * as path from 'node:path';

/** Parses `sha256sum` output (`<hex>  ./rel/path`); names it had to escape (a leading backslash) are left out, so they are simply copied. */
export function parseSha256sums(text: string): Map<string, string> {
  const sums = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^([0-9a-f]{64}) [ *]\.\/(.+)$/.exec(line);
    if (m && !m[2].split('/').includes('..')) sums.set(m[2], m[1]);
  }
  return sums;
}

function sha256(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(file).on('error', reject).on('data', (d) => hash.update(d)).on('end', () => resolve(hash.digest('hex')));
  });
}

/** sha256 of the regular files under `dir` listed in `wanted` (relative, '/'-separated) that exist there. */
export async function hashFiles(dir: string, wanted: Iterable<string>): Promise<Map<string, string>> {
  const sums = new Map<string, string>();
  const queue = [...wanted];
  const worker = async () => {
    for (let rel = queue.pop(); rel !== undefined; rel = queue.pop()) {
      const file = path.join(dir, ...rel.split('/'));
      try {
        if ((await fs.lstat(file)).isFile()) sums.set(rel, await sha256(file));
      } catch {
        // not in the previous release: it will be copied
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return sums;
}

/**
 * Hard-links into `dest` every file of `prevDir` whose content the new release has unchanged (same
 * relative path, same sha256). Returns the relative paths linked. A file that cannot be linked
 * (another filesystem, no hard links) is left out and will be copied.
 */
export async function linkUnchanged(prevDir: string, dest: string, next: Map<string, string>): Promise<Set<string>> {
  const prev = await hashFiles(prevDir, next.keys());
  const same = [...next].filter(([rel, sum]) => prev.get(rel) === sum).map(([rel]) => rel);
  const dirs = new Set(same.map((rel) => path.posix.dirname(rel)).filter((d) => d !== '.'));
  await Promise.all([...dirs].map((d) => fs.mkdir(path.join(dest, ...d.split('/')), { recursive: true })));
  const linked = new Set<string>();
  await Promise.all(same.map(async (rel) => {
    try {
      await fs.link(path.join(prevDir, ...rel.split('/')), path.join(dest, ...rel.split('/')));
      linked.add(rel);
    } catch {
      // copied instead
    }
  }));
  return linked;
}

interface EntryHeader {
  type?: string | null;
  mode?: number;
  size?: number;
}

/**
 * tar-fs's `ignore` for extracting into `dest` after linkUnchanged: skips a file entry that is
 * already there as a link with the same size and permissions; for every other entry, removes
 * whatever is at its path first (but keeps a directory for a directory entry), so that tar-fs,
 * which opens existing files for writing, can never write into a file a stored release shares.
 */
export function reuseFilter(dest: string, linked: ReadonlySet<string>): (name: string, header: EntryHeader) => boolean {
  const umask = process.umask();
  return (name, header) => {
    const rel = path.relative(dest, name).split(path.sep).join('/');
    let st;
    try {
      st = lstatSync(name);
    } catch {
      return false; // nothing there: extract it
    }
    if (header.type === 'file' && linked.has(rel) && st.isFile() && st.size === header.size
      && (st.mode & 0o777) === ((header.mode ?? 0) & ~umask & 0o777)) {
      return true;
    }
    if (header.type === 'directory' && st.isDirectory()) return false;
    if (rel === '' || rel.startsWith('..')) return false; // the root itself, never removed
    if (st.isDirectory()) rmSync(name, { recursive: true, force: true });
    else unlinkSync(name);
    return false;
  };
}
