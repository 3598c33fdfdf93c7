/**
 * A freshly generated Phoenix app (examples/shop: phx.new + phx.gen.release --docker, Debian 13)
 * deploys on the first try to two fresh Debian 13 hosts with systemd and nginx, behind TLS from a
 * test-made certificate, through the bundled CLI only: init, setup, env set, deploy, then HTTPS 200
 * (test/support/shopFirstDeploy.ts, which the first-deploy bench runs too).
 * Then the app's own rel/env.sh.eex naming the node: refused before upload with the line and the
 * change, and once changed, two blue/green deploys in a row.
 *   npx tsc -p . && node scripts/bundle.mjs && node out/test/support/runLayer.js integration managed/phoenixApp
 */
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { removeProject, type CliRun } from '../../support/cli';
import { get } from '../../support/load';
import { SANDBOX_KEY, SANDBOX_KNOWN_HOSTS } from '../../support/paths';
import { httpsGet, nextSteps, shopFirstDeploy, ShopProject, SHOP_DATABASE_URL, SHOP_DOMAIN, startShopHosts, stopShopHosts, type ShopHost } from '../../support/shopFirstDeploy';
import { onHost, type ManagedTestHost } from './support';

const HOSTS: ShopHost[] = [{ name: 'pd21a-web1', ssh: 2600, http: 8600, https: 8640 }, { name: 'pd21a-web2', ssh: 2601, http: 8601, https: 8641 }];
const DOMAIN = SHOP_DOMAIN;
const D = '/opt/shop';
const WORK = mkdtempSync(join(tmpdir(), 'pd21a-phx-'));
const PROJECT = new ShopProject(WORK);
const cli = (...args: string[]): Promise<CliRun> => PROJECT.cli(...args);
const ok = (r: CliRun) => assert.equal(r.code, 0, `exit ${r.code}\n${r.stderr.slice(-4000)}\n${r.stdout.slice(-2000)}`);

const liveSlot = (h: ManagedTestHost) => onHost(h, `sed -n 's/^# live slot: *//p' /etc/nginx/phoenix-deploy/shop/upstream.conf | head -n 1`);
const releasesOn = (h: ManagedTestHost) => onHost(h, `ls ${D}/releases | sort`);
const commit = (message: string, files: Record<string, string>) => PROJECT.commit(message, files);

describe('a generated Phoenix 1.8 app on fresh Debian 13 systemd + nginx hosts, through the CLI (integration)', function () {
  this.timeout(900_000);

  before(() => startShopHosts(HOSTS));

  after(async () => {
    await stopShopHosts(HOSTS);
    removeProject(PROJECT.dir);
    rmSync(WORK, { recursive: true, force: true });
  });

  it('init, setup, env set, deploy: HTTPS answers 200 through nginx on both hosts, with the endpoint started by bin/server', async () => {
    assert.equal((await onHost(HOSTS[0], 'locale -a')).includes('en_US.utf8'), false, 'a fresh host lacks the final stage\'s locale');
    const dryRun = async () => {
      const dry = await cli('setup', '--env', 'production', '--admin', 'admin', '--dry-run');
      ok(dry);
      assert.match(dry.stdout, /packages from the final stage \(Dockerfile:\d+\): libstdc\+\+6 openssl libncurses6 locales ca-certificates/);
      assert.match(dry.stdout, /locales from the final stage \(Dockerfile:\d+\): en_US\.UTF-8/);
      assert.match(dry.stdout, /the launcher runs bin\/server \(the release has rel\/overlays\/bin\/server\)/);
      assert.match(dry.stdout, /unit environment LC_ALL=en_US\.UTF-8 \(Dockerfile:\d+\)/);
    };
    const first = await shopFirstDeploy(PROJECT, HOSTS, { beforeSetup: dryRun });

    // init: the managed blue/green environment, and exactly the steps this test then runs, in order.
    ok(first.init);
    assert.doesNotMatch(first.init.stderr, /warning:/, 'hosts and domain were given');
    assert.match(first.written, /^ {4}service: systemd/m);
    assert.match(first.written, /^ {4}strategy: blue_green/m);
    assert.match(first.written, /^ {6}server_name: shop\.example\.test$/m);
    assert.match(first.written, /^ {4}migrate: bin\/migrate/m);
    assert.match(first.written, /^ {4}os: debian-13/m);
    assert.match(first.written, /^ {6}- 127\.0\.0\.1:2600 .*\n {6}- 127\.0\.0\.1:2601$/m);
    assert.deepEqual(nextSteps(first.init.stdout), [
      'phoenix-deploy setup --admin <a user with sudo> --env production',
      'phoenix-deploy env set DATABASE_URL=… --env production',
      'phoenix-deploy env set SECRET_KEY_BASE --generate --env production',
      `phoenix-deploy env set PHX_HOST=${DOMAIN} --env production`,
      'phoenix-deploy deploy --env production',
    ]);
    // The only edit, two added lines: the sandbox's ssh key and known_hosts, and the test-made certificate; init's lines stay as written.
    const added = [
      '      tls: { certificate: /etc/ssl/shop/fullchain.pem, key: /etc/ssl/shop/privkey.pem, listen: 443 }',
      `    ssh: { identity_file: ${SANDBOX_KEY}, known_hosts: ${SANDBOX_KNOWN_HOSTS}, config_file: none }`,
    ];
    assert.deepEqual(first.edited.split('\n').filter((l) => !first.written.split('\n').includes(l)), added);
    assert.equal(first.edited.split('\n').filter((l) => !added.includes(l)).join('\n'), first.written);

    ok(first.setup);
    const result = JSON.parse(first.setup.stdout) as { hosts: Array<{ installed: string[]; localesGenerated: string[]; created: string[] }> };
    for (const h of result.hosts) {
      assert.deepEqual(h.installed, [], 'the test image has the packages already (and no network to fetch them)');
      assert.deepEqual(h.localesGenerated, ['en_US.UTF-8']);
      assert.ok(h.created.includes('/etc/phoenix-deploy/shop/release.env'));
    }
    for (const h of HOSTS) {
      assert.match(await onHost(h, 'locale -a'), /^en_US\.utf8$/m);
      // The launcher picks bin/server at start when the release has it (Distillery gets foreground).
      assert.match(await onHost(h, 'cat /etc/systemd/system/shop@.service'), /^ExecStart=\/bin\/sh \/etc\/phoenix-deploy\/shop\/launch \/opt\/shop\/slots\/%i$/m);
      // So PHX_SERVER in the BEAM (below) can only come from bin/server.
      assert.doesNotMatch(await onHost(h, 'cat /etc/phoenix-deploy/shop/release.env'), /PHX_SERVER/);
      assert.match(await onHost(h, 'cat /etc/phoenix-deploy/shop/release.env'), /^LANG=en_US\.UTF-8$/m);
    }
    assert.equal(first.env.length, 3);
    first.env.forEach(ok);
    assert.doesNotMatch(first.env.map((r) => r.stdout + r.stderr).join(''), /SECRET_KEY_BASE=\S/, 'the generated secret is never printed');
    const envFile = await onHost(HOSTS[1], `cat ${D}/shared/env`);
    assert.match(envFile, new RegExp(`^DATABASE_URL=${SHOP_DATABASE_URL}$`, 'm'));
    assert.match(envFile, /^SECRET_KEY_BASE=\S{64,}$/m);
    assert.match(envFile, new RegExp(`^PHX_HOST=${DOMAIN.replace(/\./g, '\\.')}$`, 'm'));

    ok(first.deploy);
    assert.deepEqual(first.statuses, [200, 200]);
    for (const h of HOSTS) {
      const page = await httpsGet(h.https);
      assert.equal(page.status, 200, page.body);
      assert.match(page.body, /Peace of mind from prototype to production/);
      assert.match(String(page.headers['strict-transport-security']), /max-age=/, 'the app saw X-Forwarded-Proto https');
      const css = /href="(\/assets\/css\/app-[0-9a-f]{32}\.css)"/.exec(page.body);
      assert.ok(css, 'the page links the digested stylesheet from cache_manifest.json');
      const asset = await httpsGet(h.https, css[1]);
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
        appendFileSync(join(PROJECT.dir, 'assets', 'css', 'app.css'), '\np { margin: 0; }\n');
        commit('Tighter paragraphs', {});
      }
      const deploy = await cli('deploy', '--env', 'production', '--yes');
      ok(deploy);
      slots.push(await liveSlot(HOSTS[0]));
      for (const h of HOSTS) assert.equal((await httpsGet(h.https)).status, 200);
    }
    assert.notEqual(slots[0], slots[1], 'the second deploy started the other slot while the first kept its name');
  });

  it('a final stage naming a package the hosts lack: setup shows it, runs apt-get for it alone, and reports apt-get\'s words with the Dockerfile line', async () => {
    const dockerfile = readFileSync(join(PROJECT.dir, 'Dockerfile'), 'utf8');
    // The RUN instruction that installs them starts the line before the package list.
    const line = dockerfile.split('\n').findIndex((l) => l.includes('libstdc++6 openssl libncurses6 locales ca-certificates'));
    writeFileSync(join(PROJECT.dir, 'Dockerfile'), dockerfile.replace('locales ca-certificates', 'locales ca-certificates jq'));
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
      writeFileSync(join(PROJECT.dir, 'Dockerfile'), dockerfile);
    }
  });
});
