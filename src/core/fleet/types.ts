/** Who changes the fleet, how its hosts are reached, and the side effects: what every remote command (deploy, setup, env, logs, node, check) is given. */
import type { EnvironmentConfig } from '../config/types';
import type { PassphraseProvider } from '../ssh/auth';
import type { SshConnection } from '../ssh/connection';
import type { RsyncRun, RsyncStats } from '../ssh/rsync';
import type { RsyncTransport } from '../ssh/upload';
import type { ResolvedTarget } from '../ssh/target';

/** Who is changing the fleet, for the lock, deploys.log and the per-developer cache. */
export interface DeployIdentity {
  /** git user.email or the OS user. */
  who: string;
  /** `who`, sanitised to [a-z0-9._-]: the cache directory name. */
  developer: string;
  /** This machine's host name. */
  localHost: string;
  pid: number;
}

/** Side effects, injectable for tests. */
export interface FleetDeps {
  connect(target: ResolvedTarget, signal: AbortSignal): Promise<SshConnection>;
  /** rsync to a host; `connection` is that host's open ssh2 connection (for the tunnel transport). */
  upload(run: RsyncRun, opts: { signal?: AbortSignal; onOutput?(text: string): void; connection?: SshConnection }): Promise<RsyncStats>;
  now(): Date;
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

export interface RemoteOptions {
  environment: EnvironmentConfig;
  /** The release name (config `app`, else mix.exs): names the units of a `service: systemd` host. */
  app?: string;
  /** Resolved hosts (see resolveTargets); the primary is first. */
  targets: ResolvedTarget[];
  /** The project (where config/deploy.yml is): local hooks run there. */
  projectDir?: string;
  identity: DeployIdentity;
  /** Default: SSH_AUTH_SOCK. */
  agentSocket?: string;
  passphrase?: PassphraseProvider;
  /** `tunnel` (default): rsync through our ssh2 connection; `openssh`: rsync's own ssh with the same checks. */
  rsyncTransport?: RsyncTransport;
  /** Side effects (SSH, rsync, clock), replaced in tests. */
  deps?: Partial<FleetDeps>;
}
