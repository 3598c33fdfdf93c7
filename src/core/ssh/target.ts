/**
 * Turns a configured host into what we connect to, bastions included. OpenSSH resolves every name
 * (`ssh -G`, see openssh.ts); this file only applies the precedence and records where each value
 * came from: deploy.yml (the host, then its environment) wins over the ssh config, which wins over
 * the defaults. A function of (HostConfig, the environment's ssh settings, ssh -G's answers).
 */
import type { HostConfig, SshConfig } from '../config/types';
import { UserError } from '../errors';
import type { SshTarget } from './connection';
import type { SshLookup, SshQuery, SshResolution } from './openssh';

/** The user when neither deploy.yml nor the ssh config names one. */
export const DEFAULT_USER = 'deploy';

export type ValueSource = 'deploy.yml host' | 'deploy.yml environment' | 'inventory' | 'ssh config' | 'default';

/** One SSH hop: a bastion, or the deploy host itself. */
export interface SshHop {
  /** The name that was resolved: the deploy.yml host, or a ProxyJump entry's host. */
  alias: string;
  target: SshTarget;
  /** Tried in order after the ssh-agent; only files that exist (deploy.yml's identity_file always). */
  identityFiles: string[];
  /** The known_hosts file named in refusals; `extraKnownHostsFiles` are read as well. */
  knownHostsFile: string;
  extraKnownHostsFiles: string[];
  /** HostKeyAlias: looked up in known_hosts instead of the host name. */
  hostKeyAlias?: string;
  /** From ConnectTimeout (bounds the handshake). */
  readyTimeoutMs?: number;
  /** From ServerAliveInterval (0 in the config keeps our own keepalive). */
  keepaliveIntervalMs?: number;
  /** As the ssh config says; host keys are checked as with `yes` whatever it says. */
  strictHostKeyChecking: string;
  /** Set when the ssh config asks for a ProxyCommand, which is refused at connect. */
  proxyCommand?: string;
}

export interface TargetSources {
  user: ValueSource;
  hostName: ValueSource;
  port: ValueSource;
  identityFiles: ValueSource;
  knownHosts: ValueSource;
}

export interface ResolvedTarget extends SshHop {
  /** The host as deploy.yml lists it (`host`, or `host:port` when the port is written): the key in results. */
  key: string;
  primary: boolean;
  /** Bastions in the order they are reached (ProxyJump); empty when the host is reached directly. */
  jumps: SshHop[];
  sources: TargetSources;
  /** The ssh config file hosts were resolved with (`-F`); undefined: OpenSSH's default files. */
  configFile?: string;
}

export interface TargetContext {
  home: string;
  localUser: string;
  /** Identity files that do not exist are skipped, as OpenSSH does. */
  exists(path: string): boolean;
}

/** The deploy.yml entry's key: `host`, or `host:port` when deploy.yml writes the port; an inventory host's name. */
export function hostKey(host: HostConfig): string {
  if (host.name !== undefined) return host.name;
  return host.port !== undefined ? `${host.host}:${host.port}` : host.host;
}

export function expandHome(path: string, home: string): string {
  return path === '~' ? home : path.startsWith('~/') ? `${home}/${path.slice(2)}` : path;
}

const MAX_JUMPS = 8;
const DEFAULT_IDENTITY = /^~\/\.ssh\/id_(rsa|ecdsa|ecdsa_sk|ed25519|ed25519_sk|xmss|dsa)$/;

export async function resolveTarget(host: HostConfig, ssh: SshConfig, lookup: SshLookup, ctx: TargetContext, configFile?: string): Promise<ResolvedTarget> {
  const alias = host.host.replace(/^\[(.*)\]$/, '$1');
  const key = hostKey(host);
  // An inventory host's values were written in the inventory, as a deploy.yml host's are in deploy.yml.
  const written: ValueSource = host.name !== undefined ? 'inventory' : 'deploy.yml host';
  const named = (e: unknown) => {
    const message = (e as Error).message;
    return new UserError(message.includes(key) ? message : `${key}: ${message}`, { host: key });
  };
  const query: SshQuery = host.user ? { host: alias, user: host.user, port: host.port } : { host: alias, port: host.port, defaultUser: DEFAULT_USER };
  const answer = await lookup(query).catch((e) => { throw named(e); });
  const hop = toHop(alias, answer, ctx);
  const jumps = answer.proxyJump ? await resolveJumps(answer.proxyJump, lookup, ctx, 1).catch((e) => { throw named(e); }) : [];
  const identityFiles = ssh.identityFile ? [expandHome(ssh.identityFile, ctx.home)] : hop.identityFiles;
  const known = ssh.knownHosts ? { knownHostsFile: expandHome(ssh.knownHosts, ctx.home), extraKnownHostsFiles: [] } : {};
  return {
    ...hop, identityFiles, ...known, key, primary: host.primary, jumps, configFile,
    sources: {
      user: host.userFrom === 'inventory' ? 'inventory' : host.userFrom ? `deploy.yml ${host.userFrom}` : answer.userFromConfig ? 'ssh config' : 'default',
      hostName: answer.hostname.toLowerCase() !== alias.toLowerCase() ? 'ssh config' : written,
      port: host.port !== undefined ? written : answer.port !== 22 ? 'ssh config' : 'default',
      identityFiles: ssh.identityFile ? 'deploy.yml environment' : answer.identityFiles.every((f) => DEFAULT_IDENTITY.test(f)) ? 'default' : 'ssh config',
      knownHosts: ssh.knownHosts ? 'deploy.yml environment'
        : answer.userKnownHostsFiles.every((f) => /\/\.ssh\/known_hosts2?$/.test(f)) ? 'default' : 'ssh config',
    },
  };
}

/**
 * ProxyJump `a,b` reaches a, then b, then the host. As OpenSSH does, the first entry is resolved
 * with its own ProxyJump (so bastions can chain in the config), while the list replaces the
 * ProxyJump of the later entries.
 */
async function resolveJumps(spec: string, lookup: SshLookup, ctx: TargetContext, depth: number): Promise<SshHop[]> {
  if (depth > MAX_JUMPS) throw new UserError(`ProxyJump chains more than ${MAX_JUMPS} bastions (a loop in the ssh config?)`);
  const [first, ...rest] = spec.split(',').map(parseJumpEntry);
  const firstAnswer = await lookup(first);
  const before = firstAnswer.proxyJump ? await resolveJumps(firstAnswer.proxyJump, lookup, ctx, depth + 1) : [];
  const later = await Promise.all(rest.map(async (entry) => toHop(entry.host, await lookup(entry), ctx)));
  const hops = [...before, toHop(first.host, firstAnswer, ctx), ...later];
  if (hops.length > MAX_JUMPS) throw new UserError(`ProxyJump chains more than ${MAX_JUMPS} bastions (a loop in the ssh config?)`);
  return hops;
}

/** `[user@]host[:port]` or `ssh://[user@]host[:port]`, as ProxyJump accepts. */
export function parseJumpEntry(entry: string): SshQuery {
  const text = entry.trim().replace(/^ssh:\/\//, '').replace(/\/$/, '');
  const m = /^(?:([^@\s]+)@)?(\[[0-9A-Fa-f:.]+\]|[^:@\s[\]]+)(?::(\d{1,5}))?$/.exec(text);
  if (entry.includes('%') || !m || (m[3] !== undefined && (Number(m[3]) < 1 || Number(m[3]) > 65535))) {
    throw new UserError(`the ssh config's ProxyJump entry ${JSON.stringify(entry)} is not [user@]host[:port]${entry.includes('%') ? ' (% tokens in ProxyJump are not supported)' : ''}`);
  }
  return { host: m[2].replace(/^\[(.*)\]$/, '$1'), ...(m[1] ? { user: m[1] } : {}), ...(m[3] ? { port: Number(m[3]) } : {}) };
}

function toHop(alias: string, answer: SshResolution, ctx: TargetContext): SshHop {
  const tokens = { home: ctx.home, localUser: ctx.localUser, host: answer.hostname, port: answer.port, user: answer.user, alias, hostKeyAlias: answer.hostKeyAlias };
  const [knownHostsFile, ...extraKnownHostsFiles] = answer.userKnownHostsFiles.length > 0 ? answer.userKnownHostsFiles : [`${ctx.home}/.ssh/known_hosts`];
  return {
    alias,
    target: { host: answer.hostname, port: answer.port, user: answer.user },
    identityFiles: answer.identityFiles.map((f) => expandIdentityFile(f, tokens)).filter((f) => ctx.exists(f)),
    knownHostsFile,
    extraKnownHostsFiles,
    hostKeyAlias: answer.hostKeyAlias,
    readyTimeoutMs: answer.connectTimeout !== undefined ? answer.connectTimeout * 1000 : undefined,
    keepaliveIntervalMs: answer.serverAliveInterval > 0 ? answer.serverAliveInterval * 1000 : undefined,
    strictHostKeyChecking: answer.strictHostKeyChecking,
    proxyCommand: answer.proxyCommand,
  };
}

interface IdentityTokens {
  home: string;
  localUser: string;
  host: string;
  port: number;
  user: string;
  alias: string;
  hostKeyAlias?: string;
}

/**
 * `ssh -G` prints IdentityFile as written: `~` and the tokens ssh_config(5) lists for it are
 * expanded when OpenSSH loads the key, so we do the same here. An unknown token leaves the path
 * as it is, which then does not exist and is skipped.
 */
export function expandIdentityFile(path: string, t: IdentityTokens): string {
  const values: Record<string, string> = {
    '%': '%', d: t.home, h: t.host, p: String(t.port), r: t.user, u: t.localUser, n: t.alias, k: t.hostKeyAlias ?? t.alias,
  };
  return expandHome(path.replace(/%(.)/g, (all, c: string) => values[c] ?? all), t.home);
}
