/** The release lifecycle on a host, as commands (data). Rendering happens only in shell.ts. */
import { and, join, type Command } from '../shell';
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
  return join(and, ['test', '!', '-e', dir], ['cp', '-al', '--', paths.cache(developer), dir]);
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
  return join(and, ...links);
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
  return join(and, ['cd', '--', paths.release(id)], ['sh', '-c', WITH_ENV, 'sh', paths.sharedEnv, ...argv]);
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
  return join(and,
    ['test', '-d', paths.release(id)],
    ['ln', '-sfn', '--', `releases/${id}`, tmp],
    ['mv', '-T', '--', tmp, paths.current],
  );
}

/** The configured restart, run from deploy_to. */
export function restartCommand(paths: RemotePaths, restart: readonly string[]): Command {
  if (restart.length === 0) throw new Error('empty restart command');
  return join(and, ['cd', '--', paths.root], [...restart]);
}
