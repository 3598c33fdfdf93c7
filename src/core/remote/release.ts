/** The release lifecycle on a host, as commands (data). Rendering happens only in shell.ts. */
import { join, op, type Command } from '../shell';
import { checkReleaseId, type RemotePaths } from './paths';

/** Directories every deploy needs; idempotent. */
export function setupCommand(paths: RemotePaths, developer: string): Command {
  return ['mkdir', '-p', '--', paths.cache(developer), paths.releases, paths.shared];
}

/**
 * Hard-link copy of the uploaded cache into releases/<id>. Refuses an existing dir so `cp` never
 * nests the cache inside it. Hard links cost no space; rsync replaces (never rewrites) cache files.
 */
export function prepareCommand(paths: RemotePaths, developer: string, id: string): Command {
  const dir = paths.release(id);
  return join(op.and, ['test', '!', '-e', dir], ['cp', '-al', '--', paths.cache(developer), dir]);
}

/** Links shared/<name> into the release (e.g. a config file the app reads relative to its root). */
export function linkSharedCommand(paths: RemotePaths, id: string, names: readonly string[]): Command | undefined {
  if (names.length === 0) return undefined;
  const links = names.flatMap((name): Command[] => {
    if (name === '' || name.startsWith('/') || name.split('/').includes('..')) throw new Error(`shared path ${JSON.stringify(name)} must be relative, without ".."`);
    const link: Command = ['ln', '-sfn', '--', `${paths.shared}/${name}`, `${paths.release(id)}/${name}`];
    const parent = name.includes('/') ? `${paths.release(id)}/${name.slice(0, name.lastIndexOf('/'))}` : undefined;
    return parent ? [['mkdir', '-p', '--', parent], link] : [link];
  });
  return join(op.and, ...links);
}

export function removeReleaseCommand(paths: RemotePaths, id: string): Command {
  return ['rm', '-rf', '--', paths.release(id)];
}

// Loads shared/env (if present) with auto-export, then execs the argv that follows. The script is a
// constant; every value arrives as a positional parameter, never as shell text.
const WITH_ENV = 'set -a; if [ -f "$1" ]; then . "$1"; fi; set +a; shift; exec "$@"';

/** Runs argv inside the release dir with shared/env loaded, as the service would see it. */
export function inReleaseWithEnv(paths: RemotePaths, id: string, argv: readonly string[]): Command {
  if (argv.length === 0) throw new Error('empty command');
  return join(op.and, ['cd', '--', paths.release(id)], ['sh', '-c', WITH_ENV, 'sh', paths.sharedEnv, ...argv]);
}

export function migrateCommand(paths: RemotePaths, id: string, migrate: readonly string[]): Command {
  return inReleaseWithEnv(paths, id, migrate);
}

/**
 * Atomic switch: a new symlink under a temporary name, renamed over `current` (rename(2) is
 * atomic). Never rm-then-ln, which leaves a moment without `current`. The link is relative so the
 * tree can be moved. `mv -T` is GNU coreutils.
 */
export function switchCommand(paths: RemotePaths, id: string): Command {
  checkReleaseId(id);
  const tmp = `${paths.current}.tmp-${id}`;
  return join(op.and,
    ['test', '-d', paths.release(id)],
    ['ln', '-sfn', '--', `releases/${id}`, tmp],
    ['mv', '-T', '--', tmp, paths.current],
  );
}

/**
 * The configured restart, run from deploy_to. With `timeoutSeconds`, coreutils `timeout` bounds it
 * on the host and kills its whole process group when it hangs (exit 124), so nothing lingers there.
 */
export function restartCommand(paths: RemotePaths, restart: readonly string[], timeoutSeconds?: number): Command {
  if (restart.length === 0) throw new Error('empty restart command');
  const bound = timeoutSeconds !== undefined ? ['timeout', '-k', '5', String(timeoutSeconds)] : [];
  return join(op.and, ['cd', '--', paths.root], [...bound, ...restart]);
}

const CURRENT_MARK = '@@phoenix-deploy:current=';

/** Prints where `current` points, behind a marker so shell noise or an empty answer is never a value. */
export function readCurrentCommand(paths: RemotePaths): Command {
  return ['sh', '-c', `printf '${CURRENT_MARK}%s\\n' "$(readlink -- "$1" 2>/dev/null)"`, 'sh', paths.current];
}

/** The release name `current` points at; null when there is no `current`; undefined when unknown. */
export function parseCurrent(stdout: string): string | null | undefined {
  const line = stdout.split('\n').find((l) => l.startsWith(CURRENT_MARK));
  if (line === undefined) return undefined;
  const target = line.slice(CURRENT_MARK.length).trim();
  if (target === '') return null;
  return /(?:^|\/)releases\/([^/]+)\/?$/.exec(target)?.[1] ?? target;
}

/**
 * Removes a release that never went live, unless `current` resolves to it (a switch whose result
 * was lost may have happened after all): the running release is never deleted.
 */
export function removeUnusedReleaseCommand(paths: RemotePaths, id: string): Command {
  const dir = paths.release(id);
  return join(op.and,
    ['sh', '-c', '[ "$(readlink -f -- "$1")" != "$(readlink -f -- "$2")" ] || { echo "kept $2: current points at it" >&2; exit 3; }', 'sh', paths.current, dir],
    ['rm', '-rf', '--', dir]);
}

/**
 * After a failed upload that filled the disk: removes the cache files no release shares (link
 * count 1: what this upload wrote, and rsync's temporary files), freeing the space it took. Files
 * hard-linked into releases cost nothing and stay, so the next upload still sends only changes.
 */
export function cleanPartialUploadCommand(paths: RemotePaths, developer: string): Command {
  return ['find', paths.cache(developer), '-xdev', '-type', 'f', '-links', '1', '-delete'];
}

/** `df -Pk` of deploy_to: the filesystem, its size and what is left, for a disk-full report. */
export function diskSpaceCommand(paths: RemotePaths): Command {
  return ['df', '-Pk', '--', paths.root];
}

export interface DiskSpace {
  filesystem: string;
  mount: string;
  sizeKb: number;
  availableKb: number;
}

export function parseDiskSpace(stdout: string): DiskSpace | undefined {
  const line = stdout.trim().split('\n').slice(1).join(' ').trim();
  const f = line.split(/\s+/);
  if (f.length < 6 || !/^\d+$/.test(f[1]) || !/^\d+$/.test(f[3])) return undefined;
  return { filesystem: f[0], sizeKb: Number(f[1]), availableKb: Number(f[3]), mount: f.slice(5).join(' ') };
}
