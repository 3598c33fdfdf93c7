/**
 * examples/shop's first deploy as a user makes it, through the bundled CLI only: `init`, then the
 * sandbox's edit (below), `setup`, `env set` for what init's next steps name, `deploy`, and waiting
 * for HTTPS 200 through nginx. Shared by the end-to-end test (which asserts on every output) and
 * `npm run bench -- first-deploy` (which times each phase), so both run the same commands.
 */
import { execFile, execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { runCli, type CliRun } from './cli';
import { REPO_ROOT, SANDBOX_KEY, SANDBOX_KNOWN_HOSTS } from './paths';

const run = promisify(execFile);
const SCRIPT = join(REPO_ROOT, 'scripts', 'testbed', 'systemd-hosts.sh');

export const SHOP_DOMAIN = 'shop.example.test';
export const SHOP_DATABASE_URL = 'ecto://shop:secret@db.internal/shop_prod';
/** Where the hosts keep the test-made certificate (the edit points proxy.tls at it). */
const TLS_DIR = '/etc/ssl/shop';

export interface ShopHost { name: string; ssh: number; http: number; https: number }

/** Debian 13 systemd + nginx hosts; phx.new's endpoint binds on IPv6 any, so they get IPv6 (Docker turns it off in containers). */
const HOST_ENV = {
  SYSTEMD_HOST_IMAGE: 'local/phx-systemd-host:trixie',
  SYSTEMD_HOST_DOCKER_ARGS: '--sysctl net.ipv6.conf.all.disable_ipv6=0 --sysctl net.ipv6.conf.lo.disable_ipv6=0',
};

/** Fresh hosts, each holding one test-made certificate for SHOP_DOMAIN in TLS_DIR. */
export async function startShopHosts(hosts: readonly ShopHost[]): Promise<void> {
  await Promise.all(hosts.map((h) => run('bash', [SCRIPT, 'start', h.name, String(h.ssh), String(h.http), String(h.https)], { env: { ...process.env, ...HOST_ENV } })));
  const certs = mkdtempSync(join(tmpdir(), 'pd-shop-tls-'));
  try {
    await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', `/CN=${SHOP_DOMAIN}`,
      '-keyout', join(certs, 'privkey.pem'), '-out', join(certs, 'fullchain.pem')]);
    for (const h of hosts) {
      await run('docker', ['exec', h.name, 'mkdir', '-p', TLS_DIR]);
      for (const f of ['fullchain.pem', 'privkey.pem']) await run('docker', ['cp', join(certs, f), `${h.name}:${TLS_DIR}/${f}`]);
    }
  } finally {
    rmSync(certs, { recursive: true, force: true });
  }
}

export async function stopShopHosts(hosts: readonly ShopHost[]): Promise<void> {
  await run('bash', [SCRIPT, 'stop', ...hosts.map((h) => h.name)]);
}

const GIT_ENV = { ...process.env, GIT_AUTHOR_NAME: 'Dev', GIT_AUTHOR_EMAIL: 'dev@example.test', GIT_COMMITTER_NAME: 'Dev', GIT_COMMITTER_EMAIL: 'dev@example.test' };

/** A git repository holding examples/shop as `mix phx.new` + `phx.gen.release --docker` leave it, pushed to a bare central repository. */
export class ShopProject {
  readonly dir: string;
  readonly cache: string;
  constructor(readonly work: string) {
    this.dir = join(work, 'project');
    this.cache = join(work, 'cache');
    cpSync(join(REPO_ROOT, 'examples', 'shop'), this.dir, { recursive: true });
    execFileSync('git', ['init', '-q', '--bare', '-b', 'main', join(work, 'central.git')]);
    this.git('init', '-q', '-b', 'main');
    this.git('remote', 'add', 'origin', join(work, 'central.git'));
    this.commit('mix phx.new shop && mix phx.gen.release --docker (modelled)', {});
  }

  git(...args: string[]): string {
    return execFileSync('git', args, { cwd: this.dir, env: GIT_ENV, encoding: 'utf8' }).trim();
  }

  commit(message: string, files: Record<string, string>): void {
    for (const [file, text] of Object.entries(files)) writeFileSync(join(this.dir, file), text);
    this.git('add', '-A');
    this.git('commit', '-q', '-m', message);
    this.git('push', '-q', 'origin', 'main');
  }

  cli(...args: string[]): Promise<CliRun> {
    return runCli(this.cache, [...args, '--cwd', this.dir], undefined, 420_000);
  }
}

/**
 * The one edit to init's file (two added lines): what a user's ~/.ssh/config and certificate would
 * give. OpenSSH reads the account's ~/.ssh/config whatever $HOME says, so the sandbox key and
 * known_hosts go in the environment's `ssh:`; init writes no `tls:` (a user adds their certificate
 * or `tls: auto`), so proxy.tls names the test-made certificate. Text, not YAML: init's lines stay byte for byte.
 */
export function sandboxEdit(initText: string): string {
  const serverName = /^ {6}server_name: .*\n/m;
  if (!serverName.test(initText) || !initText.endsWith('    keep_releases: 5\n')) throw new Error(`init's file no longer has the shape this edit expects:\n${initText}`);
  return initText.replace(serverName, (line) => `${line}      tls: { certificate: ${TLS_DIR}/fullchain.pem, key: ${TLS_DIR}/privkey.pem, listen: 443 }\n`)
    + `    ssh: { identity_file: ${SANDBOX_KEY}, known_hosts: ${SANDBOX_KNOWN_HOSTS}, config_file: none }\n`;
}

export function httpsGet(port: number, path = '/'): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    https.get({ host: '127.0.0.1', port, path, headers: { Host: SHOP_DOMAIN }, servername: SHOP_DOMAIN, rejectUnauthorized: false, agent: false }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    }).on('error', reject);
  });
}

/** Polls every host's HTTPS port until each answers 200 (or `limitMs` passes); the statuses last seen. */
export async function waitForHttps200(hosts: readonly ShopHost[], limitMs = 30_000): Promise<number[]> {
  const until = Date.now() + limitMs;
  for (;;) {
    const statuses = await Promise.all(hosts.map((h) => httpsGet(h.https).then((r) => r.status, () => 0)));
    if (statuses.every((s) => s === 200) || Date.now() > until) return statuses;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The commands init printed as next steps, without their comments. */
export function nextSteps(initStdout: string): string[] {
  const block = initStdout.split('Next, in order:\n')[1] ?? '';
  return block.split('\n').map((l) => /^\s+\d+\. (.*?)(?:\s+#.*)?$/.exec(l)?.[1]).filter((s): s is string => s !== undefined);
}

export type Phase = 'init' | 'build' | 'setup' | 'env' | 'deploy' | 'first 200';
export interface FirstDeployRun {
  init: CliRun;
  /** init's file, and what the sandbox edit made of it. */
  written: string;
  edited: string;
  build?: CliRun;
  setup: CliRun;
  env: CliRun[];
  deploy: CliRun;
  statuses: number[];
  ms: Partial<Record<Phase, number>>;
}

/**
 * init → (build, when `buildFirst`: the bench times it apart) → setup → env set ×3 → deploy → HTTPS 200.
 * Stops at the first command that fails and returns what ran; `beforeSetup` sees the project first.
 */
export async function shopFirstDeploy(project: ShopProject, hosts: readonly ShopHost[], opts: { buildFirst?: boolean; beforeSetup?: () => Promise<void> } = {}): Promise<FirstDeployRun> {
  const ms: FirstDeployRun['ms'] = {};
  const timed = async <T>(phase: Phase, fn: () => Promise<T>): Promise<T> => {
    const t0 = Date.now();
    try {
      return await fn();
    } finally {
      ms[phase] = (ms[phase] ?? 0) + Date.now() - t0;
    }
  };
  const env = 'production';
  const configFile = join(project.dir, 'config', 'deploy.yml');
  const init = await timed('init', () => project.cli('init', '--env', env, ...hosts.flatMap((h) => ['--host', `127.0.0.1:${h.ssh}`]), '--domain', SHOP_DOMAIN, '--yes'));
  const partial = { init, written: '', edited: '', setup: init, env: [], deploy: init, statuses: [], ms };
  if (init.code !== 0) return partial;
  const written = readFileSync(configFile, 'utf8');
  const edited = sandboxEdit(written);
  writeFileSync(configFile, edited);
  let build: CliRun | undefined;
  if (opts.buildFirst) {
    build = await timed('build', () => project.cli('build'));
    if (build.code !== 0) return { ...partial, written, edited, build, setup: build, deploy: build };
  }
  await opts.beforeSetup?.();
  const setup = await timed('setup', () => project.cli('setup', '--env', env, '--admin', 'admin', '--yes', '--json'));
  if (setup.code !== 0) return { ...partial, written, edited, build, setup, deploy: setup };
  const envRuns: CliRun[] = [];
  for (const args of [[`DATABASE_URL=${SHOP_DATABASE_URL}`], ['SECRET_KEY_BASE', '--generate'], [`PHX_HOST=${SHOP_DOMAIN}`]]) {
    const r = await timed('env', () => project.cli('env', 'set', ...args, '--env', env, '--yes'));
    envRuns.push(r);
    if (r.code !== 0) return { ...partial, written, edited, build, setup, env: envRuns, deploy: r };
  }
  const deploy = await timed('deploy', () => project.cli('deploy', '--env', env, '--yes'));
  const statuses = deploy.code === 0 ? await timed('first 200', () => waitForHttps200(hosts)) : [];
  return { init, written, edited, build, setup, env: envRuns, deploy, statuses, ms };
}
