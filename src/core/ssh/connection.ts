/**
 * One verified SSH connection per host (ssh2, loaded lazily so importing core stays cheap).
 * The host key is checked against known_hosts before authentication; unknown, changed and
 * revoked keys are refusals with an actionable message.
 */
import { readFile } from 'node:fs/promises';
import type { Duplex } from 'node:stream';
import type { Client } from 'ssh2';
import { UserError } from '../errors';
import { renderCommand, type Command } from '../shell';
import { makeAuthHandler, type AuthLog, type PassphraseProvider } from './auth';
import { abortError, execOnClient, type ExecOptions, type ExecResult } from './exec';
import { httpGetOverStream, parseHttpUrl, type HttpResponse } from './http';
import type { RemoteChannel } from './tunnel';
import {
  hostKeyRefusal, knownKeyTypes, parseKnownHosts, verifyHostKey, type HostKeyVerdict, type KeyRoute, type KnownHostEntry,
} from './knownHosts';

export interface SshTarget {
  host: string;
  port: number;
  user: string;
}

export interface ConnectOptions {
  /** The known_hosts file checked, and named in refusals. */
  knownHostsFile: string;
  /** More files read if present (e.g. known_hosts2). */
  extraKnownHostsFiles?: string[];
  /** HostKeyAlias: the known_hosts name checked instead of `[host]:port`. */
  hostKeyAlias?: string;
  /** Tried in order after the agent. */
  identityFiles?: string[];
  /** Defaults to nothing; callers pass process.env.SSH_AUTH_SOCK. */
  agentSocket?: string;
  passphrase?: PassphraseProvider;
  readyTimeoutMs?: number;
  /** Default KEEPALIVE_INTERVAL_MS (ssh config's ServerAliveInterval when set). */
  keepaliveIntervalMs?: number;
  signal?: AbortSignal;
  /** A stream to the host (a bastion's forwarded channel) instead of a new TCP connection. */
  sock?: Duplex;
  /** How the host is reached (alias, bastions), for messages and host-key refusals. */
  route?: KeyRoute;
}

export interface PtySize {
  rows: number;
  cols: number;
}

/** A channel with a terminal on the far side: resizable, and closable from here. */
export interface PtyChannel extends RemoteChannel {
  setWindow(rows: number, cols: number, height: number, width: number): void;
  close(): void;
}

export interface SshConnection {
  readonly target: SshTarget;
  /** `user@host:port`, for messages. */
  readonly name: string;
  /** The verified host key's `SHA256:` fingerprint. */
  readonly fingerprint: string;
  exec(command: Command, options?: ExecOptions): Promise<ExecResult>;
  /** GET from the host's side through a forwarded channel. */
  httpGet(url: string, options?: { timeoutMs?: number; signal?: AbortSignal }): Promise<HttpResponse>;
  /** A raw exec channel (stdin/stdout/stderr streams), e.g. for the rsync tunnel. */
  channel(command: Command): Promise<RemoteChannel>;
  /** A TCP connection from the host's side (direct-tcpip), e.g. to the next hop of a jump chain. */
  forward?(host: string, port: number): Promise<Duplex>;
  /** An exec channel on a pseudo-terminal of `size`: what an interactive program (IEx) needs. */
  ptyChannel?(command: Command, size: PtySize): Promise<PtyChannel>;
  close(): Promise<void>;
  /** False once the transport has closed (cut, reset, keepalive timeout or close()). Absent: assume alive. */
  isAlive?(): boolean;
  /** Why the transport ended, when it did on its own (e.g. the host stopped answering keepalives). */
  lostReason?(): string | undefined;
}

/**
 * A host that stops answering (frozen, or its network gone without a reset) is given up after this
 * many keepalives go unanswered, KEEPALIVE_INTERVAL_MS apart: its commands fail then, whatever they
 * were doing, so one silent host never holds up a deploy for longer than that.
 */
export const KEEPALIVE_INTERVAL_MS = 5000;
export const KEEPALIVE_COUNT_MAX = 3;

/** The SSH transport died under a command: its outcome on the host is unknown. `reason`: why, when known. */
export class ConnectionLostError extends UserError {
  constructor(readonly connection: string, during?: string, readonly reason?: string) {
    super(`the SSH connection to ${connection} was lost${during ? ` during ${during}` : ''}${reason ? ` (${reason})` : ''}`, { host: connection });
    this.name = 'ConnectionLostError';
  }
}

export class HostKeyError extends UserError {
  constructor(message: string, readonly verdict: HostKeyVerdict, host: string) {
    super(message, { host });
    this.name = 'HostKeyError';
  }
}

export function targetName(t: SshTarget): string {
  return `${t.user}@${t.host}:${t.port}`;
}

async function readKnownHosts(files: string[]): Promise<KnownHostEntry[]> {
  const all: KnownHostEntry[] = [];
  for (const file of files) {
    try {
      all.push(...parseKnownHosts(await readFile(file, 'utf8')));
    } catch {
      // a missing file simply trusts nothing
    }
  }
  return all;
}

const HOST_KEY_ALGOS: Record<string, string[]> = {
  'ssh-ed25519': ['ssh-ed25519'],
  'ecdsa-sha2-nistp256': ['ecdsa-sha2-nistp256'],
  'ecdsa-sha2-nistp384': ['ecdsa-sha2-nistp384'],
  'ecdsa-sha2-nistp521': ['ecdsa-sha2-nistp521'],
  'ssh-rsa': ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'],
};

const DEFAULT_HOST_KEY_ORDER = ['ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521', 'rsa-sha2-512', 'rsa-sha2-256'];

export async function connectSsh(target: SshTarget, options: ConnectOptions): Promise<SshConnection> {
  const { signal } = options;
  if (signal?.aborted) throw abortError();
  const entries = await readKnownHosts([options.knownHostsFile, ...(options.extraKnownHostsFiles ?? [])]);
  const ssh2 = await import('ssh2');
  const client: Client = new ssh2.Client();
  const name = `${targetName(target)}${options.route?.label ? ` (${options.route.label})` : ''}`;
  const host = target.host.replace(/^\[(.*)\]$/, '$1');
  const keyName = options.hostKeyAlias; // undefined: `[host]:port`, as OpenSSH names it
  let verdict: HostKeyVerdict | undefined;
  const log: AuthLog = { tried: [], problems: [] };
  // Ask for a key type known_hosts has, as OpenSSH does, so a known host is not "unknown" by algorithm.
  const preferred = knownKeyTypes(entries, target.host, target.port, keyName).flatMap((t) => HOST_KEY_ALGOS[t] ?? []);
  await new Promise<void>((resolve, reject) => {
    const onAbort = () => done(abortError());
    signal?.addEventListener('abort', onAbort, { once: true });
    let settled = false;
    const done = (error?: Error) => {
      if (settled) return; // errors after `ready` belong to the operation that hits them
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      if (error) {
        client.end();
        reject(error);
      } else {
        resolve();
      }
    };
    client.once('ready', () => done());
    client.on('error', (e: Error & { level?: string }) => done(explain(e, name, verdict, target, options, log)));
    client.connect({
      ...(options.sock ? { sock: options.sock as never } : { host, port: target.port }),
      username: target.user,
      readyTimeout: options.readyTimeoutMs ?? 20000,
      keepaliveInterval: options.keepaliveIntervalMs ?? KEEPALIVE_INTERVAL_MS,
      keepaliveCountMax: KEEPALIVE_COUNT_MAX,
      // An exact list: ssh2's `prepend` ignores names already in its defaults.
      algorithms: preferred.length > 0 ? { serverHostKey: [...new Set([...preferred, ...DEFAULT_HOST_KEY_ORDER])] as never } : undefined,
      hostVerifier: (key: Buffer) => {
        verdict = verifyHostKey(entries, target.host, target.port, key, keyName);
        return verdict.status === 'trusted';
      },
      authHandler: makeAuthHandler(
        { username: target.user, agentSocket: options.agentSocket, identityFiles: options.identityFiles, passphrase: options.passphrase },
        (data, passphrase) => ssh2.utils.parseKey(data, passphrase),
        log,
      ),
    });
  });
  let alive = true;
  let reason: string | undefined;
  const keepalive = options.keepaliveIntervalMs ?? KEEPALIVE_INTERVAL_MS;
  client.on('error', (e: Error) => {
    // After `ready`, an error ends the transport; the operation it was in fails as a lost connection.
    if (/keepalive timeout/i.test(e.message)) reason = `it stopped answering: no reply to ${KEEPALIVE_COUNT_MAX} keepalives ${keepalive / 1000} s apart`;
    else reason ??= e.message;
  });
  client.on('close', () => (alive = false)); // before ssh2 fails the open channels, so exec sees it
  client.on('end', () => (alive = false));
  const gone = () => new ConnectionLostError(name, undefined, reason);
  const lost = (e: unknown) => {
    throw !alive && (e as Error)?.name !== 'AbortError' ? gone() : e;
  };
  return {
    target,
    name,
    fingerprint: verdict?.fingerprint ?? '',
    isAlive: () => alive,
    exec: async (command, execOptions) => {
      if (!alive) throw gone();
      const result = await execOnClient(client, command, execOptions).catch(lost);
      // A channel closed without an exit status because the transport died: not an exit code.
      if (result.code === -1 && result.signal === undefined && !alive) throw gone();
      return result;
    },
    lostReason: () => reason,
    httpGet: (url, o = {}) => httpGet(client, url, o.timeoutMs ?? 5000, o.signal).catch(lost),
    channel: (command) => new Promise<RemoteChannel>((resolve, reject) => {
      if (!alive) return reject(gone());
      client.exec(renderCommand(command), (err, ch) => (err ? reject(err) : resolve(ch as unknown as RemoteChannel)));
    }),
    forward: (toHost, toPort) => new Promise<Duplex>((resolve, reject) => {
      if (!alive) return reject(gone());
      client.forwardOut('127.0.0.1', 0, toHost, toPort, (err, ch) => (err ? reject(new Error(`${name} could not open a connection to ${toHost}:${toPort}: ${err.message}`)) : resolve(ch)));
    }),
    ptyChannel: (command, size) => new Promise<PtyChannel>((resolve, reject) => {
      if (!alive) return reject(new ConnectionLostError(name));
      client.exec(renderCommand(command), { pty: { rows: size.rows, cols: size.cols, term: 'xterm-256color' } },
        (err, ch) => (err ? reject(err) : resolve(ch as unknown as PtyChannel)));
    }),
    close: () => new Promise<void>((resolve) => {
      if (!alive) {
        client.end();
        return resolve();
      }
      client.once('close', () => resolve());
      client.end();
      setTimeout(resolve, 2000).unref();
    }),
  };
}

function explain(e: Error & { level?: string }, name: string, verdict: HostKeyVerdict | undefined, target: SshTarget,
  options: ConnectOptions, log: AuthLog): Error {
  if (verdict && verdict.status !== 'trusted') {
    return new HostKeyError(hostKeyRefusal(verdict, target.host, target.port, options.knownHostsFile, options.route), verdict, name);
  }
  if (e.level === 'client-authentication') {
    const tried = log.tried.length > 0 ? log.tried.join(', ') : 'nothing (no ssh-agent and no identity file)';
    const problems = log.problems.length > 0 ? ` (${log.problems.join('; ')})` : '';
    return new UserError(`${name} refused authentication; tried ${tried}${problems}`, { host: name });
  }
  if (e.level === 'client-timeout') return new UserError(`${name} did not complete the SSH handshake in time`, { host: name });
  return new UserError(`cannot connect to ${name}: ${e.message}`, { host: name });
}

function httpGet(client: Client, url: string, timeoutMs: number, signal?: AbortSignal): Promise<HttpResponse> {
  const target = parseHttpUrl(url);
  return new Promise<Duplex>((resolve, reject) => {
    client.forwardOut('127.0.0.1', 0, target.host, target.port, (err, channel) => (err ? reject(err) : resolve(channel)));
  }).then((channel) => httpGetOverStream(channel, target, timeoutMs, signal));
}
