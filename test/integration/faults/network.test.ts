/**
 * Faults 1, 2, 3, 9 and 10 of issue 7 on two real sshd hosts with the real example release: the
 * SSH connection cut mid-rsync, between migrate and switch, after the switch on one host of two
 * (briefly, and for good), two deploys at the same moment, and a changed host key. Each ends with
 * `current` on a working release, no lock left, a report that says where every host stands, and
 * the next deploy succeeding.
 *   npx tsc -p . && node out/test/support/runLayer.js integration faults/network
 */
import assert from 'node:assert/strict';
import { listReleases, runDeploy } from '../../../src/core/deploy';
import { readLocks, unlock } from '../../../src/core/fleet/locks';
import type { DeployResult, ReleaseToDeploy } from '../../../src/core/deploy';
import type { FleetDeps } from '../../../src/core/fleet/types';
import type { PlanEvent } from '../../../src/core/plan/types';
import { defaultDeps } from '../../../src/core/fleet/local';
import {
  bringOnline, current, cutSessions, D, environment, faultyDeps, health, lastLog, localSums, lockState, onHost, options,
  prepareHost, release, releases, remote, remoteSums, slowRsync, startHost, takeOffline, trustHost, waitClosed, type Releases,
} from './support';

const N1 = { name: 'pd7-n1', port: 2271, key: '127.0.0.1:2271' };
const N2 = { name: 'pd7-n2', port: 2272, key: '127.0.0.1:2272' };
const BOTH = [N1, N2];
const never = new AbortController().signal;

describe('faults: the network (two hosts)', function () {
  this.timeout(300000);
  const env = environment([N1.port, N2.port]);
  let rel: Releases;
  let good: ReleaseToDeploy; // what every host runs between scenarios
  const events: PlanEvent[] = [];
  const emit = (e: PlanEvent) => events.push(e);

  const deploy = async (r: ReleaseToDeploy, deps = {}) => runDeploy(await options(env, r, deps), emit, never);
  const deployOk = async (r: ReleaseToDeploy) => {
    const result = await deploy(r);
    assert.equal(result.ok, true, result.error);
    good = r;
    return result;
  };
  /** The invariants every fault must leave behind. */
  const assertSettled = async (expected: ReleaseToDeploy, greeting: string) => {
    for (const h of BOTH) {
      assert.equal(await current(h.name), `releases/${expected.id}`, `${h.key} current`);
      assert.equal(await health(h.name), `ok 0.1.0 ${greeting}`, `${h.key} health`);
      assert.equal(await lockState(h.name), 'free', `${h.key} lock`);
    }
  };
  const releaseDirs = (name: string) => onHost(name, `ls ${D}/releases | tr '\\n' ' '`);
  const reported = (result: DeployResult) => result.hosts.map((h) => [h.host, h.current, h.confirmed]);

  before(async () => {
    rel = await releases();
    await Promise.all(BOTH.map((h) => startHost(h.name, h.port)));
    await Promise.all(BOTH.map((h) => prepareHost(h.name)));
    await deployOk(release(rel.a));
    await assertSettled(good, 'hello');
  });

  it('1. connection cut mid-rsync: nothing switched, lock released; the re-run resumes and the release is complete', async () => {
    const before = good;
    const next = release(rel.ballast);
    // rsync is slowed (--bwlimit) so the cut lands when half of the new files are on N1, whole.
    const arrived = async () => Number(await onHost(N1.name, `ls ${D}/staging/*/release/ballast 2>/dev/null | grep -c part- || true`));
    let cut = false;
    let uploading = true;
    const watcher = (async () => {
      while (uploading && !cut) {
        if ((await arrived()) >= 8) {
          cut = true;
          cutSessions(N1.name);
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    const slow = slowRsync();
    const deps: Partial<FleetDeps> = { ...faultyDeps({}), upload: (run, o) => defaultDeps({}).upload({ ...run, rsyncBinary: slow }, o) };
    const result = await deploy(next, deps)
      .finally(() => (uploading = false));
    await watcher;
    assert.equal(cut, true, 'the cut happened during the upload');
    assert.equal(result.ok, false);
    assert.equal(result.failedStep, 'upload');
    assert.match(result.error!, /the SSH connection to 127\.0\.0\.1:2271 was lost during the upload/);
    assert.deepEqual(reported(result), [[N1.key, before.id, true], [N2.key, before.id, true]]);
    await assertSettled(before, 'hello');
    for (const h of BOTH) {
      assert.doesNotMatch(await releaseDirs(h.name), new RegExp(next.id));
      assert.equal((await lastLog(h.name)).outcome, 'failed', `${h.key} records the failure (after reconnecting)`);
    }
    // Deploy the same build again: rsync sends only what did not arrive, and the release is whole.
    const again = await deployOk(next);
    const n1 = again.hosts.find((h) => h.host === N1.key)!;
    console.log(`      re-run sent ${n1.bytesSent} bytes to ${N1.key} for ${rel.ballastBytes} bytes of new files`);
    assert.ok(n1.bytesSent! < rel.ballastBytes * 0.6, `resumed: sent ${n1.bytesSent} of ${rel.ballastBytes}, though half had arrived`);
    assert.equal(await remoteSums(N1.name, next.id), localSums(rel.ballast));
    await assertSettled(next, 'hello');
  });

  it('2. connection cut between migrate and switch: no host switched, the new release removed, lock released', async () => {
    const before = good;
    const next = release(rel.b);
    const result = await deploy(next, faultyDeps({
      afterExec: async (host, command, _result, conn) => {
        if (host === N1.key && command.includes('bin/migrate')) {
          cutSessions(N1.name);
          await waitClosed(conn);
        }
      },
    }));
    assert.equal(result.ok, false);
    assert.equal(result.failedStep, 'switch');
    assert.match(result.error!, /the SSH connection to 127\.0\.0\.1:2271 was lost during switching current/);
    assert.deepEqual(reported(result), [[N1.key, before.id, true], [N2.key, before.id, true]]);
    assert.equal(result.rolledBack, false, 'nothing had switched, so nothing was restarted');
    await assertSettled(before, 'hello');
    for (const h of BOTH) assert.doesNotMatch(await releaseDirs(h.name), new RegExp(next.id));
    assert.match(await onHost(N1.name, `tail -n 1 ${D}/shared/migrations.log`), /bonjour/, 'the migration itself did run');
    await deployOk(next);
    await assertSettled(next, 'bonjour');
  });

  it('3a. connection to the second host cut after the first switched: the first is rolled back, the report says so, a re-run converges', async () => {
    const before = good;
    const next = release(rel.a);
    let cut = false;
    const result = await deploy(next, faultyDeps({
      afterExec: async (host, command) => {
        if (host === N1.key && command.includes('current.tmp-') && !cut) {
          cut = true;
          cutSessions(N2.name);
        }
      },
    }));
    assert.equal(result.ok, false);
    assert.equal(result.failedStep, 'switch');
    assert.match(result.error!, /connection to 127\.0\.0\.1:2272 was lost during switching current/);
    assert.equal(result.rolledBack, true);
    assert.deepEqual(reported(result), [[N1.key, before.id, true], [N2.key, before.id, true]]);
    assert.ok(events.some((e) => e.type === 'note' && e.host === N1.key && e.message === `rolled back to ${before.id}`));
    await assertSettled(before, 'bonjour');
    await deployOk(next);
    await assertSettled(next, 'hello');
  });

  it('3b. first host unreachable after its switch: the report says which host runs what; unlock and a re-run converge', async () => {
    const before = good;
    const next = release(rel.b);
    let offline = false;
    try {
      const result = await deploy(next, faultyDeps({
        afterExec: async (host, command, _r, conn) => {
          if (host === N1.key && command.includes('current.tmp-') && !offline) {
            offline = true;
            takeOffline(N1.name);
            await waitClosed(conn);
          }
        },
      }));
      assert.equal(result.ok, false);
      assert.equal(result.failedStep, 'restart');
      const [h1, h2] = result.hosts;
      assert.deepEqual([h1.host, h1.current, h1.confirmed, h1.lockLeft], [N1.key, next.id, false, true]);
      assert.match(h1.unreachable!, /cannot reconnect to 127\.0\.0\.1:2271/);
      assert.deepEqual([h2.host, h2.current, h2.confirmed, h2.lockLeft], [N2.key, before.id, true, undefined]);
      assert.match(result.error!, new RegExp(`Hosts now: 127\\.0\\.0\\.1:2271 → ${next.id} \\(unconfirmed: unreachable\\); 127\\.0\\.0\\.1:2272 → ${before.id}`));
      assert.ok(result.warnings.some((w) => /deploy lock on 127\.0\.0\.1:2271 could not be released.*phoenix-deploy unlock/.test(w)), result.warnings.join('\n'));
      // What the hosts really are: N1 switched but never restarted (still serving the old code), N2 rolled back.
      assert.equal(await current(N1.name), `releases/${next.id}`);
      assert.equal(await lockState(N1.name), 'locked');
      assert.equal(await current(N2.name), `releases/${before.id}`);
      assert.equal(await health(N2.name), 'ok 0.1.0 hello');
      assert.equal(await lockState(N2.name), 'free');
    } finally {
      await bringOnline(N1.name, N1.port);
    }
    const listed = await listReleases(await remote(env));
    assert.equal(listed[0].locked, true);
    assert.deepEqual([listed[0].lock?.who, listed[0].lock?.pid, listed[0].lock?.host], ['faults@example.com', process.pid, 'fault-suite']);
    assert.equal(listed[0].current, next.id);
    const locks = await readLocks(await remote(env));
    assert.deepEqual(locks.map((l) => [l.host, l.lock?.holder?.who]), [[N1.key, 'faults@example.com'], [N2.key, undefined]]);
    const unlocked = await unlock(await remote(env), new Map([[N1.key, locks[0].lock!.raw]]));
    assert.deepEqual(unlocked.map((u) => [u.host, u.removed]), [[N1.key, true]]);
    // The same build again: N1 already runs it and keeps it, N2 catches up.
    const again = await deployOk(next);
    assert.deepEqual(reported(again), [[N1.key, next.id, true], [N2.key, next.id, true]]);
    await assertSettled(next, 'bonjour');
  });

  it('9. two deploys at the same moment: exactly one proceeds, the other names the holder', async () => {
    const x = release(rel.a);
    const y = release(rel.b);
    const withWho = async (r: ReleaseToDeploy, who: string) => ({ ...(await options(env, r)), identity: { who, developer: who.replace(/@/g, '_'), localHost: 'fault-suite', pid: process.pid } });
    const [ox, oy] = await Promise.all([withWho(x, 'x@example.com'), withWho(y, 'y@example.com')]); // resolved first, so the deploys start together
    const results = await Promise.all([runDeploy(ox, emit, never), runDeploy(oy, emit, never)]);
    const winners = results.filter((r) => r.ok);
    const losers = results.filter((r) => !r.ok);
    assert.equal(winners.length, 1, results.map((r) => r.error).join('\n'));
    assert.equal(losers[0].failedStep, 'lock');
    const [won, greeting, other] = winners[0].release === x.id ? [x, 'hello', 'x'] : [y, 'bonjour', 'y'];
    assert.match(losers[0].error!, new RegExp(`127\\.0\\.0\\.1:2271 is locked by ${other}@example\\.com on fault-suite pid ${process.pid} since `));
    good = won;
    await assertSettled(won, greeting);
    const lost = won === x ? y : x;
    for (const h of BOTH) assert.doesNotMatch(await releaseDirs(h.name), new RegExp(lost.id));
    await deployOk(lost);
  });

  it('10. a changed host key is refused before anything runs; after re-trusting, the next deploy succeeds', async () => {
    const before = good;
    await onHost(N2.name, 'rm -f /etc/ssh/ssh_host_* && ssh-keygen -A >/dev/null && sv restart ssh >/dev/null');
    await bringOnline(N2.name, N2.port);
    const next = release(rel.a);
    const result = await deploy(next);
    assert.equal(result.ok, false);
    assert.equal(result.failedStep, 'connect');
    assert.match(result.error!, /HOST KEY CHANGED for 127\.0\.0\.1:2272: it presented ssh-ed25519 key SHA256:\S+, which does not match .*known_hosts line \d+\. Refusing to connect/);
    for (const h of BOTH) {
      assert.equal(await current(h.name), `releases/${before.id}`);
      assert.equal(await lockState(h.name), 'free');
      assert.doesNotMatch(await releaseDirs(h.name), new RegExp(next.id));
    }
    const listed = await listReleases(await remote(env));
    assert.deepEqual(listed.map((l) => l.ok), [true, false]);
    assert.match(listed[1].error!, /HOST KEY CHANGED/);
    const locks = await readLocks(await remote(env));
    assert.match(locks[1].error!, /HOST KEY CHANGED/);
    await trustHost(N2.port); // the operator checked the new key and updated known_hosts
    await deployOk(next);
    await assertSettled(next, 'hello');
  });
});
