/**
 * What the first-run UI tests start from: examples/shop (phx.new + phx.gen.release --docker,
 * Debian 13) as a git working copy of a local central repository, with no config/deploy.yml, and
 * fresh Debian 13 systemd + nginx hosts holding a test-made certificate for the domain (provisioned
 * as a user's hosts would be; nothing the extension does). Fetched through nginx with the site's
 * Host header and SNI, so "the site" is reached without a DNS name.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import * as https from 'node:https';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { removeProject } from '../support/cli';
import { REPO_ROOT } from '../support/paths';

export interface FirstRunHost {
  name: string;
  ssh: number;
  http: number;
  https: number;
}

export const DOMAIN = 'shop.example.test';
const SYSTEMD_HOSTS = path.join(REPO_ROOT, 'scripts', 'testbed', 'systemd-hosts.sh');
/** Debian 13 hosts; phx.new's endpoint binds on IPv6 any, so they get IPv6 (Docker turns it off in containers). */
const HOST_ENV = {
  SYSTEMD_HOST_IMAGE: 'local/phx-systemd-host:trixie',
  SYSTEMD_HOST_DOCKER_ARGS: '--sysctl net.ipv6.conf.all.disable_ipv6=0 --sysctl net.ipv6.conf.lo.disable_ipv6=0',
};
const GIT_ENV = { ...process.env, GIT_AUTHOR_NAME: 'Dev', GIT_AUTHOR_EMAIL: 'dev@example.test', GIT_COMMITTER_NAME: 'Dev', GIT_COMMITTER_EMAIL: 'dev@example.test' };

export const onHost = (h: FirstRunHost, script: string): string => execFileSync('docker', ['exec', h.name, 'sh', '-c', script], { encoding: 'utf8' }).trim();

/** A copy of examples/shop pushed to a bare "central" repository (deploy.yml's `repo: origin`). */
export function shopProject(prefix: string): { dir: string; cleanup(): void } {
  const work = mkdtempSync(path.join(tmpdir(), prefix));
  const dir = path.join(work, 'shop');
  cpSync(path.join(REPO_ROOT, 'examples', 'shop'), dir, { recursive: true, filter: (src) => !/[\\/](_build|deps)([\\/]|$)/.test(src) });
  rmSync(path.join(dir, 'config', 'deploy.yml'), { force: true });
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, env: GIT_ENV, stdio: 'pipe' });
  execFileSync('git', ['init', '-q', '--bare', '-b', 'main', path.join(work, 'central.git')]);
  git('init', '-q', '-b', 'main');
  git('remote', 'add', 'origin', path.join(work, 'central.git'));
  git('add', '-A');
  git('commit', '-q', '-m', 'mix phx.new shop && mix phx.gen.release --docker (modelled)');
  git('push', '-q', 'origin', 'main');
  return {
    dir,
    cleanup: () => {
      removeProject(dir);
      rmSync(work, { recursive: true, force: true });
    },
  };
}

/** Fresh hosts, each with a self-signed certificate for DOMAIN under /etc/ssl/shop. */
export function startHosts(hosts: FirstRunHost[]): void {
  for (const h of hosts) execFileSync('bash', [SYSTEMD_HOSTS, 'start', h.name, String(h.ssh), String(h.http), String(h.https)], { stdio: 'pipe', env: { ...process.env, ...HOST_ENV } });
  const certs = mkdtempSync(path.join(tmpdir(), 'pd25-tls-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', `/CN=${DOMAIN}`,
      '-keyout', path.join(certs, 'privkey.pem'), '-out', path.join(certs, 'fullchain.pem')], { stdio: 'pipe' });
    for (const h of hosts) {
      onHost(h, 'mkdir -p /etc/ssl/shop');
      for (const f of ['fullchain.pem', 'privkey.pem']) execFileSync('docker', ['cp', path.join(certs, f), `${h.name}:/etc/ssl/shop/${f}`]);
    }
  } finally {
    rmSync(certs, { recursive: true, force: true });
  }
}

export function stopHosts(hosts: FirstRunHost[]): void {
  execFileSync('bash', [SYSTEMD_HOSTS, 'stop', ...hosts.map((h) => h.name)], { stdio: 'pipe' });
}

/** GET through a host's published HTTPS port as a browser asking for https://DOMAIN would (the certificate is the test's own). */
export function siteGet(h: FirstRunHost, pathname = '/'): Promise<{ status: number; body: string; headers: Record<string, string> }> {
  return new Promise((resolve, reject) => {
    https.get({ host: '127.0.0.1', port: h.https, path: pathname, headers: { Host: DOMAIN }, servername: DOMAIN, rejectUnauthorized: false, agent: false }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: Object.fromEntries(Object.entries(res.headers).map(([k, v]) => [k, String(v)])) }));
    }).on('error', reject);
  });
}
