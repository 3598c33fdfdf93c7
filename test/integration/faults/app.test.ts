/**
 * Faults 5, 6 and 8 of issue 7 on a real host with the real example release: the migration fails,
 * the new release crashes on boot or answers 500, and the restart command hangs. Each ends with the
 * old release current and answering, no lock, a clear report, and the next deploy succeeding.
 *   npx tsc -p . && node out/test/support/runLayer.js integration faults/app
 */
import assert from 'node:assert/strict';
import { runDeploy } from '../../../src/core/deploy';
import type { EnvironmentConfig } from '../../../src/core/config/types';
import type { ReleaseToDeploy } from '../../../src/core/deploy';
import type { PlanEvent } from '../../../src/core/plan/types';
import { current, D, environment, health, lastLog, lockState, onHost, options, prepareHost, release, releases, startHost, writeEnv, type Releases } from './support';

const A1 = { name: 'pd7-a1', port: 2273, key: '127.0.0.1:2273' };
const never = new AbortController().signal;

describe('faults: the app and its commands (one host)', function () {
  this.timeout(300000);
  let rel: Releases;
  let good: ReleaseToDeploy;
  let greeting = 'hello';
  const events: PlanEvent[] = [];
  const deploy = async (r: ReleaseToDeploy, env: EnvironmentConfig = environment([A1.port])) => runDeploy(await options(env, r), (e) => events.push(e), never);
  const deployOk = async (r: ReleaseToDeploy, says: string) => {
    const result = await deploy(r);
    assert.equal(result.ok, true, result.error);
    good = r;
    greeting = says;
    assert.equal(await health(A1.name), `ok 0.1.0 ${says}`);
  };
  /** `current` on the last good release, which answers; no lock; the failed release gone; the failure logged. */
  const assertSettled = async (failed: ReleaseToDeploy, outcome: string) => {
    assert.equal(await current(A1.name), `releases/${good.id}`);
    assert.equal(await health(A1.name), `ok 0.1.0 ${greeting}`);
    assert.equal(await lockState(A1.name), 'free');
    assert.equal(await onHost(A1.name, `test -e ${D}/releases/${failed.id} && echo kept || echo removed`), 'removed');
    const log = await lastLog(A1.name);
    assert.deepEqual([log.id, log.outcome], [failed.id, outcome]);
  };

  before(async () => {
    rel = await releases();
    await startHost(A1.name, A1.port);
    await prepareHost(A1.name);
    await deployOk(release(rel.a), 'hello');
  });

  it('5. the migration fails (exit 1): no switch, the output shown, the release removed', async () => {
    await writeEnv(A1.name, 'FAIL_MIGRATION=1\\n');
    const failed = release(rel.b);
    const result = await deploy(failed);
    await writeEnv(A1.name);
    assert.equal(result.ok, false);
    assert.equal(result.failedStep, 'migrate');
    assert.match(result.error!, /migration failed on 127\.0\.0\.1:2273 \(exit 1\); nothing was switched/);
    assert.match(result.error!, /migration failed on purpose/);
    assert.equal(result.rolledBack, false);
    assert.deepEqual(result.hosts.map((h) => [h.current, h.confirmed]), [[good.id, true]]);
    await assertSettled(failed, 'failed');
    await deployOk(release(rel.b), 'bonjour');
  });

  it('6a. the new release crashes on boot: health fails, automatic rollback, the old version answers', async () => {
    const failed = release(rel.crash);
    const result = await deploy(failed, environment([A1.port], { health: { url: 'http://127.0.0.1:4000/health', expect: 200, timeout: 6 } }));
    assert.equal(result.ok, false);
    assert.equal(result.failedStep, 'health', result.error);
    assert.equal(result.rolledBack, true);
    assert.match(result.error!, /health check failed\. Rolled back automatically\.\n127\.0\.0\.1:2273: http:\/\/127\.0\.0\.1:4000\/health not healthy after 6s; last error: /);
    assert.deepEqual(result.hosts.map((h) => [h.current, h.confirmed]), [[good.id, true]]);
    assert.ok(events.some((e) => e.type === 'note' && e.message === `${good.id} is healthy again`));
    await assertSettled(failed, 'rolled-back');
    await deployOk(release(rel.a), 'hello');
  });

  it('6b. the new release answers 500: automatic rollback, the old version answers', async () => {
    const failed = release(rel.e500);
    const result = await deploy(failed, environment([A1.port], { health: { url: 'http://127.0.0.1:4000/health', expect: 200, timeout: 5 } }));
    assert.equal(result.ok, false);
    assert.equal(result.failedStep, 'health');
    assert.equal(result.rolledBack, true);
    assert.match(result.error!, /not healthy after 5s; last response: 500 \(expected 200\) "ok 0\.1\.0 hello"/);
    await assertSettled(failed, 'rolled-back');
    await deployOk(release(rel.b), 'bonjour');
  });

  it('8. the restart command hangs: stopped after restart_timeout, treated as a failed health check, rolled back', async () => {
    // A restart script that restarts the app, then never returns while `current` is the HANG release.
    await onHost(A1.name, `mkdir -p /home/deploy/bin && printf '#!/bin/sh\\nsudo sv restart hello_phoenix\\nif [ -e current/HANG ]; then exec sleep 600; fi\\n' > /home/deploy/bin/restart-app && chmod 755 /home/deploy/bin/restart-app`);
    const env = environment([A1.port], { restart: ['/home/deploy/bin/restart-app'], restartTimeout: 3 });
    const failed = release(rel.hang);
    const result = await deploy(failed, env);
    assert.equal(result.ok, false);
    assert.equal(result.failedStep, 'restart');
    assert.equal(result.rolledBack, true);
    assert.match(result.error!, /restart did not finish within 3s on 127\.0\.0\.1:2273; it was stopped; treated as a failed health check\. Rolled back automatically\./);
    assert.ok(events.some((e) => e.type === 'note' && e.message === `${good.id} is healthy again`));
    await assertSettled(failed, 'rolled-back');
    assert.equal(await onHost(A1.name, 'pgrep -x sleep || echo none'), 'none', 'the hung restart was killed on the host');
    const next = release(rel.a);
    const ok = await deploy(next, env);
    assert.equal(ok.ok, true, ok.error);
    assert.equal(await health(A1.name), 'ok 0.1.0 hello');
  });
});
