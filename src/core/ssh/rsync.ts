/**
 * Upload with the real rsync binary. Two transports, both with the same host-key verification as
 * our ssh2 connection:
 *  - `tunnel` (default in deploys): rsync's `-e` is a helper that forwards over the already verified
 *    ssh2 connection (see tunnel.ts) — one SSH connection per host, the same agent/key/passphrase;
 *  - `openssh`: the OpenSSH client with the same known_hosts and StrictHostKeyChecking=yes, the same
 *    identity, the agent via SSH_AUTH_SOCK, BatchMode (fail, never prompt) and `-F none` so
 *    ~/.ssh/config cannot change what we resolved. A second connection; encrypted keys need the agent.
 * Never rsync's in-place mode, and never into a directory a release shares files with: uploads go
 * into a fresh directory, hard-linking unchanged files from `linkDest` (see remote/release.ts).
 */
import { spawn } from 'node:child_process';
import { UserError } from '../errors';
import { abortError } from './exec';

export interface RsyncEndpoint {
  host: string;
  port: number;
  user: string;
  identityFile?: string;
  knownHostsFile: string;
}

export interface RsyncStats {
  bytesSent: number;
  bytesReceived: number;
  totalFileSize: number;
  filesTransferred: number;
}

export interface RsyncRun {
  source: string;
  remoteDir: string;
  /** Remote directories rsync hard-links unchanged files from (and uses as delta bases), in order. */
  linkDest?: string[];
  endpoint: RsyncEndpoint;
  rsyncBinary?: string;
  sshBinary?: string;
  /** `-e` words replacing the OpenSSH client (the tunnel helper), and env for rsync. */
  rsh?: string[];
  env?: Record<string, string>;
}

// rsync splits -e on spaces with its own quoting rules, so only plain words are allowed in it.
const RSH_WORD = /^[A-Za-z0-9_@%+=:,./~-]+$/;

/** The `-e` words rsync runs as its remote shell. */
export function rshWords(endpoint: RsyncEndpoint, sshBinary = 'ssh'): string[] {
  const words = [sshBinary, '-F', 'none', '-o', 'StrictHostKeyChecking=yes', '-o', `UserKnownHostsFile=${endpoint.knownHostsFile}`,
    '-o', 'GlobalKnownHostsFile=/dev/null', '-o', 'UpdateHostKeys=no', '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=20',
    '-p', String(endpoint.port)];
  if (endpoint.identityFile) words.push('-i', endpoint.identityFile);
  return checkRsh(words);
}

function checkRsh(words: string[]): string[] {
  for (const w of words) {
    if (!RSH_WORD.test(w)) {
      throw new UserError(`rsync cannot be given ${JSON.stringify(w)} as part of its ssh command (spaces or quotes in a path); move the known_hosts or key file to a plain path`);
    }
  }
  return words;
}

/** The full rsync argv (without the binary). Pure, for --dry-run and tests. */
export function rsyncArgs(run: RsyncRun): string[] {
  const { endpoint } = run;
  for (const dir of [run.remoteDir, ...(run.linkDest ?? [])]) {
    if (!dir.startsWith('/') || /[\s'"\\]/.test(dir)) throw new UserError(`remote dir ${dir} is not a plain absolute path`);
  }
  const host = endpoint.host.includes(':') && !endpoint.host.startsWith('[') ? `[${endpoint.host}]` : endpoint.host;
  const source = run.source.endsWith('/') ? run.source : `${run.source}/`;
  const dest = run.remoteDir.endsWith('/') ? run.remoteDir : `${run.remoteDir}/`;
  // --no-times: a file is unchanged when its content and mode are, so a rebuild (new mtimes) still
  // shares it with earlier releases instead of costing its size again on the host.
  return ['-a', '--no-times', '--delete', '--checksum', '--compress', '--stats', '--timeout=300',
    ...(run.linkDest ?? []).map((dir) => `--link-dest=${dir}`),
    '-e', checkRsh(run.rsh ?? rshWords(endpoint, run.sshBinary)).join(' '), '--', source, `${endpoint.user}@${host}:${dest}`];
}

function statNumber(text: string, label: string): number {
  const m = new RegExp(`^${label}:\\s*([\\d,.']+)`, 'm').exec(text);
  return m ? Number(m[1].replace(/[,.']/g, '')) : 0;
}

export function parseRsyncStats(text: string): RsyncStats {
  return {
    bytesSent: statNumber(text, 'Total bytes sent'),
    bytesReceived: statNumber(text, 'Total bytes received'),
    totalFileSize: statNumber(text, 'Total file size'),
    filesTransferred: statNumber(text, 'Number of (?:regular )?files transferred'),
  };
}

/** Runs rsync; rejects with its stderr on failure. */
export function runRsync(run: RsyncRun, opts: { signal?: AbortSignal; onOutput?(text: string): void } = {}): Promise<RsyncStats> {
  const args = rsyncArgs(run);
  if (opts.signal?.aborted) return Promise.reject(abortError());
  return new Promise<RsyncStats>((resolve, reject) => {
    const child = spawn(run.rsyncBinary ?? 'rsync', args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...run.env } });
    let stdout = '';
    let stderr = '';
    const onAbort = () => child.kill('SIGTERM');
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      opts.onOutput?.(d.toString());
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      opts.onOutput?.(d.toString());
    });
    child.on('error', (e: NodeJS.ErrnoException) => {
      opts.signal?.removeEventListener('abort', onAbort);
      reject(e.code === 'ENOENT' ? new UserError('rsync is not installed on this machine; install it (apt-get install rsync)') : e);
    });
    child.on('close', (code) => {
      opts.signal?.removeEventListener('abort', onAbort);
      if (opts.signal?.aborted) return reject(abortError());
      if (code === 0) return resolve(parseRsyncStats(stdout));
      const hint = /Host key verification failed|REMOTE HOST IDENTIFICATION HAS CHANGED/.test(stderr)
        ? ` (host key not trusted in ${run.endpoint.knownHostsFile})` : '';
      reject(new UserError(`rsync to ${run.endpoint.user}@${run.endpoint.host}:${run.endpoint.port} failed with exit ${code}${hint}: ${stderr.trim().slice(-2000)}`,
        { host: `${run.endpoint.host}:${run.endpoint.port}` }));
    });
  });
}
