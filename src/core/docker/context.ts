import dockerignore from '@balena/dockerignore';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';

/**
 * The files of a directory that a build context (or a source copy) holds: every file and symlink
 * not excluded by .dockerignore-style patterns, as sorted POSIX paths relative to `dir`.
 * Uses @balena/dockerignore, the matcher dockerode itself uses, so the semantics are Docker's.
 */
export async function listContextFiles(dir: string, patterns: string, alwaysInclude: readonly string[] = []): Promise<string[]> {
  const matcher = dockerignore({ ignorecase: false }).add(patterns);
  // With `!` exceptions, an ignored directory may still hold included files, so it must be walked.
  const hasExceptions = patterns.split(/\r?\n/).some((line) => line.trim().startsWith('!'));
  const files: string[] = [];
  const walk = async (relDir: string): Promise<void> => {
    const entries = await fs.readdir(path.join(dir, relDir), { withFileTypes: true });
    for (const entry of entries) {
      const rel = relDir ? `${relDir}/${entry.name}` : entry.name;
      const ignored = matcher.ignores(rel);
      if (entry.isDirectory()) {
        if (!ignored || hasExceptions) await walk(rel);
      } else if (!ignored && (entry.isFile() || entry.isSymbolicLink())) {
        files.push(rel);
      }
    }
  };
  await walk('');
  for (const extra of alwaysInclude) {
    const rel = extra.split(path.sep).join('/').replace(/^\.\//, '');
    if (!files.includes(rel) && (await exists(path.join(dir, rel)))) files.push(rel);
  }
  return files.sort();
}

/** The patterns of `<dir>/.dockerignore`, or none. */
export async function readDockerignore(dir: string): Promise<string> {
  try {
    return await fs.readFile(path.join(dir, '.dockerignore'), 'utf8');
  } catch {
    return '';
  }
}

/**
 * Patterns for copying the isolated checkout into a build container. The checkout is clean (only
 * the commit's files), so only git's own data is left out; deps/ and _build/ live in volumes.
 */
export const SOURCE_COPY_EXCLUDES = ['.git', '**/.git'].join('\n');

interface TarHeader {
  name: string;
  uid?: number;
  gid?: number;
  uname?: string;
  gname?: string;
}
interface TarPack extends NodeJS.ReadableStream {
  entry(header: { name: string; mode?: number; uid?: number; gid?: number; mtime?: Date }, content: string): void;
  finalize(): void;
}
interface TarFs {
  pack(cwd: string, options: { entries: string[]; map?: (header: TarHeader) => TarHeader; finalize?: boolean; finish?: (pack: TarPack) => void }): TarPack;
  extract(cwd: string, options?: { strip?: number; chown?: boolean; ignore?: TarIgnore }): NodeJS.WritableStream;
}

/** tar-fs (dockerode's own dependency), loaded when first needed. */
export function loadTarFs(): TarFs {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('tar-fs') as TarFs;
}

export interface PackOptions {
  /** The entry name for a file (default: its path relative to `dir`). */
  rename?: (file: string) => string;
  /** Entries written from memory instead of the file at that path. */
  replace?: ReadonlyMap<string, string>;
}

/** A tar stream of `files` under `dir`, owned by root so the container sees no host uids. */
export function packFiles(dir: string, files: string[], options: PackOptions = {}): NodeJS.ReadableStream {
  const { rename, replace } = options;
  const root = { uid: 0, gid: 0, uname: 'root', gname: 'root' };
  return loadTarFs().pack(dir, {
    entries: replace ? files.filter((f) => !replace.has(f)) : files,
    map: (header) => ({ ...header, ...root, name: rename ? rename(header.name) : header.name }),
    finalize: !replace,
    finish: replace ? (pack) => {
      for (const [name, content] of replace) pack.entry({ name: rename ? rename(name) : name, mode: 0o644, uid: 0, gid: 0, mtime: new Date() }, content);
      pack.finalize();
    } : undefined,
  });
}

/** tar-fs's entry filter: the entry's full target path and header; true skips the entry. */
export type TarIgnore = (name: string, header: { type?: string | null; mode?: number; size?: number }) => boolean;

/** Writes a tar stream into `dir`, dropping its first `strip` path components; `ignore` skips entries. */
export async function extractTar(tar: NodeJS.ReadableStream, dir: string, strip: number, signal?: AbortSignal, ignore?: TarIgnore): Promise<void> {
  const target = loadTarFs().extract(dir, { strip, chown: false, ignore });
  await pipeline(tar, target, { signal });
}

async function exists(file: string): Promise<boolean> {
  try {
    await fs.lstat(file);
    return true;
  } catch {
    return false;
  }
}
