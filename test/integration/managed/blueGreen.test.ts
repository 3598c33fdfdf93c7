/**
 * Zero-downtime deploys on real systemd + nginx hosts the tool set up: a load generator runs
 * through each host's nginx (published on 127.0.0.1) during a deploy, a failed deploy and a
 * rollback, and a 3 s request in flight at the switch must finish with 200.
 *   npx tsc -p . && node out/test/support/runLayer.js integration managed/blueGreen
 */
import assert from 'node:assert/strict';
import type { PlanEvent } from '../../../src/core/plan/types';
import { listReleases, runDeploy, runRollback, type DeployResult } from '../../../src/core/deploy';
import { runSetup } from '../../../src/core/setup';
import { get, startLoad, type LoadReport } from '../../support/load';
import { release, releases, type Releases } from '../faults/support';
import { D, SERVER_NAME, deployOptions, environment, onHost, remote, setupOptions, startHosts, stopHosts, type ManagedTestHost } from './support';

const HOSTS: ManagedTestHost[] = [{ name: 'pd11-bg1', ssh: 2441, http: 8041 }, { name: 'pd11-bg2', ssh: 2442, http: 8042 }];
const RATE = 100; // requests per second, per host
const env = environment(HOSTS);
const never = new AbortController().signal;
const ok = (r: DeployResult) => assert.ok(r.ok, r.error);

/**
 * Runs `deploy` with load on every host, and 3 s requests fired at each host every 250 ms while
 * nginx is being switched (from `route` until `switch`): those sent before the reload are in flight
 * on the old slot when it is told to go, and must still finish.
 */
async function underLoad(deploy: (emit: (e: PlanEvent) => void) => Promise<DeployResult>) {
  const loads = HOSTS.map((h) => startLoad(h.http, SERVER_NAME, RATE));
  await new Promise((r) => setTimeout(r, 500));
  const slow: Array<Promise<{ status: number; body: string; doneAt: number }>> = [];
  let timer: NodeJS.Timeout | undefined;
  const fire = () => { for (const h of HOSTS) slow.push(get(h.http, SERVER_NAME, '/slow').then((r) => ({ ...r, doneAt: Date.now() }))); };
  const result = await deploy((e) => {
    if (e.type === 'step-start' && e.step === 'route') {
      fire();
      timer = setInterval(fire, 250);
    }
    if (e.type === 'step-start' && e.step === 'switch') clearInterval(timer);
  }).finally(() => clearInterval(timer));
  await new Promise((r) => setTimeout(r, 500));
  const reports: LoadReport[] = await Promise.all(loads.map((l) => l.stop()));
  return { result, reports, slow: await Promise.all(slow) };
}

const failures = (reports: LoadReport[]) => reports.flatMap((r, i) => r.failed.map((f) => `${HOSTS[i].name} at ${f.at} ms: ${f.status ?? f.error}`));
const served = async () => Promise.all(HOSTS.map((h) => get(h.http, SERVER_NAME).then((r) => r.body.trim())));
const slotState = (h: ManagedTestHost, slot: string) => onHost(h, `systemctl is-active hello_phoenix@${slot}.service || true`);

describe('blue/green on real systemd + nginx hosts (integration)', function () {
  this.timeout(600_000);
  let rel: Releases;
  const ids: Record<string, string> = {};

  before(async () => {
    [rel] = await Promise.all([releases(), startHosts(HOSTS)]);
    const setup = await runSetup(await setupOptions(env), () => undefined, never);
    assert.ok(setup.ok, setup.error);
    const first = release(rel.a);
    ids.a = first.id;
    const result = await runDeploy(await deployOptions(env, first), () => undefined, never);
    assert.ok(result.ok, result.error);
    assert.deepEqual(await served(), ['ok 0.1.0 hello', 'ok 0.1.0 hello']);
  });

  after(() => stopHosts(HOSTS));

  it('deploys under 100 req/s per host without one failed request; a 3 s request in flight at the switch finishes with 200', async () => {
    const b = release(rel.b);
    ids.b = b.id;
    const events: string[] = [];
    const { result, reports, slow } = await underLoad(async (emit) => runDeploy(await deployOptions(env, b), (e) => {
      if (e.type === 'step-start') events.push(e.step);
      emit(e);
    }, never));
    assert.ok(result.ok, result.error);
    assert.deepEqual(events, ['identity', 'connect', 'lock', 'upload', 'prepare', 'compat', 'migrate', 'point', 'start', 'health', 'route', 'switch', 'record', 'drain', 'cleanup']);
    assert.deepEqual(failures(reports), []);
    assert.ok(reports.every((r) => r.total >= RATE), `at least a second of load per host: ${reports.map((r) => r.total)}`);
    assert.deepEqual(slow.filter((s) => s.status !== 200), [], 'every 3 s request finished with 200');
    assert.ok(slow.some((s) => s.body.trim() === 'slow 0.1.0 hello'), 'some were in flight on the old release at the switch');
    // The drain: the old slot (green) was told to stop only after it had answered the last of them.
    // Both times come from the host's journal: one clock, no client-side latency.
    for (const h of HOSTS) {
      const journal = (grep: string) => onHost(h, `journalctl -u hello_phoenix@green.service -o short-unix --no-pager | grep ${grep} | tail -n 1 | cut -d" " -f1`);
      const answered = Number(await journal("'answering a 3000 ms request'"));
      const stopping = Number(await journal('Stopping'));
      assert.ok(answered > 0 && stopping > 0, `${h.name}: the journal has both lines (answered ${answered}, stopping ${stopping})`);
      assert.ok(stopping > answered, `${h.name}: old slot stopped ${((stopping - answered) * 1000).toFixed(0)} ms after it answered its last 3 s request`);
    }
    assert.deepEqual(await served(), ['ok 0.1.0 bonjour', 'ok 0.1.0 bonjour']);
    assert.equal(result.newReleaseSeen, true);
    for (const h of HOSTS) {
      assert.equal(await onHost(h, `readlink ${D}/current`), `releases/${b.id}`);
      // The first deploy went to green (a fresh host routes to blue, where nothing ran); this one to blue.
      assert.equal(await slotState(h, 'blue'), 'active');
      assert.equal(await slotState(h, 'green'), 'inactive');
      assert.equal(await onHost(h, 'systemctl is-enabled hello_phoenix@blue.service'), 'enabled');
    }
    const listed = await listReleases(await remote(env));
    assert.deepEqual(listed[0].slots, [
      { name: 'blue', port: 4001, release: ids.b, state: 'active', live: true },
      { name: 'green', port: 4002, release: ids.a, state: 'inactive', live: false },
    ]);
  });

  it('a release that crashes on boot fails before the switch: nobody sees it, not one request fails', async () => {
    const crash = release(rel.crash);
    const { result, reports } = await underLoad(async () => runDeploy(await deployOptions(env, crash), () => undefined, never));
    assert.equal(result.ok, false);
    assert.equal(result.failedStep, 'health');
    assert.equal(result.newReleaseSeen, false);
    assert.match(result.error ?? '', /Nobody saw .*: nginx kept every request on the old slot/);
    assert.deepEqual(failures(reports), []);
    assert.deepEqual(await served(), ['ok 0.1.0 bonjour', 'ok 0.1.0 bonjour']);
    for (const h of HOSTS) {
      assert.equal(await onHost(h, `readlink ${D}/current`), `releases/${ids.b}`);
      assert.equal(await onHost(h, `readlink ${D}/slots/green`), `../releases/${ids.a}`, 'the idle slot holds what it held');
      assert.match(await slotState(h, 'green'), /inactive|failed/);
      assert.equal(await slotState(h, 'blue'), 'active');
      assert.equal(await onHost(h, `test -e ${D}/releases/${crash.id} && echo left || echo removed`), 'removed');
      assert.match(await onHost(h, 'grep -h "live slot" /etc/nginx/phoenix-deploy/hello_phoenix/upstream.conf'), /blue/);
    }
  });

  it('rollback is the same dance toward the previous release, also without a failed request', async () => {
    const { result, reports, slow } = await underLoad(async (emit) => runRollback({ ...(await remote(env)), healthIntervalMs: 300 }, emit, never));
    assert.ok(result.ok, result.error);
    assert.equal(result.release, ids.a);
    assert.deepEqual(failures(reports), []);
    assert.deepEqual(slow.filter((s) => s.status !== 200), [], 'every 3 s request finished with 200');
    assert.ok(slow.some((s) => s.body.trim() === 'slow 0.1.0 bonjour'), 'some were in flight on the old release at the switch');
    assert.deepEqual(await served(), ['ok 0.1.0 hello', 'ok 0.1.0 hello']);
    for (const h of HOSTS) {
      assert.equal(await slotState(h, 'green'), 'active');
      assert.equal(await slotState(h, 'blue'), 'inactive');
    }
  });

  it('the drain waits for what the old slot serves: a 12 s request in flight at the switch finishes on the old release', async () => {
    // Stopping a slot takes ~3 s after the reload; a 12 s request outlives that, so it only finishes if the drain waits for it.
    const longer: Array<Promise<{ status: number; body: string }>> = [];
    const result = await runDeploy(await deployOptions(env, release(rel.b)), (e) => {
      if (e.type === 'step-start' && e.step === 'route') for (const h of HOSTS) longer.push(get(h.http, SERVER_NAME, '/slower', 40_000));
    }, never);
    assert.ok(result.ok, result.error);
    assert.deepEqual((await Promise.all(longer)).map((r) => [r.status, r.body.trim()]), [[200, 'slow 0.1.0 hello'], [200, 'slow 0.1.0 hello']]);
    assert.deepEqual(await served(), ['ok 0.1.0 bonjour', 'ok 0.1.0 bonjour']);
    ok((await runRollback({ ...(await remote(env)), healthIntervalMs: 300 }, () => undefined, never)));
    assert.deepEqual(await served(), ['ok 0.1.0 hello', 'ok 0.1.0 hello']);
  });

  it('a broken nginx config elsewhere is refused at the route: the upstream is put back, nginx\'s message is reported', async () => {
    const [h1] = HOSTS;
    await onHost(h1, 'echo "this is not nginx;" > /etc/nginx/conf.d/pd11-broken.conf');
    try {
      const before = await onHost(h1, 'cat /etc/nginx/phoenix-deploy/hello_phoenix/upstream.conf');
      const result = await runDeploy(await deployOptions(env, release(rel.b)), () => undefined, never);
      assert.equal(result.ok, false);
      assert.equal(result.failedStep, 'route');
      assert.match(result.error ?? '', /nginx -t refused .*previous upstream was put back[\s\S]*unknown directive "this"/);
      assert.equal(await onHost(h1, 'cat /etc/nginx/phoenix-deploy/hello_phoenix/upstream.conf'), before);
      assert.deepEqual(await served(), ['ok 0.1.0 hello', 'ok 0.1.0 hello']);
    } finally {
      await onHost(h1, 'rm -f /etc/nginx/conf.d/pd11-broken.conf');
    }
  });

  it('a reboot (docker restart) brings the live release back through nginx', async () => {
    const [h1] = HOSTS;
    await import('./support').then((s) => s.run('docker', ['restart', h1.name]));
    let body = '';
    for (let i = 0; i < 120 && body !== 'ok 0.1.0 hello'; i++) {
      body = await get(h1.http, SERVER_NAME).then((r) => r.body.trim(), () => '');
      if (body !== 'ok 0.1.0 hello') await new Promise((r) => setTimeout(r, 500));
    }
    assert.equal(body, 'ok 0.1.0 hello');
    assert.equal(await slotState(h1, 'blue'), 'inactive', 'only the live slot is enabled');
  });
});
