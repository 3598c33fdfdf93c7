/**
 * A second route to a started sandbox host, through a bastion, for benchmarks: the bastion is
 * published on 127.0.0.1 and shares a Docker network created with --internal with the host
 * (scripts/testbed/hosts.sh). An ssh config names both; the host's alias jumps. The same host,
 * release cache and app on both routes, so a comparison measures the route and nothing else.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import type { EnvironmentConfig } from '../../src/core/config/types';
import { APP, containerOf, environment, hostsScript as hosts, KEY, type BenchHost } from './sandbox';

const run = promisify(execFile);

export interface BastionRoute {
  /** The host's ssh config alias (what deploy.yml lists). */
  alias: string;
  /** An environment whose one host is reached through the bastion (ssh.config_file). */
  environment: EnvironmentConfig;
  stop(): Promise<void>;
}

/** Starts `bastion` (fresh, published on its port) and puts it and the running `behind` on an internal network. */
export async function startBastionRoute(bastion: BenchHost, behind: BenchHost): Promise<BastionRoute> {
  const net = `${behind.name}-net`;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pd-bench-bastion-'));
  const stop = async () => {
    await hosts('stop', bastion.name).catch(() => undefined);
    await run('docker', ['network', 'disconnect', '-f', net, containerOf(behind)]).catch(() => undefined);
    await hosts('rm-network', net).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await hosts('network', net);
    await hosts('start', bastion.name, String(bastion.port), 'bookworm', APP);
    await Promise.all([hosts('attach', bastion.name, net), hosts('attach', behind.name, net)]);
    const [bastionKey, behindKey] = await Promise.all([hosts('host-key', bastion.name), hosts('host-key', behind.name)]);
    const knownHosts = path.join(dir, 'known_hosts');
    writeFileSync(knownHosts, `[127.0.0.1]:${bastion.port} ${bastionKey.stdout.trim()}\n${behind.name} ${behindKey.stdout.trim()}\n`);
    const config = path.join(dir, 'ssh_config');
    writeFileSync(config, `Host bench-bastion\n  HostName 127.0.0.1\n  Port ${bastion.port}\n  User deploy\nHost bench-behind\n  HostName ${behind.name}\n  ProxyJump bench-bastion\n` +
      `Host *\n  IdentityFile ${KEY}\n  UserKnownHostsFile ${knownHosts}\n`);
    const env = environment([], { ssh: { configFile: config }, hosts: [{ host: 'bench-behind', primary: true }] });
    return { alias: 'bench-behind', environment: env, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
