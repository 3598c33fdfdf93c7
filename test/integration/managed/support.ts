/** Real systemd + nginx hosts (scripts/testbed/systemd-hosts.sh) for setup and blue/green tests. */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { EnvironmentConfig } from '../../../src/core/config/types';
import { resolveTargets } from '../../../src/core/fleet/local';
import type { DeployOptions, ReleaseToDeploy } from '../../../src/core/deploy';
import type { SetupOptions, SetupPreview } from '../../../src/core/setup';
import { REPO_ROOT, SANDBOX_KEY, SANDBOX_KNOWN_HOSTS } from '../../support/paths';

export const run = promisify(execFile);
const SCRIPT = join(REPO_ROOT, 'scripts', 'testbed', 'systemd-hosts.sh');
export const D = '/opt/hello_phoenix';
export const SERVER_NAME = 'shop.example.test';
export const HOME = mkdtempSync(join(tmpdir(), 'pd11-home-')); // no ~/.ssh/config of the machine

export interface ManagedTestHost {
  name: string;
  ssh: number;
  http: number;
  https?: number;
}

const started = new Set<string>();
process.on('exit', () => {
  if (started.size > 0) require('node:child_process').spawnSync('bash', [SCRIPT, 'stop', ...started], { stdio: 'ignore' });
  rmSync(HOME, { recursive: true, force: true });
});

/** `env` reaches systemd-hosts.sh: SYSTEMD_HOST_IMAGE (e.g. the trixie host), SYSTEMD_HOST_DOCKER_ARGS. */
export async function startHosts(hosts: ManagedTestHost[], env: Record<string, string> = {}): Promise<void> {
  await Promise.all(hosts.map(async (h) => {
    await run('bash', [SCRIPT, 'start', h.name, String(h.ssh), String(h.http), ...(h.https ? [String(h.https)] : [])], { env: { ...process.env, ...env } });
    started.add(h.name);
  }));
}

export async function stopHosts(hosts: ManagedTestHost[]): Promise<void> {
  await run('bash', [SCRIPT, 'stop', ...hosts.map((h) => h.name)]);
  for (const h of hosts) started.delete(h.name);
}

/** Runs a script as root inside the host (never over SSH). */
export async function onHost(h: ManagedTestHost, script: string): Promise<string> {
  const { stdout } = await run('docker', ['exec', h.name, 'sh', '-c', script]);
  return stdout.trim();
}

export function environment(hosts: ManagedTestHost[], overrides: Partial<EnvironmentConfig> = {}): EnvironmentConfig {
  return {
    name: 'production', user: 'deploy', deployTo: D, os: 'debian-12',
    hosts: hosts.map((h, i) => ({ host: '127.0.0.1', port: h.ssh, user: 'deploy', primary: i === 0 })),
    migrate: ['bin/migrate'],
    service: 'systemd', strategy: 'blue_green', ports: [4001, 4002], drainTimeout: 10,
    proxy: { listen: 80, serverName: SERVER_NAME },
    health: { path: '/health', expect: 200, timeout: 20 },
    keepReleases: 3, ssh: { identityFile: SANDBOX_KEY, knownHosts: SANDBOX_KNOWN_HOSTS, configFile: 'none' }, ...overrides,
  };
}

export const identity = { who: 'managed@example.com', developer: 'managed_example.com', localHost: 'pd11-suite', pid: process.pid };

export async function deployOptions(env: EnvironmentConfig, release: ReleaseToDeploy): Promise<DeployOptions> {
  return { environment: env, app: 'hello_phoenix', targets: await resolveTargets(env, { home: HOME }), release, identity, healthIntervalMs: 300 };
}

export async function remote(env: EnvironmentConfig) {
  return { environment: env, app: 'hello_phoenix', targets: await resolveTargets(env, { home: HOME }), identity };
}

/** Setup as `admin` (sudo -n ALL on the test image); `answers` records every preview it was asked about. */
export async function setupOptions(env: EnvironmentConfig, answers: SetupPreview[] = [], extra: Partial<SetupOptions> = {}): Promise<SetupOptions> {
  return {
    ...(await remote(env)), admin: 'admin',
    confirm: async (preview) => {
      answers.push(preview);
      return true;
    },
    ...extra,
  };
}
