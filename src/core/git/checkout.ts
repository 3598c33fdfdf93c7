import { existsSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { UserError } from '../errors';
import type { ResolvedRepo } from './remote';
import { git, GitError } from './run';

export interface CentralCheckoutOptions {
  repo: ResolvedRepo;
  branch: string;
  /** Isolated checkout, outside the project; created on first use and updated afterwards. */
  checkoutDir: string;
  signal?: AbortSignal;
}

export interface CentralRevision {
  commit: string;
  subject: string;
}

/** Where the fetched tip is kept inside the build checkout. */
export const CENTRAL_REF = 'refs/phoenix-deploy/central';

/**
 * Fetches `branch` from the central repository into the isolated checkout and checks out exactly
 * that tip, discarding anything else there. Keeping the checkout between builds keeps unchanged
 * files' mtimes, which is what lets mix compile incrementally.
 */
export async function checkoutCentralBranch(options: CentralCheckoutOptions): Promise<CentralRevision> {
  const { repo, branch, checkoutDir, signal } = options;
  mkdirSync(checkoutDir, { recursive: true });
  await assertBranchExists(repo, branch, checkoutDir, signal);
  if (!existsSync(path.join(checkoutDir, '.git'))) {
    await git(['init', '-q', checkoutDir], { cwd: checkoutDir, signal });
  }
  const run = (args: string[]) => git(args, { cwd: checkoutDir, signal });
  await run(['fetch', '-q', '--no-tags', '--', repo.url, `+refs/heads/${branch}:${CENTRAL_REF}`]);
  const commit = (await run(['rev-parse', '--verify', `${CENTRAL_REF}^{commit}`])).stdout.trim();
  await run(['-c', 'advice.detachedHead=false', 'checkout', '-q', '--force', '--detach', commit]);
  await run(['clean', '-q', '-ffdx']);
  if (existsSync(path.join(checkoutDir, '.gitmodules'))) {
    await run(['submodule', 'update', '-q', '--init', '--recursive', '--force']);
  }
  const subject = (await run(['log', '-1', '--format=%s', commit])).stdout.trim();
  return { commit, subject };
}

async function assertBranchExists(repo: ResolvedRepo, branch: string, cwd: string, signal?: AbortSignal): Promise<void> {
  const named = repo.configured === repo.url ? repo.url : `${repo.configured} (${repo.url})`;
  try {
    await git(['ls-remote', '--exit-code', '--heads', '--', repo.url, `refs/heads/${branch}`], { cwd, signal });
  } catch (e) {
    if (!(e instanceof GitError)) throw e;
    // ls-remote --exit-code exits 2 when the remote answered but has no such ref.
    if (e.code === 2) {
      throw new UserError(`branch "${branch}" does not exist on repo ${named}. ` +
        `Push it (git push ${repo.configured} ${branch}) or set branch: in config/deploy.yml.`, { file: 'config/deploy.yml' });
    }
    // git's first `fatal:` line says why (unknown host, no such repository, permission denied).
    const lines = e.stderr.split('\n').map((l) => l.trim()).filter(Boolean);
    const reason = lines.find((l) => l.startsWith('fatal:')) ?? lines[0] ?? `git exited with ${e.code}`;
    throw new UserError(`cannot reach repo ${named}: ${reason}`, { file: 'config/deploy.yml' });
  }
}
