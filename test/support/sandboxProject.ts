import { execFileSync } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { REPO_ROOT } from './paths';
import { copyExample } from './workspace';

export interface SandboxHost {
  name: string;
  port: number;
  suite?: 'bookworm' | 'bullseye';
  primary?: boolean;
}

export interface SandboxProject {
  dir: string;
  central: string;
  hosts: SandboxHost[];
  /** Runs the bundled CLI in the project; returns stdout. */
  cli(...args: string[]): string;
  /** Commits a change and pushes it to the central repository. */
  commitAndPush(file: string, content: string, message: string): void;
  cleanup(): Promise<void>;
}

const HOSTS_SH = path.join(REPO_ROOT, 'scripts', 'testbed', 'hosts.sh');
const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.invalid', ...args], { cwd, stdio: 'pipe' });

/**
 * A copy of the example app that is a working copy of a local bare "central" repository, with
 * config/deploy.yml pointed at freshly started sandbox hosts on 127.0.0.1.
 */
export async function createSandboxProject(hosts: SandboxHost[], prefix = 'phx-sandbox-', containerPrefix?: string): Promise<SandboxProject> {
  const dir = await copyExample(prefix);
  const central = `${dir}.central.git`;
  // hosts.sh names the containers `<prefix><name>` (phx-sandbox- unless a suite brings its own).
  const env = containerPrefix === undefined ? process.env : { ...process.env, HOST_CONTAINER_PREFIX: containerPrefix };
  for (const h of hosts) execFileSync('bash', [HOSTS_SH, 'start', h.name, String(h.port), h.suite ?? 'bookworm', 'hello_phoenix'], { stdio: 'pipe', env });
  const configPath = path.join(dir, 'config', 'deploy.yml');
  const hostLines = hosts.map((h) => `      - { host: 127.0.0.1, port: ${h.port}${h.primary ? ', primary: true' : ''} }`).join('\n');
  const config = (await readFile(configPath, 'utf8')).replace(/    hosts:\n(      - .*\n)+/, `    hosts:\n${hostLines}\n`);
  await writeFile(configPath, config);
  execFileSync('git', ['init', '-q', '--bare', '-b', 'main', central]);
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', 'Example app');
  git(dir, 'remote', 'add', 'origin', central);
  git(dir, 'push', '-q', 'origin', 'main');
  return {
    dir, central, hosts,
    cli: (...args) => execFileSync(process.execPath, [path.join(REPO_ROOT, 'dist', 'cli.js'), ...args, '--cwd', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }),
    commitAndPush: (file, content, message) => {
      execFileSync('bash', ['-c', 'cat > "$1"', 'sh', path.join(dir, file)], { input: content });
      git(dir, 'commit', '-qam', message);
      git(dir, 'push', '-q', 'origin', 'main');
    },
    cleanup: async () => {
      execFileSync('bash', [HOSTS_SH, 'stop', ...hosts.map((h) => h.name)], { stdio: 'pipe', env });
      await rm(dir, { recursive: true, force: true });
      await rm(central, { recursive: true, force: true });
    },
  };
}

const SYSTEMD_HOSTS = path.join(REPO_ROOT, 'scripts', 'testbed', 'systemd-hosts.sh');

/** Starts a real systemd + nginx host and adds a `bluegreen` environment for it to the project's deploy.yml. */
export async function addSystemdEnvironment(project: SandboxProject, host: { name: string; ssh: number; http: number }): Promise<void> {
  execFileSync('bash', [SYSTEMD_HOSTS, 'start', host.name, String(host.ssh), String(host.http)], { stdio: 'pipe' });
  const file = path.join(project.dir, 'config', 'deploy.yml');
  const text = await readFile(file, 'utf8');
  const ssh = /^    ssh:\n(?:      .*\n)+/m.exec(text)?.[0] ?? '';
  await writeFile(file, `${text}  bluegreen:
    user: deploy
    deploy_to: /opt/hello_phoenix
    hosts:
      - { host: 127.0.0.1, port: ${host.ssh} }
    service: systemd
    strategy: blue_green
    ports: [4001, 4002]
    proxy: { listen: 80, server_name: shop.example.test }
    health: { path: /health, expect: 200, timeout: 30 }
    drain_timeout: 5
${ssh}`);
}

export function stopSystemdHost(name: string): void {
  execFileSync('bash', [SYSTEMD_HOSTS, 'stop', name], { stdio: 'pipe' });
}
