/**
 * COPY as Docker does it, for replaying a stage's instructions in a container: which context files
 * a COPY takes and where each one lands. Wildcards use @balena/dockerignore, the port of Docker's
 * own path matcher that .dockerignore handling already uses.
 */
import dockerignore from '@balena/dockerignore';
import * as posix from 'node:path/posix';

export interface CopyWords {
  /** `--from=`, `--chown=`, ... as written. */
  flags: string[];
  sources: string[];
  dest: string;
}

/** A file of the context and the absolute path it is copied to. */
export interface CopiedFile {
  file: string;
  target: string;
}

const WILDCARD = /[*?[]/;

/** `--flag`s, sources and dest of a COPY, from its words after variable expansion. */
export function splitCopyWords(words: string[]): CopyWords | undefined {
  let n = 0;
  while (n < words.length && words[n].startsWith('--')) n++;
  const rest = words.slice(n);
  if (rest.length < 2) return undefined;
  return { flags: words.slice(0, n), sources: rest.slice(0, -1), dest: rest[rest.length - 1] };
}

/** The JSON array of an exec-form instruction (`["a","b"]`), or undefined for the shell form. */
export function jsonArray(text: string): string[] | undefined {
  const trimmed = text.trim();
  if (!trimmed.startsWith('[')) return undefined;
  try {
    const value: unknown = JSON.parse(trimmed);
    return Array.isArray(value) && value.every((v) => typeof v === 'string') ? value as string[] : undefined;
  } catch {
    return undefined;
  }
}

/** A source as Docker reads it: relative to the context root, whatever slashes it starts with. */
function normalizeSource(source: string): string {
  const clean = posix.normalize(`/${source}`).replace(/^\/+/, '').replace(/\/+$/, '');
  return clean === '.' ? '' : clean;
}

/**
 * The context files one source names: a file, every file under a directory, or the top-most
 * matches of a wildcard. `base` is the directory whose contents are copied (a file's own directory
 * for a file). Empty when nothing matches.
 */
export function matchSource(source: string, files: readonly string[]): Array<{ file: string; base: string }> {
  const src = normalizeSource(source);
  if (!WILDCARD.test(src)) {
    if (src !== '' && files.includes(src)) return [{ file: src, base: posix.dirname(src) === '.' ? '' : posix.dirname(src) }];
    const prefix = src === '' ? '' : `${src}/`;
    return files.filter((f) => f.startsWith(prefix)).map((file) => ({ file, base: src }));
  }
  const matcher = dockerignore({ ignorecase: false }).add(src);
  const found: Array<{ file: string; base: string }> = [];
  for (const file of files) {
    // The top-most path of `file` that the pattern matches: the file itself or a directory above it.
    const parts = file.split('/');
    for (let depth = 1; depth <= parts.length; depth++) {
      const candidate = parts.slice(0, depth).join('/');
      if (!matcher.ignores(candidate)) continue;
      const isFile = depth === parts.length;
      found.push({ file, base: isFile ? parts.slice(0, -1).join('/') : candidate });
      break;
    }
  }
  return found;
}

export interface CopyResolution {
  copied: CopiedFile[];
  /** Sources that matched nothing (Docker fails the build on these). */
  missing: string[];
  /** A single file copied to a dest without a trailing slash: lands inside it if it is a directory. */
  singleFileDest?: string;
}

/**
 * Where each file of a COPY lands. `dest` is made absolute against `workdir`; a dest ending in `/`,
 * several sources or a wildcard make it a directory; a directory source copies its contents.
 */
export function resolveCopy(words: CopyWords, workdir: string, files: readonly string[]): CopyResolution {
  const dest = posix.isAbsolute(words.dest) ? words.dest : posix.join(workdir || '/', words.dest);
  const destIsDir = words.dest.endsWith('/') || words.sources.length > 1 || words.sources.some((s) => WILDCARD.test(s));
  const copied: CopiedFile[] = [];
  const missing: string[] = [];
  let singleFileDest: string | undefined;
  for (const source of words.sources) {
    const matches = matchSource(source, files);
    if (matches.length === 0) missing.push(source);
    const src = normalizeSource(source);
    for (const { file, base } of matches) {
      const isLiteralFile = file === src && !WILDCARD.test(src);
      if (isLiteralFile && !destIsDir) {
        copied.push({ file, target: posix.normalize(dest) });
        singleFileDest = posix.normalize(dest);
      } else {
        const relative = base === '' ? file : file.slice(base.length + 1);
        copied.push({ file, target: posix.join(dest, relative) });
      }
    }
  }
  return { copied, missing, singleFileDest };
}
