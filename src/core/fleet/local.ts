/** The local side of the fleet: who is changing it, where its hosts really are, and the real side effects (FleetDeps). */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir, hostname, userInfo } from 'node:os';
import type { EnvironmentConfig } from '../config/types';
import type { PassphraseProvider } from '../ssh/auth';
import { connectTarget } from '../ssh/chain';
import { createSshLookup, type SshLookup } from '../ssh/openssh';
import { runRsync } from '../ssh/rsync';
import { rsyncOverConnection, type RsyncTransport } from '../ssh/upload';
import { expandHome, resolveTarget, type ResolvedTarget } from '../ssh/target';
import type { DeployIdentity, FleetDeps } from './types';

/** `Jane.Doe@Example.com` → `jane.doe_example.com`: safe as one path component. */
export function sanitizeDeveloper(who: string): string {
  const s = who.toLowerCase().replace(/[^a-z0-9._-]+/g, '_').replace(/^[._-]+/, '').slice(0, 64);
  return s === '' || /^\.+$/.test(s) ? 'developer' : s;
}

function gitEmail(cwd?: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile('git', ['config', 'user.email'], { cwd, timeout: 5000 }, (err, stdout) => resolve(err ? undefined : stdout.trim() || undefined));
  });
}

function osUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? 'unknown';
  }
}

export async function localIdentity(projectDir?: string): Promise<DeployIdentity> {
  const who = (await gitEmail(projectDir)) ?? osUser();
  return { who, developer: sanitizeDeveloper(who), localHost: hostname(), pid: process.pid };
}

export interface ResolveOptions {
  /** The OpenSSH client run as `ssh -G` (the editor passes phoenixDeploy.sshPath); default `ssh` on PATH. */
  sshBinary?: string;
  /** Expands `~` in deploy.yml's paths and in ssh config IdentityFiles; default the home directory. */
  home?: string;
  /** Replaces `ssh -G` (unit tests feed captured output). */
  lookup?: SshLookup;
}

/**
 * Resolves every host of an environment with OpenSSH (`ssh -G`, once per host and bastion for
 * this call), primary first. An unusable ssh config or ProxyJump entry is an error naming the host.
 */
export async function resolveTargets(environment: EnvironmentConfig, options: ResolveOptions = {}): Promise<ResolvedTarget[]> {
  const home = options.home ?? homedir();
  const written = environment.ssh.configFile;
  const configFile = written && written !== 'none' ? expandHome(written, home) : written;
  const lookup = options.lookup ?? createSshLookup({ configFile, sshBinary: options.sshBinary });
  const ctx = { home, localUser: osUser(), exists: (p: string) => existsSync(p) };
  const targets = await Promise.all(environment.hosts.map((h) => resolveTarget(h, environment.ssh, lookup, ctx, configFile)));
  return [...targets.filter((t) => t.primary), ...targets.filter((t) => !t.primary)];
}

/** The CLI's passphrase source; the editor passes one backed by SecretStorage instead. */
export function passphraseFromEnv(env: NodeJS.ProcessEnv = process.env): PassphraseProvider {
  return async () => env.PHOENIX_DEPLOY_KEY_PASSPHRASE;
}

export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(Object.assign(new Error('aborted'), { name: 'AbortError' }));
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(Object.assign(new Error('aborted'), { name: 'AbortError' }));
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

export function defaultDeps(opts: { agentSocket?: string; passphrase?: PassphraseProvider; rsyncTransport?: RsyncTransport }): FleetDeps {
  return {
    connect: (t, signal) => connectTarget(t, {
      agentSocket: opts.agentSocket ?? process.env.SSH_AUTH_SOCK, // the agent first, as OpenSSH does
      passphrase: opts.passphrase,
      signal,
    }),
    upload: (run, o) => (opts.rsyncTransport !== 'openssh' && o.connection ? rsyncOverConnection(run, o.connection, o) : runRsync(run, o)),
    now: () => new Date(),
    sleep,
  };
}

/** The side effects remote commands use: the real ones, with the caller's replacements (tests) on top. */
export function fleetDeps(options: { agentSocket?: string; passphrase?: PassphraseProvider; rsyncTransport?: RsyncTransport; deps?: Partial<FleetDeps> }): FleetDeps {
  return { ...defaultDeps(options), ...options.deps };
}
