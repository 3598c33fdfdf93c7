/**
 * A sandbox host reachable only through a bastion, for benchmarks: the host on a Docker network
 * created with --internal (no published port), the bastion published on 127.0.0.1 and attached to
 * that network (scripts/testbed/hosts.sh). An ssh config names both; the host's alias jumps.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import type { EnvironmentConfig } from '../../src/core/config/types';
import { APP, environment, KEY, REPO, type BenchHost } from './sandbox';

const run = promisify(execFile);
const HOSTS_SH = path.join(REPO, 'scripts', 'testbed', 'hosts.sh');
const hosts = (...args: string[]) => run('bash', [HOSTS_SH, ...args]);

export interface BastionSandbox {
  /** The host's ssh config alias (what deploy.yml lists). */
  alias: string;
  /** An environment whose one host is reached through the bastion (ssh.config_file). */
  environment: EnvironmentConfig;
  stop(): Promise<void>;
}

/** Starts `bastion` (published on its port) and `behind` (internal network only), both fresh. */
export async function startBastionSandbox(bastion: BenchHost, behind: string): Promise<BastionSandbox> {
  const net = `${behind}-net`;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pd-bench-bastion-'));
  const stop = async () => {
    await hosts('stop', bastion.name, behind).catch(() => undefined);
    await hosts('rm-network', net).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await hosts('network', net);
    await Promise.all([hosts('start', bastion.name, String(bastion.port), 'bookworm', APP), hosts('start-internal', behind, net, 'bookworm', APP)]);
    await hosts('attach', bastion.name, net);
    const [bastionKey, behindKey] = await Promise.all([hosts('host-key', bastion.name), hosts('host-key', behind)]);
    const knownHosts = path.join(dir, 'known_hosts');
    writeFileSync(knownHosts, `[127.0.0.1]:${bastion.port} ${bastionKey.stdout.trim()}\n${behind} ${behindKey.stdout.trim()}\n`);
    const config = path.join(dir, 'ssh_config');
    writeFileSync(config, `Host bench-bastion\n  HostName 127.0.0.1\n  Port ${bastion.port}\n  User deploy\nHost bench-behind\n  HostName ${behind}\n  ProxyJump bench-bastion\n` +
      `Host *\n  IdentityFile ${KEY}\n  UserKnownHostsFile ${knownHosts}\n`);
    const env = environment([], { ssh: { configFile: config }, hosts: [{ host: 'bench-behind', primary: true }] });
    return { alias: 'bench-behind', environment: env, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
