/**
 * `proxy.tls: auto` on real systemd + nginx hosts against Debian's pebble (a test ACME CA) on a
 * Docker network of the test: a certificate obtained by setup and served with a chain of the test
 * CA, a renewal by certbot on the host reloading nginx without the tool, a name that does not
 * resolve refused with that cause and nginx left as it was, the two-host mode, and a redeploy
 * under HTTPS load.
 *   npx tsc -p . && node out/test/support/runLayer.js integration managed/acme
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runProbes } from '../../../src/core/check/probes';
import { runDeploy } from '../../../src/core/deploy';
import { describeSetup, runSetup } from '../../../src/core/setup';
import type { EnvironmentConfig } from '../../../src/core/config/types';
import { get, startLoadWith } from '../../support/load';
import { release, releases } from '../faults/support';
import { DIRECTORY, DNS, httpsGet, pebbleRoot, pointName, startAcmeHosts, startCa, stopCa, stopHosts } from './acmeSupport';
import { SANDBOX_KEY, SANDBOX_KNOWN_HOSTS } from '../../support/paths';
import { D, deployOptions, environment, onHost, setupOptions, type ManagedTestHost } from './support';

const ONE: ManagedTestHost = { name: 'pd26-acme1', ssh: 2680, http: 8680, https: 8681 };
const TWO: ManagedTestHost[] = [{ name: 'pd26-acme2', ssh: 2681, http: 8682, https: 8683 }, { name: 'pd26-acme3', ssh: 2682, http: 8684, https: 8685 }];
const FRESH: ManagedTestHost = { name: 'pd26-acme4', ssh: 2683, http: 8686, https: 8687 };
const NAME = 'shop.acme.test';
const FLEET_NAME = 'fleet.acme.test';
const SITE = '/etc/nginx/sites-available/hello_phoenix';
const never = new AbortController().signal;

const autoEnv = (hosts: ManagedTestHost[], serverName: string): EnvironmentConfig => environment(hosts, {
  proxy: { listen: 80, serverName, tls: { auto: true, email: 'ops@acme.test', directory: DIRECTORY, listen: 443 } },
});
/**
 * What nginx serves and from which files: the proof that a run changed nothing. certbot's keys/ and
 * csr/ are left out: it adds a key and a request there on every attempt, failed or not.
 */
const nginxState = (h: ManagedTestHost) => onHost(h, `cat ${SITE} 2>/dev/null; ls -l /etc/nginx/sites-enabled; ` +
  'find /etc/letsencrypt /etc/nginx -xdev -type f -not -path "*/keys/*" -not -path "*/csr/*" 2>/dev/null | sort | xargs -r sha256sum');
const serial = async (h: ManagedTestHost, name: string, ca?: string) => (await httpsGet(h.https!, name, ca)).cert.serialNumber;

describe('tls: auto with certbot and a test ACME CA (integration)', function () {
  this.timeout(600_000);
  let root = '';

  before(async () => {
    await startCa();
    await startAcmeHosts([ONE, ...TWO, FRESH]);
    await pointName(NAME, [ONE]);
    await pointName(FLEET_NAME, TWO);
    await pointName(`www.${FLEET_NAME}`, [TWO[1]]); // only the second host: the CA must get its challenge there
    await pointName('closed.acme.test', [ONE], [DNS]); // nothing listens on port 80 there
    await pointName('elsewhere.acme.test', [ONE], [TWO[0].name]); // another nginx, which has no such challenge file
    root = await pebbleRoot(ONE);
  });
  after(async () => {
    await stopHosts([ONE, ...TWO, FRESH]);
    await stopCa();
  });

  it('setup obtains a certificate and serves HTTPS with a chain of the test CA; a second setup changes nothing', async () => {
    const env = autoEnv([ONE], NAME);
    const plan = await describeSetup(await setupOptions(env));
    assert.match(plan, /certbot certonly .*--server https:\/\/pd26-pebble:14000\/dir --cert-name hello_phoenix --webroot --webroot-path \/var\/lib\/phoenix-deploy\/hello_phoenix\/acme -d shop\.acme\.test/);
    assert.match(plan, /systemctl enable --now certbot\.timer/);
    assert.match(plan, /renewal-hooks\/deploy\/phoenix-deploy-hello_phoenix .*nginx -t && \/usr\/bin\/systemctl reload nginx\.service/);
    const first = await runSetup(await setupOptions(env), () => undefined, never);
    assert.ok(first.ok, first.error);
    const rel = await releases();
    const deployed = await runDeploy(await deployOptions(env, release(rel.a)), () => undefined, never);
    assert.ok(deployed.ok, deployed.error);
    const answer = await httpsGet(ONE.https!, NAME, root);
    assert.deepEqual([answer.status, answer.body], [200, 'ok 0.1.0 hello'], 'verified against pebble\'s root');
    assert.match(String(answer.cert.issuer.CN), /Pebble Intermediate/);
    assert.equal((await get(ONE.http, NAME)).status, 301);
    const before = await nginxState(ONE);
    const answers: unknown[] = [];
    const second = await runSetup(await setupOptions(env, answers as never), () => undefined, never);
    assert.ok(second.ok, second.error);
    assert.equal(second.changed, false);
    assert.equal(answers.length, 0, 'nothing to confirm');
    assert.equal(await nginxState(ONE), before);
  });

  it('a forced renewal by certbot on the host reloads nginx through the deploy hook: the new serial is served', async () => {
    const old = await serial(ONE, NAME, root);
    await onHost(ONE, 'certbot renew --force-renewal --no-random-sleep-on-renew -q');
    // `systemctl reload nginx` returns before the old workers stop taking connections: ask until the new ones answer (≤ 10 s).
    let renewed = await serial(ONE, NAME, root);
    for (let i = 0; i < 20 && renewed === old; i++) {
      await new Promise((r) => setTimeout(r, 500));
      renewed = await serial(ONE, NAME, root);
    }
    assert.notEqual(renewed, old, await onHost(ONE, 'ls -l /etc/letsencrypt/renewal-hooks/deploy; grep -i hook /var/log/letsencrypt/letsencrypt.log | tail -5'));
    assert.equal(renewed, (await onHost(ONE, 'openssl x509 -in /etc/letsencrypt/live/hello_phoenix/cert.pem -noout -serial')).replace('serial=', ''));
  });

  it('a name that does not resolve fails setup with that cause; nginx keeps serving what it served', async () => {
    const before = await nginxState(ONE);
    const servedBefore = await serial(ONE, NAME, root);
    const result = await runSetup(await setupOptions(autoEnv([ONE], `${NAME} nope.acme.test`)), () => undefined, never);
    assert.equal(result.ok, false);
    assert.equal(result.failedStep, 'certificate');
    assert.match(result.error ?? '', /nope\.acme\.test does not resolve to this host/);
    assert.match(result.error ?? '', /The CA said:\n {2}nope\.acme\.test: .*could not resolve/);
    assert.match(result.error ?? '', /put back as it was before setup/);
    assert.equal(await nginxState(ONE), before);
    assert.equal(await serial(ONE, NAME, root), servedBefore);
  });

  it('on a fresh host, a failed certificate leaves no site of the app: nginx serves its default site as before', async () => {
    const nginxOnly = () => onHost(FRESH, 'ls -l /etc/nginx/sites-enabled; find /etc/nginx -xdev -type f | sort | xargs -r sha256sum');
    const before = await nginxOnly();
    const page = await get(FRESH.http, 'nope.acme.test', '/');
    const result = await runSetup(await setupOptions(autoEnv([FRESH], 'nope.acme.test')), () => undefined, never);
    assert.equal(result.ok, false);
    assert.equal(result.failedStep, 'certificate');
    assert.match(result.error ?? '', /nope\.acme\.test does not resolve to this host/);
    assert.equal(await nginxOnly(), before);
    assert.equal(await onHost(FRESH, 'ls /etc/nginx/phoenix-deploy/hello_phoenix 2>/dev/null | wc -l'), '0');
    // certbot's account stays registered (it is reused); no certificate, no hook of the tool.
    assert.equal(await onHost(FRESH, 'find /etc/letsencrypt/live /etc/letsencrypt/renewal /etc/letsencrypt/renewal-hooks/deploy -type f 2>/dev/null | wc -l'), '0');
    assert.deepEqual(await get(FRESH.http, 'nope.acme.test', '/'), page);
  });

  it('port 80 closed and a name pointing at another host each get their cause; nginx keeps serving what it served', async () => {
    const before = await nginxState(ONE);
    const result = await runSetup(await setupOptions(autoEnv([ONE], `${NAME} closed.acme.test elsewhere.acme.test`)), () => undefined, never);
    assert.equal(result.ok, false);
    assert.equal(result.failedStep, 'certificate');
    assert.match(result.error ?? '', /elsewhere\.acme\.test does not resolve to this host \(the CA fetched the challenge from somewhere that does not serve it\)/);
    assert.match(result.error ?? '', /port 80 of closed\.acme\.test is not reachable from the CA/);
    assert.match(result.error ?? '', /The CA said:\n(?: {2}.*\n)* {2}closed\.acme\.test: .*connection refused/);
    assert.equal(await nginxState(ONE), before);
  });

  it('two hosts behind one name: obtained once on the primary, the challenge served by every host, the same certificate on both', async () => {
    const env = autoEnv(TWO, `${FLEET_NAME} www.${FLEET_NAME}`);
    assert.match(await describeSetup(await setupOptions(env)), /--manual --preferred-challenges http --manual-auth-hook \/etc\/phoenix-deploy\/hello_phoenix\/acme-auth-hook .*--no-autorenew/);
    const events: string[] = [];
    const first = await runSetup(await setupOptions(env), (e) => { if (e.type === 'note') events.push(`${e.host}: ${e.message}`); }, never);
    assert.ok(first.ok, first.error);
    assert.ok(events.some((e) => /^127\.0\.0\.1:2681: placed a challenge file on 1 other host$/.test(e)), events.join('\n'));
    const rel = await releases();
    const deployed = await runDeploy(await deployOptions(env, release(rel.a)), () => undefined, never);
    assert.ok(deployed.ok, deployed.error);
    const answers = await Promise.all(TWO.map((h) => httpsGet(h.https!, `www.${FLEET_NAME}`, root)));
    assert.deepEqual(answers.map((a) => [a.status, a.body]), [[200, 'ok 0.1.0 hello'], [200, 'ok 0.1.0 hello']], 'both verified against pebble\'s root');
    assert.equal(answers[0].cert.serialNumber, answers[1].cert.serialNumber, 'one certificate');
    assert.equal(await onHost(TWO[1], 'test -e /etc/letsencrypt/live/hello_phoenix && echo lineage || echo none'), 'none', 'certbot ran on the primary only');
    assert.equal(await onHost(TWO[1], 'stat -c "%U %a" /etc/phoenix-deploy/hello_phoenix/tls/privkey.pem'), 'root 600');
    assert.match(await onHost(TWO[0], 'cat /etc/letsencrypt/renewal/hello_phoenix.conf'), /autorenew = False/);
    const again = await runSetup(await setupOptions(env), () => undefined, never);
    assert.ok(again.ok, again.error);
    assert.equal(again.changed, false);
  });

  it('a redeploy after all of this fails 0 requests under HTTPS load', async () => {
    const rel = await releases();
    const targets = [{ h: ONE, env: autoEnv([ONE], NAME), name: NAME }, { h: TWO[0], env: autoEnv(TWO, `${FLEET_NAME} www.${FLEET_NAME}`), name: FLEET_NAME }, { h: TWO[1], env: undefined, name: FLEET_NAME }];
    const loads = targets.map((t) => startLoadWith(() => httpsGet(t.h.https!, t.name, root), 50));
    await new Promise((r) => setTimeout(r, 500));
    for (const t of targets.filter((x) => x.env)) {
      const result = await runDeploy(await deployOptions(t.env!, release(rel.b)), () => undefined, never);
      assert.ok(result.ok, result.error);
    }
    await new Promise((r) => setTimeout(r, 500));
    const reports = await Promise.all(loads.map((l) => l.stop()));
    const failed = reports.flatMap((r, i) => r.failed.map((f) => `${targets[i].h.name} at ${f.at} ms: ${f.status ?? f.error}`));
    assert.deepEqual(failed, []);
    assert.ok(reports.every((r) => r.total > 100), `requests sent: ${reports.map((r) => r.total).join(', ')}`);
    for (const t of targets) assert.equal((await httpsGet(t.h.https!, t.name, root)).body, 'ok 0.1.0 bonjour');
  });

  it('check --probe reports a renewal that last failed, at the tls line of deploy.yml; nginx keeps the certificate it had', async () => {
    const project = mkdtempSync(join(tmpdir(), 'pd26-probe-'));
    try {
      mkdirSync(join(project, 'config'));
      writeFileSync(join(project, 'config', 'deploy.yml'), [
        'app: hello_phoenix',
        'environments:',
        '  production:',
        `    deploy_to: ${D}`,
        `    hosts: ["127.0.0.1:${ONE.ssh}"]`,
        '    service: systemd',
        '    health: { path: /health }',
        `    proxy: { server_name: ${NAME}, tls: { auto: true, directory: "${DIRECTORY}" } }`,
        `    ssh: { identity_file: ${SANDBOX_KEY}, known_hosts: ${SANDBOX_KNOWN_HOSTS}, config_file: none }`,
        '',
      ].join('\n'));
      const certificateFindings = async () => (await runProbes(project, 'production', () => undefined)).findings.filter((f) => f.code.startsWith('certificate-'));
      assert.deepEqual(await certificateFindings(), [], 'a fresh certificate and a renewal that succeeded');
      const served = await serial(ONE, NAME, root);
      // A real failed renewal: the name no longer resolves when certbot.service renews (forced).
      await onHost(ONE, `curl -sf -d '{"host":"${NAME}."}' http://pd26-acme-dns:8055/clear-a && mkdir -p /etc/systemd/system/certbot.service.d && ` +
        `printf '[Service]\\nExecStart=\\nExecStart=/usr/bin/certbot -q renew --force-renewal --no-random-sleep-on-renew\\n' > /etc/systemd/system/certbot.service.d/pd26.conf && ` +
        'systemctl daemon-reload && { systemctl start certbot.service || true; }');
      const findings = await certificateFindings();
      assert.deepEqual(findings.map((f) => [f.line, f.code, f.severity]), [[8, 'certificate-renewal-failed', 'warning']]);
      assert.match(findings[0].message, /^The last certificate renewal on 127\.0\.0\.1:2680 failed \(certbot\.service: exit-code, exit 1, at .*\): see `journalctl -u certbot` there$/);
      assert.equal(await serial(ONE, NAME, root), served);
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  });
});
