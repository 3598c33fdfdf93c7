/**
 * Release integrity (issue 13) on real sshd hosts, with the real rsync and the real example app:
 * a prepared release never changes, rollback undoes the last change (from deploys.log), a full disk
 * while locking leaves no lock, and unlock removes only the lock it showed.
 *   npx tsc -p . && node out/test/support/runLayer.js integration integrity
 */
import assert from 'node:assert/strict';
import { chmodSync, cpSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runDeploy, runRollback } from '../../src/core/deploy';
import { readLocks, unlock } from '../../src/core/fleet/locks';
import type { DeployResult } from '../../src/core/deploy';
import { lockCommand, lockText, type LockHolder } from '../../src/core/remote/lock';
import { remotePaths } from '../../src/core/remote/paths';
import { renderCommand } from '../../src/core/shell';
import {
  current, D, environment, health, lockState, onHost, options, prepareHost, release, releases, remote, startHost, WORK, type Releases,
} from './faults/support';

const H1 = { name: 'pd13-i1', port: 2420 };
const H2 = { name: 'pd13-i2', port: 2421 };
const never = new AbortController().signal;

/** sha256, mode, mtime and size of every file of a release on the host, sorted by path. */
const fileFacts = (name: string, id: string) =>
  onHost(name, `cd ${D}/releases/${id} && find . -type f -printf '%p %m %T@ %s ' -exec sha256sum {} \\; | awk '{print $1, $2, $3, $4, $5}' | sort`);

function ok(result: DeployResult): DeployResult {
  assert.equal(result.ok, true, result.error);
  return result;
}

describe('release integrity on real hosts', function () {
  this.timeout(600000);
  let rel: Releases;
  const env = environment([H1.port]);

  before(async () => {
    rel = await releases();
    await Promise.all([startHost(H1.name, H1.port), startHost(H2.name, H2.port, `--tmpfs ${D}:rw,exec,size=24m,uid=1000,gid=1000,mode=755`)]);
    await Promise.all([prepareHost(H1.name), prepareHost(H2.name)]);
  });

  it('after a redeploy, every file of the previous release keeps its sha256, mode, mtime and size', async () => {
    const first = release(rel.a);
    ok(await runDeploy(await options(env, first), () => undefined, never));
    const before = await fileFacts(H1.name, first.id);
    assert.ok(before.split('\n').length > 500, 'the whole release is compared');
    // The next build: same content mostly, every mtime new, one executable bit dropped, one file changed.
    const next = join(WORK, 'rel', 'integrity-next');
    cpSync(rel.a, next, { recursive: true, verbatimSymlinks: true });
    chmodSync(join(next, 'bin', 'migrate'), 0o700);
    writeFileSync(join(next, 'releases', '0.1.0', 'env.sh'), '#!/bin/sh\n# a rebuilt env.sh\n', { flag: 'a' });
    const stamp = new Date('2030-01-01T00:00:00Z');
    for (const f of ['bin/hello_phoenix', 'bin/migrate', 'releases/0.1.0/env.sh', 'releases/0.1.0/vm.args']) utimesSync(join(next, f), stamp, stamp);
    const second = release(next);
    const result = ok(await runDeploy(await options(env, second), () => undefined, never));
    assert.equal(await fileFacts(H1.name, first.id), before, 'the earlier release is exactly as it was prepared');
    assert.match(before, /^\.\/bin\/migrate 755 /m);
    assert.match(await fileFacts(H1.name, second.id), /^\.\/bin\/migrate 700 /m);
    assert.ok((result.hosts[0].bytesSent ?? 0) < 100_000, `a redeploy sends only what changed (${result.hosts[0].bytesSent} bytes)`);
    assert.equal(await health(H1.name), 'ok 0.1.0 hello');
  });

  it('deploy A, deploy B, rollback --to A, rollback lands on B (not on an older id)', async () => {
    const older = release(rel.a);
    const a = release(rel.a);
    const b = release(rel.b);
    for (const r of [older, a, b]) ok(await runDeploy(await options(env, r), () => undefined, never));
    ok(await runRollback({ ...(await remote(env)), to: a.id, healthIntervalMs: 300 }, () => undefined, never));
    assert.equal(await current(H1.name), `releases/${a.id}`);
    const back = ok(await runRollback({ ...(await remote(env)), healthIntervalMs: 300 }, () => undefined, never));
    assert.equal(back.release, b.id);
    assert.equal(await current(H1.name), `releases/${b.id}`);
    assert.equal(await health(H1.name), 'ok 0.1.0 bonjour');
  });

  it('a full disk while taking the lock leaves no lock behind, and says why', async () => {
    const first = release(rel.a);
    ok(await runDeploy(await options(environment([H2.port]), first), () => undefined, never));
    await onHost(H2.name, `su deploy -s /bin/sh -c 'cat /dev/zero > ${D}/filler 2>/dev/null; true'`);
    const result = await runDeploy(await options(environment([H2.port]), release(rel.b)), () => undefined, never);
    assert.equal(result.failedStep, 'lock');
    assert.match(result.error!, /^cannot create \/opt\/hello_phoenix\/deploy\.lock on 127\.0\.0\.1:2421: .*No space left on device/);
    assert.equal(await lockState(H2.name), 'free');
    assert.equal(await current(H2.name), `releases/${first.id}`);
    await onHost(H2.name, `rm -f ${D}/filler`);
    ok(await runDeploy(await options(environment([H2.port]), release(rel.b)), () => undefined, never));
    assert.equal(await lockState(H2.name), 'free');
  });

  it('unlock never removes a lock other than the one it showed', async () => {
    const holder = (who: string): LockHolder => ({ who, when: '2026-12-01T10:00:00.000Z', release: 'r', pid: 1, host: 'elsewhere', kind: 'deploy', token: who });
    const take = (who: string) => onHost(H1.name, renderCommand(lockCommand(remotePaths(D), holder(who))));
    await take('ann@example.com');
    const shown = await readLocks(await remote(env));
    assert.equal(shown[0].lock?.holder?.who, 'ann@example.com');
    // Ann's deploy ends and Bob's starts between showing the lock and the user's "yes".
    await onHost(H1.name, `rm ${D}/deploy.lock`);
    await take('bob@example.com');
    const results = await unlock(await remote(env), new Map([[shown[0].host, shown[0].lock!.raw]]));
    assert.deepEqual([results[0].removed, results[0].changed?.holder?.who], [false, 'bob@example.com']);
    assert.equal(await onHost(H1.name, `readlink ${D}/deploy.lock`), lockText(holder('bob@example.com')));
    assert.equal(await lockState(H1.name), 'locked');
    const again = await readLocks(await remote(env));
    const removed = await unlock(await remote(env), new Map([[again[0].host, again[0].lock!.raw]]));
    assert.deepEqual([removed[0].removed, removed[0].holder?.who], [true, 'bob@example.com']);
    assert.equal(await lockState(H1.name), 'free');
  });
});
