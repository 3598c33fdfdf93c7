/**
 * Turns a configured host into what we connect to: deploy.yml first, then ~/.ssh/config for an
 * alias's HostName/Port/User/IdentityFile/UserKnownHostsFile, then OpenSSH's defaults. Pure.
 */
import type { HostConfig, SshConfig } from '../config/types';
import type { SshTarget } from './connection';
import { resolveSshHost, type SshConfigBlock } from './sshConfig';

export interface ResolvedTarget {
  /** The host as configured (`host:port`), used as the key in results. */
  key: string;
  target: SshTarget;
  primary: boolean;
  identityFile?: string;
  knownHostsFile: string;
  /** Set when ~/.ssh/config asks for a bastion, which is not supported yet. */
  proxyJump?: string;
}

export interface TargetContext {
  home: string;
  localUser: string;
  sshConfig: readonly SshConfigBlock[];
  /** Used to pick OpenSSH's default identity files. */
  exists(path: string): boolean;
}

const DEFAULT_IDENTITIES = ['id_ed25519', 'id_ecdsa', 'id_rsa'];

export function hostKey(host: HostConfig): string {
  return `${host.host}:${host.port}`;
}

export function resolveTarget(host: HostConfig, ssh: SshConfig, ctx: TargetContext): ResolvedTarget {
  const fromConfig = resolveSshHost(ctx.sshConfig, host.host.replace(/^\[(.*)\]$/, '$1'), ctx.home, ctx.localUser);
  const expand = (p: string) => (p.startsWith('~/') ? `${ctx.home}/${p.slice(2)}` : p);
  // deploy.yml's port wins unless it is the default 22 and ~/.ssh/config names another.
  const port = host.port !== 22 ? host.port : fromConfig.port ?? 22;
  const identityFile = ssh.identityFile
    ? expand(ssh.identityFile)
    : fromConfig.identityFiles.find((f) => ctx.exists(f)) ??
      DEFAULT_IDENTITIES.map((n) => `${ctx.home}/.ssh/${n}`).find((f) => ctx.exists(f));
  return {
    key: hostKey(host),
    target: { host: fromConfig.hostName ?? host.host, port, user: host.user },
    primary: host.primary,
    identityFile,
    knownHostsFile: ssh.knownHosts ? expand(ssh.knownHosts) : fromConfig.userKnownHostsFile ?? `${ctx.home}/.ssh/known_hosts`,
    proxyJump: fromConfig.proxyJump && fromConfig.proxyJump.toLowerCase() !== 'none' ? fromConfig.proxyJump : undefined,
  };
}
