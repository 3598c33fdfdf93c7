import { createHash } from 'node:crypto';
import { realpathSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * A stable key for a project: its directory name (for humans reading ~/.cache) and a hash of its
 * real path (so two checkouts named alike never share a cache).
 */
export function projectKey(projectDir: string): string {
  let real = path.resolve(projectDir);
  try {
    real = realpathSync(real);
  } catch {
    // A directory that does not exist yet still gets a key from its absolute path.
  }
  const name = path.basename(real).toLowerCase().replace(/[^a-z0-9_.-]/g, '_').slice(0, 40) || 'project';
  return `${name}-${createHash('sha256').update(real).digest('hex').slice(0, 12)}`;
}

/** `$XDG_CACHE_HOME/phoenix-deploy/<project-key>`, else `~/.cache/phoenix-deploy/<project-key>`. */
export function defaultCacheRoot(projectDir: string, env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_CACHE_HOME;
  const base = xdg && path.isAbsolute(xdg) ? xdg : path.join(os.homedir(), '.cache');
  return path.join(base, 'phoenix-deploy', projectKey(projectDir));
}

/** A file-name-safe, collision-free form of a branch name (branches may contain `/`). */
export function branchSlug(branch: string): string {
  const readable = branch.toLowerCase().replace(/[^a-z0-9_.-]/g, '_').replace(/^[._-]+/, '').slice(0, 40);
  return `${readable || 'branch'}-${createHash('sha256').update(branch).digest('hex').slice(0, 8)}`;
}
