/** The release lifecycle on a host, as commands (data). Rendering happens only in shell.ts. */
import { ANY_EXIT, type RemoteQuery } from '../remoteQuery';
import { join, op, type Command } from '../shell';
import { checkReleaseId, type RemotePaths } from './paths';

/** Directories every deploy needs; idempotent. */
export function setupCommand(paths: RemotePaths, developer: string): Command {
  return ['mkdir', '-p', '--', paths.cache(developer), paths.staging(developer), paths.releases, paths.shared];
}

// $1 is the staging dir. An upload that never became a release (cut, cancelled) is kept as `partial`:
// the next upload hard-links the files it already received instead of sending them again.
const STAGE = 'cd "$1" || exit 1; if [ -e release ]; then rm -rf partial && mv -T release partial; fi; rm -rf cache; mkdir -p partial';

/** Clears the upload target before rsync writes into it, keeping an interrupted upload as a basis. */
export function stageCommand(paths: RemotePaths, developer: string): Command {
  return ['sh', '-c', STAGE, 'sh', paths.staging(developer)];
}

/**
 * Where rsync writes, and what it compares against: every upload goes into a fresh directory, and
 * a file that is unchanged (content and attributes) is hard-linked from a basis, never written. So a
 * prepared release shares inodes with later ones but no upload ever changes them: rsync updating a
 * file's mode or mtime in place, as it would in a directory that releases are linked to, cannot happen.
 */
export function uploadTarget(paths: RemotePaths, developer: string, hasCurrent: boolean): { dir: string; linkDest: string[] } {
  const staging = paths.staging(developer);
  return { dir: `${staging}/release`, linkDest: [paths.cache(developer), `${staging}/partial`, ...(hasCurrent ? [paths.current] : [])] };
}

/**
 * The upload becomes releases/<id> in one rename (refused if that exists), and the cache becomes a
 * hard-linked copy of it: the next upload's basis, replaced whole, never written into.
 */
export function prepareCommand(paths: RemotePaths, developer: string, id: string): Command {
  const dir = paths.release(id);
  const staging = paths.staging(developer);
  const cache = paths.cache(developer);
  return join(op.and,
    ['test', '!', '-e', dir],
    ['mv', '-T', '--', `${staging}/release`, dir],
    ['rm', '-rf', '--', `${staging}/partial`, `${staging}/cache`],
    ['cp', '-al', '--', dir, `${staging}/cache`],
    ['rm', '-rf', '--', cache],
    ['mv', '-T', '--', `${staging}/cache`, cache]);
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
// constant; every value arrives as a positional parameter, never as shell text. Distillery writes
// its state into the release (var/) unless RELEASE_MUTABLE_DIR says otherwise: a default outside
// it ($2), which shared/env may override, keeps releases unchanged; mix releases ignore it.
const WITH_ENV = 'RELEASE_MUTABLE_DIR=$2; export RELEASE_MUTABLE_DIR; set -a; if [ -f "$1" ]; then . "$1"; fi; set +a; shift 2; exec "$@"';

/** Distillery's mutable state for commands run in a release outside the units (migrations). */
export const commandsStateDir = (paths: RemotePaths) => `${paths.root}/tmp/commands`;

/** Runs argv inside the release dir with shared/env loaded, as the service would see it. */
export function inReleaseWithEnv(paths: RemotePaths, id: string, argv: readonly string[]): Command {
  if (argv.length === 0) throw new Error('empty command');
  return join(op.and, ['cd', '--', paths.release(id)], ['sh', '-c', WITH_ENV, 'sh', paths.sharedEnv, commandsStateDir(paths), ...argv]);
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

/** Where `current` points (see parseCurrent); any exit: the marker decides. */
export function readCurrentQuery(paths: RemotePaths): RemoteQuery<string | null | undefined> {
  return { what: 'reading current', command: readCurrentCommand(paths), okCodes: ANY_EXIT, parse: (result) => parseCurrent(result.stdout) };
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
 * After a failed upload that filled the disk: removes the upload and what earlier ones left. They
 * hold only files this developer's uploads wrote, or links to files releases keep anyway.
 */
export function clearStagingCommand(paths: RemotePaths, developer: string): Command {
  return ['rm', '-rf', '--', `${paths.staging(developer)}/release`, `${paths.staging(developer)}/partial`, `${paths.staging(developer)}/cache`];
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
