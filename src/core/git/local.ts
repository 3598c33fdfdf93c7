import type { WorkTree } from './remote';
import { git, GitError } from './run';

export interface UndeployedChanges {
  /** Paths (relative to the work tree) modified, staged or untracked inside the project. */
  dirtyFiles: string[];
  /** Commits reachable from the developer's HEAD but not from the central tip. */
  unpushedCommits: number;
  /** The developer's current branch, or `HEAD` when detached. */
  headName: string;
}

const LOCAL_HEAD_REF = 'refs/phoenix-deploy/local-head';

/**
 * What the developer has locally that the build will not contain. The developer's HEAD is fetched
 * into the build checkout (read-only for the project) so the comparison works even when the
 * developer has not fetched the central tip themselves.
 */
export async function findUndeployedChanges(
  projectDir: string, workTree: WorkTree, checkoutDir: string, centralCommit: string, signal?: AbortSignal,
): Promise<UndeployedChanges> {
  const status = await git(['status', '--porcelain=v1', '-z', '--untracked-files=all', '--', '.'], { cwd: projectDir, signal });
  const dirtyFiles = parsePorcelainZ(status.stdout);
  let headName = 'HEAD';
  let unpushedCommits = 0;
  try {
    headName = (await git(['rev-parse', '--abbrev-ref', 'HEAD'], { cwd: projectDir, signal })).stdout.trim();
    await git(['fetch', '-q', '--no-tags', '--', workTree.root, `+HEAD:${LOCAL_HEAD_REF}`], { cwd: checkoutDir, signal });
    const count = await git(['rev-list', '--count', LOCAL_HEAD_REF, '--not', centralCommit], { cwd: checkoutDir, signal });
    unpushedCommits = Number(count.stdout.trim()) || 0;
  } catch (e) {
    // A repository without commits has nothing unpushed.
    if (!(e instanceof GitError)) throw e;
  }
  return { dirtyFiles, unpushedCommits, headName };
}

/** Parses `git status --porcelain=v1 -z`: `XY path\0`, renames followed by `orig\0`. */
export function parsePorcelainZ(output: string): string[] {
  const parts = output.split('\0');
  const files: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    const entry = parts[i];
    if (entry.length < 4) continue;
    files.push(entry.slice(3));
    if (entry[0] === 'R' || entry[0] === 'C') i++;
  }
  return files;
}

/** Plain warnings saying what will not be deployed; empty when nothing is left out. */
export function describeUndeployed(changes: UndeployedChanges, repo: string, branch: string, commit: string): string[] {
  const tip = `${repo}/${branch} at ${commit.slice(0, 7)}`;
  const messages: string[] = [];
  if (changes.unpushedCommits > 0) {
    const n = changes.unpushedCommits;
    messages.push(`${n} local commit${n === 1 ? '' : 's'} on ${changes.headName} ${n === 1 ? 'is' : 'are'} not on ${repo}/${branch} ` +
      `and will NOT be deployed; building ${tip}. Push first to include ${n === 1 ? 'it' : 'them'}.`);
  }
  if (changes.dirtyFiles.length > 0) {
    const shown = changes.dirtyFiles.slice(0, 5).join(', ');
    const more = changes.dirtyFiles.length > 5 ? ` and ${changes.dirtyFiles.length - 5} more` : '';
    messages.push(`${changes.dirtyFiles.length} uncommitted change${changes.dirtyFiles.length === 1 ? '' : 's'} ` +
      `(${shown}${more}) will NOT be deployed; building ${tip}.`);
  }
  return messages;
}
