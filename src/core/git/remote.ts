import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { UserError } from '../errors';
import { git, GitError } from './run';

export interface WorkTree {
  /** Top of the developer's git work tree. */
  root: string;
  /** The project's directory inside it, `''` or e.g. `apps/shop/` (monorepos). */
  prefix: string;
}

/** The git work tree the project lives in, or undefined when it is not in one. */
export async function findWorkTree(projectDir: string, signal?: AbortSignal): Promise<WorkTree | undefined> {
  try {
    const { stdout } = await git(['rev-parse', '--show-toplevel', '--show-prefix'], { cwd: projectDir, signal });
    const [root, prefix = ''] = stdout.split('\n');
    return { root, prefix };
  } catch (e) {
    if (e instanceof GitError) return undefined;
    throw e;
  }
}

export interface ResolvedRepo {
  /** What git fetches from: a URL or an absolute path. */
  url: string;
  /** The configured value, for messages (`origin`, a URL, a path). */
  configured: string;
}

// scheme://..., user@host:path, host:path (scp-like)
const URL_LIKE = /^[a-z][a-z0-9+.-]*:\/\/|^[^/\s]+@[^/\s]+:|^[A-Za-z0-9.-]{2,}:/;

/**
 * `repo` from config/deploy.yml is a remote name of the project (resolved with
 * `git remote get-url`), a URL, or a path (relative to the project).
 */
export async function resolveRepo(projectDir: string, repo: string, signal?: AbortSignal): Promise<ResolvedRepo> {
  const workTree = await findWorkTree(projectDir, signal);
  if (workTree) {
    const { stdout } = await git(['remote'], { cwd: projectDir, signal });
    if (stdout.split('\n').includes(repo)) {
      const url = (await git(['remote', 'get-url', repo], { cwd: projectDir, signal })).stdout.trim();
      return { url: isLocalPath(url) ? path.resolve(workTree.root, url) : url, configured: repo };
    }
  }
  if (URL_LIKE.test(repo)) return { url: repo, configured: repo };
  const asPath = path.resolve(projectDir, repo);
  if (existsSync(asPath)) return { url: asPath, configured: repo };
  const where = workTree ? `is not a remote of ${workTree.root} (see \`git remote -v\`)` : `cannot be resolved: ${projectDir} is not a git repository`;
  throw new UserError(`repo "${repo}" in config/deploy.yml ${where}, nor a URL or an existing path. ` +
    'Set repo: to a remote name, a URL or a path of the central repository.', { file: 'config/deploy.yml' });
}

function isLocalPath(url: string): boolean {
  return !URL_LIKE.test(url);
}
