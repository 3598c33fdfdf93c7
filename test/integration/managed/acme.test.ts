/**
 * `proxy.tls: auto` on real systemd + nginx hosts against Debian's pebble (a test ACME CA) on a
 * Docker network of the test: a certificate obtained by setup and served with a chain of the test
 * CA, a renewal by certbot on the host reloading nginx without the tool, a name that does not
 * resolve refused with that cause and nginx left as it was, the two-host mode, and a redeploy
 * under HTTPS load.
 *   npx tsc -p . && node out/test/support/runLayer.js integration managed/acme
 */
import assert from 'node:assert/strict';
import { runDeploy } from '../../../src/core/deploy';
import { describeSetup, runSetup } from '../../../src/core/setup';
import type { EnvironmentConfig } from '../../../src/core/config/types';
import { get, startLoadWith } from '../../support/load';
import { release, releases } from '../faults/support';
import { DIRECTORY, httpsGet, pebbleRoot, pointName, startAcmeHosts, startCa, stopCa, stopHosts } from './acmeSupport';
import { deployOptions, environment, onHost, setupOptions, type ManagedTestHost } from './support';

const ONE: ManagedTestHost = { name: 'pd26-acme1', ssh: 2680, http: 8680, https: 8681 };
const TWO: ManagedTestHost[] = [{ name: 'pd26-acme2', ssh: 2681, http: 8682, https: 8683 }, { name: 'pd26-acme3', ssh: 2682, http: 8684, https: 8685 }];
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
    await startAcmeHosts([ONE, ...TWO]);
    await pointName(NAME, [ONE]);
    await pointName(FLEET_NAME, TWO);
    root = await pebbleRoot(ONE);
  });
  after(async () => {
    await stopHosts([ONE, ...TWO]);
    await stopCa();
  });

  it('setup obtains a certificate and serves HTTPS with a chain of the test CA; a second setup changes nothing', async () => {
    const env = autoEnv([ONE], NAME);
    const plan = describeSetup(await setupOptions(env));
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
    const renewed = await serial(ONE, NAME, root);
    assert.notEqual(renewed, old);
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
});
