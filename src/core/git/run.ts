import { execFile } from 'node:child_process';
import { CancelledError } from '../errors';

export interface GitResult {
  stdout: string;
  stderr: string;
}

/** A git command exited non-zero; `code` is its exit status. */
export class GitError extends Error {
  constructor(readonly args: readonly string[], readonly code: number | undefined, readonly stderr: string) {
    super(`git ${args.join(' ')} failed${code === undefined ? '' : ` (exit ${code})`}: ${stderr.trim() || 'no output'}`);
    this.name = 'GitError';
  }
}

export interface GitOptions {
  cwd: string;
  signal?: AbortSignal;
}

/**
 * Runs git with an argv array (never a shell). Prompts are disabled so an unreachable or
 * password-protected remote fails instead of hanging a build; messages are kept in English
 * because callers recognise a few of them.
 */
export function git(args: readonly string[], options: GitOptions): Promise<GitResult> {
  const env = { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C', GIT_SSH_COMMAND: sshCommand() };
  return new Promise((resolve, reject) => {
    execFile('git', [...args], { cwd: options.cwd, env, signal: options.signal, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (!error) return resolve({ stdout, stderr });
        if (options.signal?.aborted) return reject(new CancelledError());
        const code = typeof error.code === 'number' ? error.code : undefined;
        reject(new GitError(args, code, stderr || error.message));
      });
  });
}

// BatchMode makes ssh fail instead of asking for a passphrase or a host key on a terminal we don't have.
function sshCommand(): string {
  return process.env.GIT_SSH_COMMAND ?? 'ssh -o BatchMode=yes';
}
