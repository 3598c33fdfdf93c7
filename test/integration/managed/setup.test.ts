/**
 * `setup` on real systemd + nginx hosts: the refusal without sudo rights, idempotence, a hand-edited
 * site, TLS with a self-signed certificate, and the restart strategy on the unit setup installs.
 *   npx tsc -p . && node out/test/support/runLayer.js integration managed/setup
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import * as https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDeploy } from '../../../src/core/deploy';
import { runSetup, type SetupPreview } from '../../../src/core/setup';
import { get } from '../../support/load';
import { release, releases } from '../faults/support';
import { D, SERVER_NAME, deployOptions, environment, onHost, run, setupOptions, startHosts, stopHosts, type ManagedTestHost } from './support';

const HOST: ManagedTestHost = { name: 'pd11-setup1', ssh: 2445, http: 8045, https: 8445 };
const RESTART: ManagedTestHost = { name: 'pd11-restart1', ssh: 2446, http: 8046 };
const never = new AbortController().signal;
const SITE = '/etc/nginx/sites-available/hello_phoenix';
/** Everything setup could touch, with contents: to prove a refused run changed nothing. */
const snapshot = (h: ManagedTestHost) => onHost(h, 'find /etc/systemd/system /etc/sudoers.d /etc/nginx /etc/phoenix-deploy /opt -xdev 2>/dev/null | sort | xargs -d "\\n" sha256sum 2>/dev/null | sha256sum; ls -la /opt');

function httpsGet(port: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    https.get({ host: '127.0.0.1', port, path: '/health', headers: { Host: SERVER_NAME }, servername: SERVER_NAME, rejectUnauthorized: false, agent: false }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: body.trim() }));
    }).on('error', reject);
  });
}

describe('setup on real systemd + nginx hosts (integration)', function () {
  this.timeout(600_000);
  const env = environment([HOST]);

  before(() => startHosts([HOST, RESTART]));
  after(() => stopHosts([HOST, RESTART]));

  it('refuses before changing anything when the user may not sudo -n, naming the user and the right', async () => {
    const before = await snapshot(HOST);
    const result = await runSetup({ ...(await setupOptions(env)), admin: undefined }, () => undefined, never);
    assert.equal(result.ok, false);
    assert.equal(result.failedStep, 'rights');
    assert.match(result.error ?? '', /deploy may not run commands as root without a password on 127\.0\.0\.1:2445 \(sudo said: sudo: a password is required\)/);
    assert.match(result.error ?? '', /--admin USER.*Nothing was changed/);
    assert.equal(await snapshot(HOST), before);
  });

  it('sets up a fresh host after showing every file, then a second run changes nothing and asks nothing', async () => {
    const answers: SetupPreview[] = [];
    const first = await runSetup(await setupOptions(env, answers), () => undefined, never);
    assert.ok(first.ok, first.error);
    assert.equal(first.changed, true);
    assert.equal(answers.length, 1);
    for (const file of ['/etc/systemd/system/hello_phoenix@.service', '/etc/sudoers.d/phoenix-deploy-hello_phoenix', SITE, `${D}/shared/env`]) {
      assert.ok(answers[0].hosts[0].create.includes(file), `${file} is announced`);
    }
    assert.equal(await onHost(HOST, `stat -c '%U %a %s' ${D}/shared/env`), 'deploy 600 0');
    assert.deepEqual(answers[0].hosts[0].groups, ['systemd-journal'], 'announced before it is done');
    assert.match(await onHost(HOST, 'id -nG deploy'), /\bsystemd-journal\b/, 'the deploy user may read the journal (logs), with no sudo right for it');
    assert.equal(await onHost(HOST, 'su deploy -c "sudo -n -l /usr/bin/systemctl restart hello_phoenix@blue.service" >/dev/null && echo allowed'), 'allowed');
    assert.equal(await onHost(HOST, 'su deploy -c "sudo -n -l /usr/bin/systemctl restart ssh.service" >/dev/null 2>&1 && echo allowed || echo refused'), 'refused');
    await onHost(HOST, `printf 'SECRET_KEY_BASE=keep-me\\n' > ${D}/shared/env`);
    const before = await snapshot(HOST);
    const second = await runSetup(await setupOptions(env, answers), () => undefined, never);
    assert.ok(second.ok, second.error);
    assert.equal(second.changed, false);
    assert.equal(answers.length, 1, 'nothing to confirm');
    assert.ok(second.hosts.every((h) => h.unchanged));
    assert.equal(await snapshot(HOST), before);
    assert.equal(await onHost(HOST, `cat ${D}/shared/env`), 'SECRET_KEY_BASE=keep-me', 'shared/env is never overwritten');
  });

  it('never overwrites a site file someone edited, even when told yes; --force does, after a diff', async () => {
    await onHost(HOST, `sed -i 's/listen 80;/listen 80; # managed by Certbot/' ${SITE}`);
    const edited = await onHost(HOST, `cat ${SITE}`);
    const answers: SetupPreview[] = [];
    const changedEnv = environment([HOST], { proxy: { listen: 80, serverName: `${SERVER_NAME} www.${SERVER_NAME}` } });
    const refused = await runSetup(await setupOptions(changedEnv, answers), () => undefined, never);
    assert.equal(refused.ok, false);
    assert.equal(refused.failedStep, 'inspect');
    assert.match(refused.error ?? '', /will not overwrite files changed by someone else \(pass --force/);
    assert.match(refused.error ?? '', /\/etc\/nginx\/sites-available\/hello_phoenix was edited since phoenix-deploy wrote it/);
    assert.match(refused.error ?? '', /^-.*# managed by Certbot/m, 'the diff shows the edit');
    assert.equal(answers.length, 0);
    assert.equal(await onHost(HOST, `cat ${SITE}`), edited);
    const forced = await runSetup(await setupOptions(changedEnv, answers, { force: true }), () => undefined, never);
    assert.ok(forced.ok, forced.error);
    assert.ok(answers[0].text.includes('+    server_name shop.example.test www.shop.example.test;'));
    assert.doesNotMatch(await onHost(HOST, `cat ${SITE}`), /Certbot/);
  });

  it('TLS with a self-signed certificate answers on 443 and 80 redirects; a key that does not match is refused by nginx -t and put back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pd11-tls-'));
    try {
      await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', `/CN=${SERVER_NAME}`,
        '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')]);
      await run('openssl', ['genrsa', '-out', join(dir, 'other.pem'), '2048']);
      await onHost(HOST, 'mkdir -p /etc/ssl/pd11');
      for (const f of ['cert.pem', 'key.pem', 'other.pem']) await run('docker', ['cp', join(dir, f), `${HOST.name}:/etc/ssl/pd11/${f}`]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const mismatched = environment([HOST], { proxy: { listen: 80, serverName: SERVER_NAME, tls: { certificate: '/etc/ssl/pd11/cert.pem', key: '/etc/ssl/pd11/other.pem', listen: 443 } } });
    const siteBefore = await onHost(HOST, `cat ${SITE}`);
    const bad = await runSetup(await setupOptions(mismatched), () => undefined, never);
    assert.equal(bad.ok, false);
    assert.equal(bad.failedStep, 'proxy');
    assert.match(bad.error ?? '', /nginx -t refused the new configuration on 127\.0\.0\.1:2445; the previous files were put back\. nginx said:[\s\S]*key values mismatch/);
    assert.equal(await onHost(HOST, `cat ${SITE}`), siteBefore);
    const tls = environment([HOST], { proxy: { listen: 80, serverName: SERVER_NAME, tls: { certificate: '/etc/ssl/pd11/cert.pem', key: '/etc/ssl/pd11/key.pem', listen: 443 } } });
    const good = await runSetup(await setupOptions(tls), () => undefined, never);
    assert.ok(good.ok, good.error);
    const rel = await releases();
    const deployed = await runDeploy(await deployOptions(tls, release(rel.a)), () => undefined, never);
    assert.ok(deployed.ok, deployed.error);
    assert.deepEqual(await httpsGet(HOST.https!), { status: 200, body: 'ok 0.1.0 hello' });
    const redirect = await get(HOST.http, SERVER_NAME);
    assert.equal(redirect.status, 301);
  });

  it('the restart strategy on service: systemd restarts the unit setup installed (enabled for reboots)', async () => {
    const renv = environment([RESTART], { strategy: 'restart', ports: [4000], drainTimeout: undefined });
    const setup = await runSetup(await setupOptions(renv), () => undefined, never);
    assert.ok(setup.ok, setup.error);
    assert.equal(await onHost(RESTART, 'systemctl is-enabled hello_phoenix.service'), 'enabled');
    const rel = await releases();
    for (const [path, body] of [[rel.a, 'ok 0.1.0 hello'], [rel.b, 'ok 0.1.0 bonjour']]) {
      const result = await runDeploy(await deployOptions(renv, release(path)), () => undefined, never);
      assert.ok(result.ok, result.error);
      assert.equal((await get(RESTART.http, SERVER_NAME)).body.trim(), body);
    }
  });
});
