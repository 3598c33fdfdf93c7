/**
 * A freshly generated Phoenix app (examples/shop: phx.new + phx.gen.release --docker, Debian 13)
 * deploys on the first try to two fresh Debian 13 hosts with systemd and nginx, behind TLS from a
 * test-made certificate, through the bundled CLI only: setup, env set, deploy, then HTTPS 200.
 * Then the app's own rel/env.sh.eex naming the node: refused before upload with the line and the
 * change, and once changed, two blue/green deploys in a row.
 *   npx tsc -p . && node scripts/bundle.mjs && node out/test/support/runLayer.js integration managed/phoenixApp
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { removeProject, runCli, type CliRun } from '../../support/cli';
import { get } from '../../support/load';
import { REPO_ROOT, SANDBOX_KEY, SANDBOX_KNOWN_HOSTS } from '../../support/paths';
import { onHost, run, startHosts, stopHosts, type ManagedTestHost } from './support';

const HOSTS: ManagedTestHost[] = [{ name: 'pd21a-web1', ssh: 2600, http: 8600, https: 8640 }, { name: 'pd21a-web2', ssh: 2601, http: 8601, https: 8641 }];
/** Debian 13 hosts; phx.new's endpoint binds on IPv6 any, so they get IPv6 (Docker turns it off in containers). */
const HOST_ENV = {
  SYSTEMD_HOST_IMAGE: 'local/phx-systemd-host:trixie',
  SYSTEMD_HOST_DOCKER_ARGS: '--sysctl net.ipv6.conf.all.disable_ipv6=0 --sysctl net.ipv6.conf.lo.disable_ipv6=0',
};
const DOMAIN = 'shop.example.test';
const D = '/opt/shop';
const WORK = mkdtempSync(join(tmpdir(), 'pd21a-phx-'));
const PROJECT = join(WORK, 'project');
const CACHE = join(WORK, 'cache');
const GIT_ENV = { ...process.env, GIT_AUTHOR_NAME: 'Dev', GIT_AUTHOR_EMAIL: 'dev@example.test', GIT_COMMITTER_NAME: 'Dev', GIT_COMMITTER_EMAIL: 'dev@example.test' };
const git = (...args: string[]) => execFileSync('git', args, { cwd: PROJECT, env: GIT_ENV, encoding: 'utf8' }).trim();
const cli = (...args: string[]): Promise<CliRun> => runCli(CACHE, [...args, '--cwd', PROJECT], undefined, 420_000);
const ok = (r: CliRun) => assert.equal(r.code, 0, `exit ${r.code}\n${r.stderr.slice(-4000)}\n${r.stdout.slice(-2000)}`);

// Written by hand for now: `phoenix-deploy init` (branch i21b) writes this environment; the lead switches the test to it.
const DEPLOY_YML = `app: shop
repo: origin
branch: main
build:
  dockerfile: Dockerfile
  target: builder
environments:
  production:
    user: deploy
    deploy_to: ${D}
    os: debian-13
    hosts:
${HOSTS.map((h) => `      - { host: 127.0.0.1, port: ${h.ssh} }`).join('\n')}
    migrate: bin/migrate
    service: systemd
    strategy: blue_green
    proxy:
      listen: 80
      server_name: ${DOMAIN}
      tls: { certificate: /etc/ssl/shop/fullchain.pem, key: /etc/ssl/shop/privkey.pem, listen: 443 }
    health: { path: /, expect: 200, timeout: 30 }
    drain_timeout: 2
    ssh: { identity_file: ${SANDBOX_KEY}, known_hosts: ${SANDBOX_KNOWN_HOSTS}, config_file: none }
`;

function httpsGet(port: number, path = '/'): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    https.get({ host: '127.0.0.1', port, path, headers: { Host: DOMAIN }, servername: DOMAIN, rejectUnauthorized: false, agent: false }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    }).on('error', reject);
  });
}

const liveSlot = (h: ManagedTestHost) => onHost(h, `sed -n 's/^# live slot: *//p' /etc/nginx/phoenix-deploy/shop/upstream.conf | head -n 1`);
const releasesOn = (h: ManagedTestHost) => onHost(h, `ls ${D}/releases | sort`);

function commit(message: string, files: Record<string, string>): void {
  for (const [file, text] of Object.entries(files)) writeFileSync(join(PROJECT, file), text);
  git('add', '-A');
  git('commit', '-q', '-m', message);
  git('push', '-q', 'origin', 'main');
}

describe('a generated Phoenix 1.8 app on fresh Debian 13 systemd + nginx hosts, through the CLI (integration)', function () {
  this.timeout(900_000);

  before(async () => {
    cpSync(join(REPO_ROOT, 'examples', 'shop'), PROJECT, { recursive: true });
    writeFileSync(join(PROJECT, 'config', 'deploy.yml'), DEPLOY_YML);
    execFileSync('git', ['init', '-q', '--bare', '-b', 'main', join(WORK, 'central.git')]);
    git('init', '-q', '-b', 'main');
    git('remote', 'add', 'origin', join(WORK, 'central.git'));
    commit('mix phx.new shop && mix phx.gen.release --docker (modelled)', {});
    await startHosts(HOSTS, HOST_ENV);
    const certs = mkdtempSync(join(tmpdir(), 'pd21a-tls-'));
    try {
      await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', `/CN=${DOMAIN}`,
        '-keyout', join(certs, 'privkey.pem'), '-out', join(certs, 'fullchain.pem')]);
      for (const h of HOSTS) {
        await onHost(h, 'mkdir -p /etc/ssl/shop');
        for (const f of ['fullchain.pem', 'privkey.pem']) await run('docker', ['cp', join(certs, f), `${h.name}:/etc/ssl/shop/${f}`]);
      }
    } finally {
      rmSync(certs, { recursive: true, force: true });
    }
  });

  after(async () => {
    await stopHosts(HOSTS);
    removeProject(PROJECT);
    rmSync(WORK, { recursive: true, force: true });
  });

  it('setup, env set, deploy: HTTPS answers 200 through nginx on both hosts, with the endpoint started by bin/server', async () => {
    assert.equal((await onHost(HOSTS[0], 'locale -a')).includes('en_US.utf8'), false, 'a fresh host lacks the final stage\'s locale');
    const dry = await cli('setup', '--env', 'production', '--admin', 'admin', '--dry-run');
    ok(dry);
    assert.match(dry.stdout, /packages from the final stage \(Dockerfile:\d+\): libstdc\+\+6 openssl libncurses6 locales ca-certificates/);
    assert.match(dry.stdout, /locales from the final stage \(Dockerfile:\d+\): en_US\.UTF-8/);
    assert.match(dry.stdout, /ExecStart runs bin\/server \(the release has rel\/overlays\/bin\/server\)/);
    assert.match(dry.stdout, /unit environment LC_ALL=en_US\.UTF-8 \(Dockerfile:\d+\)/);

    const setup = await cli('setup', '--env', 'production', '--admin', 'admin', '--yes', '--json');
    ok(setup);
    const result = JSON.parse(setup.stdout) as { hosts: Array<{ installed: string[]; localesGenerated: string[]; created: string[] }> };
    for (const h of result.hosts) {
      assert.deepEqual(h.installed, [], 'the test image has the packages already (and no network to fetch them)');
      assert.deepEqual(h.localesGenerated, ['en_US.UTF-8']);
      assert.ok(h.created.includes('/etc/phoenix-deploy/shop/release.env'));
    }
    for (const h of HOSTS) {
      assert.match(await onHost(h, 'locale -a'), /^en_US\.utf8$/m);
      assert.match(await onHost(h, 'cat /etc/systemd/system/shop@.service'), /^ExecStart=\/opt\/shop\/slots\/%i\/bin\/server$/m);
      assert.match(await onHost(h, 'cat /etc/phoenix-deploy/shop/release.env'), /^LANG=en_US\.UTF-8$/m);
    }

    // `env set SECRET_KEY_BASE --generate` comes with branch i21b; until then the value is made here, as mix phx.gen.secret would.
    ok(await cli('env', 'set', 'DATABASE_URL=ecto://shop:secret@db.internal/shop_prod', '--env', 'production', '--yes'));
    ok(await cli('env', 'set', `SECRET_KEY_BASE=${randomBytes(64).toString('base64')}`, '--env', 'production', '--yes'));
    ok(await cli('env', 'set', `PHX_HOST=${DOMAIN}`, '--env', 'production', '--yes'));

    const deploy = await cli('deploy', '--env', 'production', '--yes');
    ok(deploy);
    for (const h of HOSTS) {
      const page = await httpsGet(h.https!);
      assert.equal(page.status, 200, page.body);
      assert.match(page.body, /Peace of mind from prototype to production/);
      assert.match(String(page.headers['strict-transport-security']), /max-age=/, 'the app saw X-Forwarded-Proto https');
      const css = /href="(\/assets\/css\/app-[0-9a-f]{32}\.css)"/.exec(page.body);
      assert.ok(css, 'the page links the digested stylesheet from cache_manifest.json');
      const asset = await httpsGet(h.https!, css[1]);
      assert.equal(asset.status, 200);
      assert.match(String(asset.headers['cache-control']), /immutable/);
      assert.equal((await get(h.http, DOMAIN, '/')).status, 301, 'plain HTTP is redirected to https');
      const slot = await liveSlot(h);
      const journal = await onHost(h, `journalctl -u shop@${slot}.service --no-pager -o cat`);
      assert.match(journal, /Running ShopWeb\.Endpoint with :inets httpd at :::400[12] \(http\)/);
      assert.doesNotMatch(journal, /Configuration :server was not enabled/);
      const pid = await onHost(h, `systemctl show -p MainPID --value shop@${slot}.service`);
      assert.equal(await onHost(h, `su deploy -s /bin/sh -c "tr '\\\\0' '\\\\n' < /proc/${pid}/environ" | grep -E '^(LC_ALL|PHX_SERVER)=' | sort`),
        'LC_ALL=en_US.UTF-8\nPHX_SERVER=true', 'the final stage\'s ENV and bin/server\'s PHX_SERVER reach the BEAM');
    }
  });

  it('rel/env.sh.eex naming the node: refused before upload with the line and the change; once changed, two deploys in a row succeed', async () => {
    const named = 'export RELEASE_DISTRIBUTION=name\nexport RELEASE_NODE=<%= @release.name %>@127.0.0.1\n';
    commit('Name the node (as many public projects do)', { 'rel/env.sh.eex': named });
    const check = await cli('check', '--env', 'production');
    assert.match(check.stdout + check.stderr, /rel\/env\.sh\.eex:2:21/);
    const before = await Promise.all(HOSTS.map(releasesOn));
    const refused = await cli('deploy', '--env', 'production', '--yes');
    assert.equal(refused.code, 1, refused.stderr);
    assert.match(refused.stderr, /rel\/env\.sh\.eex:2: export RELEASE_NODE=<%= @release\.name %>@127\.0\.0\.1\n\s+change it to: export RELEASE_NODE="\$\{RELEASE_NODE:-<%= @release\.name %>@127\.0\.0\.1\}"/);
    assert.match(refused.stderr, /rel\/env\.sh\.eex:1: export RELEASE_DISTRIBUTION=name\n\s+change it to: export RELEASE_DISTRIBUTION="\$\{RELEASE_DISTRIBUTION:-name\}"/);
    assert.match(refused.stderr, /Nothing was uploaded/);
    assert.deepEqual(await Promise.all(HOSTS.map(releasesOn)), before, 'no release reached any host');

    commit('Let the slot name the node', { 'rel/env.sh.eex': 'export RELEASE_DISTRIBUTION="${RELEASE_DISTRIBUTION:-name}"\nexport RELEASE_NODE="${RELEASE_NODE:-<%= @release.name %>@127.0.0.1}"\n' });
    const slots: string[] = [];
    for (const n of [1, 2]) {
      if (n === 2) {
        appendFileSync(join(PROJECT, 'assets', 'css', 'app.css'), '\np { margin: 0; }\n');
        commit('Tighter paragraphs', {});
      }
      const deploy = await cli('deploy', '--env', 'production', '--yes');
      ok(deploy);
      slots.push(await liveSlot(HOSTS[0]));
      for (const h of HOSTS) assert.equal((await httpsGet(h.https!)).status, 200);
    }
    assert.notEqual(slots[0], slots[1], 'the second deploy started the other slot while the first kept its name');
  });

  it('a final stage naming a package the hosts lack: setup shows it, runs apt-get for it alone, and reports apt-get\'s words with the Dockerfile line', async () => {
    const dockerfile = readFileSync(join(PROJECT, 'Dockerfile'), 'utf8');
    // The RUN instruction that installs them starts the line before the package list.
    const line = dockerfile.split('\n').findIndex((l) => l.includes('libstdc++6 openssl libncurses6 locales ca-certificates'));
    writeFileSync(join(PROJECT, 'Dockerfile'), dockerfile.replace('locales ca-certificates', 'locales ca-certificates jq'));
    try {
      const dry = await cli('setup', '--env', 'production', '--admin', 'admin', '--dry-run');
      ok(dry);
      assert.match(dry.stdout, /sudo -n sh -c [\s\S]*?apt-get install -y --no-install-recommends -- "\$@"[\s\S]*? sh libstdc\+\+6 openssl libncurses6 locales ca-certificates jq  # only the missing ones/);
      const setup = await cli('setup', '--env', 'production', '--admin', 'admin', '--yes');
      assert.equal(setup.code, 1, setup.stderr);
      assert.match(setup.stdout + setup.stderr, /install jq \(apt-get; Dockerfile's final stage installs them\)/, 'the preview names only the missing package');
      assert.match(setup.stderr, new RegExp(`127\\.0\\.0\\.1:2600 lacks jq, which the final stage of Dockerfile installs \\(line ${line}\\), and apt-get could not install them: ` +
        'apt-get install jq failed on 127\\.0\\.0\\.1:2600 \\(exit 100\\)[\\s\\S]*Unable to locate package jq'));
      for (const h of HOSTS) assert.equal(await onHost(h, 'dpkg -s jq >/dev/null 2>&1 && echo installed || echo absent'), 'absent');
    } finally {
      writeFileSync(join(PROJECT, 'Dockerfile'), dockerfile);
    }
  });
});
