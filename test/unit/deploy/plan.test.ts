import assert from 'node:assert/strict';
import { describeDeploy, describeRollback, runDeploy, runRollback } from '../../../src/core/deploy';
import { sanitizeDeveloper } from '../../../src/core/fleet/local';
import type { PlanEvent } from '../../../src/core/plan/types';
import { fakeHost, ID0, ID1, isUnlock, NEW, options, type FakeHost } from './fakes';

const never = new AbortController().signal;
const switchTo = (id: string) => `ln -sfn -- releases/${id} `;
const has = (h: FakeHost, s: string) => h.commands.some((c) => c.includes(s));
const stepOrder = (events: PlanEvent[]) => events.flatMap((e) => (e.type === 'step-end' ? [`${e.step}:${e.ok ? 'ok' : 'fail'}`] : []));

describe('deploy plan', () => {
  it('dry-run lists every step with each host and exact command; migrate only on the primary', () => {
    const text = describeDeploy(options([fakeHost('web1'), fakeHost('web2')]));
    assert.match(text, /^Deploy 20260103T000000Z-0\.2\.0-ccccccc to production \(web1:22, web2:22\)\n1\. Connect over SSH/);
    for (const host of ['web1:22', 'web2:22']) {
      assert.ok(text.includes(`   ${host}: test -d /opt/app/releases/${NEW} && ln -sfn -- releases/${NEW} /opt/app/current.tmp-${NEW} && mv -T -- /opt/app/current.tmp-${NEW} /opt/app/current`));
      assert.ok(text.includes(`   ${host}: (local) rsync -a --no-times --delete --checksum --compress --stats --timeout=300 ` +
        '--link-dest=/opt/app/cache/me_example.com --link-dest=/opt/app/staging/me_example.com/partial --link-dest=/opt/app/current ' +
        `-e '/tmp/pd-rsh-XXXXXX/node `), text);
      assert.ok(text.includes(' -- /local/rel/ deploy@'), 'into the fresh staging dir, never into the cache');
      assert.ok(text.includes(`${host.split(':')[0]}:/opt/app/staging/me_example.com/release/`));
    }
    assert.equal(text.match(/bin\/migrate/g)?.length, 1);
    const openssh = describeDeploy({ ...options([fakeHost('web1')]), rsyncTransport: 'openssh' });
    assert.ok(openssh.includes("-e 'ssh -F none -o StrictHostKeyChecking=yes -o UserKnownHostsFile=/kh "));
    assert.ok(text.includes('   web1:22: cd -- /opt/app/releases/'));
    assert.deepEqual(text.split('\n').filter((l) => /^\d+\. /.test(l)).map((l) => /\[(\w+)\]$/.exec(l)![1]),
      ['connect', 'lock', 'upload', 'prepare', 'compat', 'migrate', 'switch', 'restart', 'health', 'record', 'cleanup']);
  });

  it('deploys: one migration on the primary, switch everywhere, record, cleanup, unlock, close', async () => {
    const hosts = [fakeHost('web1'), fakeHost('web2')];
    const events: PlanEvent[] = [];
    const result = await runDeploy(options(hosts), (e) => events.push(e), never);
    assert.equal(result.ok, true, result.error);
    assert.equal(hosts.filter((h) => has(h, 'bin/migrate')).map((h) => h.key).join(), 'web1');
    for (const h of hosts) {
      assert.equal(h.current, NEW);
      assert.ok(has(h, '"outcome":"success"'));
      assert.ok(has(h, `rm -rf -- /opt/app/releases/${ID0}`), 'cleanup of the oldest (keep 2, protect previous)');
      assert.ok(isUnlock(h.commands.at(-1)!) && h.commands.at(-1)!.includes('@@phoenix-deploy:current='), h.commands.at(-1)); // read back current, then unlock
      assert.equal(h.closed, true);
    }
    assert.deepEqual(result.hosts.map((h) => [h.host, h.previous, h.current, h.bytesSent]), [['web1:22', ID1, NEW, 1000], ['web2:22', ID1, NEW, 1000]]);
    assert.ok(events.some((e) => e.type === 'note' && e.message.startsWith('sent 1000 bytes (1.0% of 100000 bytes)')));
  });

  it('a failed migration switches nothing, removes the new release, records and unlocks', async () => {
    const hosts = [fakeHost('web1', { migrateExit: 1 }), fakeHost('web2')];
    const result = await runDeploy(options(hosts), () => undefined, never);
    assert.deepEqual([result.ok, result.failedStep], [false, 'migrate']);
    // The migration's own words lead; the tool's line follows.
    assert.match(result.error!, /^the migration on web1:22 said:\n {2}migrating\n {2}boom\nmigration failed on web1:22 \(exit 1\); nothing was switched/);
    assert.deepEqual(result.hosts[0].error?.appSays, ['migrating', 'boom']);
    for (const h of hosts) {
      assert.equal(h.current, ID1);
      assert.ok(!has(h, switchTo(NEW)));
      assert.ok(has(h, `rm -rf -- /opt/app/releases/${NEW}`));
      assert.ok(has(h, '"outcome":"failed"'));
      assert.ok(isUnlock(h.commands.at(-1)!), h.commands.at(-1)); // read back current, then unlock
    }
  });

  it('a held lock is a refusal naming the holder; only our own locks are removed', async () => {
    const hosts = [fakeHost('web1'), fakeHost('web2', { lockHeld: true })];
    const result = await runDeploy(options(hosts), () => undefined, never);
    assert.deepEqual([result.ok, result.failedStep], [false, 'lock']);
    assert.match(result.error!, /web2:22 is locked by other@x on laptop pid 9/);
    assert.ok(hosts[0].commands.some(isUnlock));
    assert.ok(!hosts[1].commands.some(isUnlock));
  });

  it('the compat gate blocks before the switch, naming host, file and library', async () => {
    const ldd = "./erts-13.1.5/bin/beam.smp: /lib/x86_64-linux-gnu/libc.so.6: version `GLIBC_2.34' not found (required by ./erts-13.1.5/bin/beam.smp)\n";
    const hosts = [fakeHost('web1'), fakeHost('old', { lddOutput: ldd })];
    const result = await runDeploy(options(hosts), () => undefined, never);
    assert.deepEqual([result.ok, result.failedStep], [false, 'compat']);
    assert.match(result.error!, /release cannot run on old:22: erts-13\.1\.5\/bin\/beam\.smp needs GLIBC_2\.34 from libc\.so\.6/);
    assert.ok(hosts.every((h) => !has(h, switchTo(NEW)) && !has(h, 'bin/migrate')));
  });

  it('a failed health check rolls every host back and restarts it', async () => {
    const hosts = [fakeHost('web1'), fakeHost('web2', { health: { [NEW]: 503 } })];
    const events: PlanEvent[] = [];
    const result = await runDeploy(options(hosts), (e) => events.push(e), never);
    assert.deepEqual([result.ok, result.failedStep, result.rolledBack], [false, 'health', true]);
    assert.match(result.error!, /web2:22: http:\/\/127\.0\.0\.1:4000\/health not healthy after 1s; last response: 503/);
    for (const h of hosts) {
      assert.equal(h.current, ID1);
      assert.ok(has(h, '"outcome":"rolled-back"'));
      assert.ok(!has(h, `rm -rf -- /opt/app/releases/${ID0}`), 'no cleanup after a failure');
    }
    assert.deepEqual(result.hosts.map((h) => h.current), [ID1, ID1]);
    // The release rolled back to answers again: each release answers for itself on the fake hosts.
    for (const h of ['web1:22', 'web2:22']) {
      assert.ok(events.some((e) => e.type === 'note' && e.host === h && e.message === `${ID1} is healthy again`), h);
    }
  });

  it('a rollback target that is not healthy either is reported, not hidden', async () => {
    const hosts = [fakeHost('web1', { health: { [NEW]: 503, [ID1]: 500 } })];
    const events: PlanEvent[] = [];
    const result = await runDeploy(options(hosts), (e) => events.push(e), never);
    assert.equal(result.ok, false);
    assert.equal(hosts[0].current, ID1);
    assert.ok(events.some((e) => e.type === 'note' && e.message.startsWith(`${ID1} is not healthy either`)));
  });

  it('without health configured, the plan and the result say the deploy was not health-checked', async () => {
    const hosts = [fakeHost('web1')];
    const o = options(hosts, { health: undefined });
    assert.match(describeDeploy(o), /health\]\n   web1:22: not health-checked: no health configured/);
    const events: PlanEvent[] = [];
    const result = await runDeploy(o, (e) => events.push(e), never);
    assert.deepEqual([result.ok, result.healthChecked], [true, false]);
    assert.ok(events.some((e) => e.type === 'note' && e.level === 'warning' && /^not health-checked/.test(e.message)));
    assert.equal((await runDeploy(options([fakeHost('web1')]), () => undefined, never)).healthChecked, true);
  });

  it('cancel before the switch leaves production untouched; after it, the deploy finishes', async () => {
    const early = new AbortController();
    const hosts = [fakeHost('web1')];
    const o = options(hosts, {}, { upload: async () => { early.abort(); throw Object.assign(new Error('aborted'), { name: 'AbortError' }); } });
    const cancelled = await runDeploy(o, () => undefined, early.signal);
    assert.deepEqual([cancelled.ok, cancelled.cancelled], [false, true]);
    assert.equal(hosts[0].current, ID1);
    assert.ok(has(hosts[0], '"outcome":"cancelled"') && hosts[0].commands.some(isUnlock));

    const late = new AbortController();
    const hosts2 = [fakeHost('web1')];
    const events: PlanEvent[] = [];
    const done = await runDeploy(options(hosts2), (e) => {
      events.push(e);
      if (e.type === 'step-start' && e.step === 'switch') late.abort();
    }, late.signal);
    assert.equal(done.ok, true, done.error);
    assert.equal(hosts2[0].current, NEW);
    assert.deepEqual(stepOrder(events).slice(-5), ['switch:ok', 'restart:ok', 'health:ok', 'record:ok', 'cleanup:ok']);
  });
});

describe('rollback plan', () => {
  it('without a record in deploys.log, returns to the release before current by id, and says so', async () => {
    const hosts = [fakeHost('web1', { releases: [ID1, NEW, ID0], current: NEW })];
    const events: PlanEvent[] = [];
    const result = await runRollback({ ...options(hosts) }, (e) => events.push(e), never);
    assert.equal(result.ok, true, result.error);
    assert.equal(result.release, ID1);
    assert.equal(hosts[0].current, ID1);
    assert.ok(has(hosts[0], '"kind":"rollback"') && has(hosts[0], 'sudo sv restart app'));
    assert.ok(!has(hosts[0], 'rm -rf -- /opt/app/releases/'));
    assert.ok(events.some((e) => e.type === 'note' && e.level === 'warning' && e.message === 'deploys.log has no record of a deploy; falling back to id order'));
  });

  it('undoes the last change: deploy A, deploy B, rollback --to A, rollback lands on B', async () => {
    const [a, b] = [ID0, NEW]; // B's id is newer; a plain id-order rollback from A would find nothing older
    const host = fakeHost('web1', { releases: [a, ID1], current: ID1 });
    const run = async (work: Promise<{ ok: boolean; error?: string }>) => assert.equal((await work).ok, true);
    await run(runRollback({ ...options([host]), to: a }, () => undefined, never));
    await run(runDeploy(options([host]), () => undefined, never));
    assert.equal(host.current, b);
    await run(runRollback({ ...options([host]), to: a }, () => undefined, never));
    assert.equal(host.current, a);
    await run(runRollback(options([host]), () => undefined, never));
    assert.equal(host.current, b, 'back to what ran before the rollback --to, not to an older id');
    await run(runRollback(options([host]), () => undefined, never));
    assert.equal(host.current, a, 'a second plain rollback undoes the first');
  });

  it('--to must exist; with nothing older there is nothing to roll back to', async () => {
    const missing = await runRollback({ ...options([fakeHost('web1')]), to: '20250101T000000Z-0.0.1-ddddddd' }, () => undefined, never);
    assert.match(missing.error!, /release 20250101T000000Z-0\.0\.1-ddddddd is not on web1:22/);
    const oldest = await runRollback({ ...options([fakeHost('web1', { current: ID0 })]) }, () => undefined, never);
    assert.match(oldest.error!, /web1:22 has no release to roll back to from 20260101T000000Z-0\.1\.0-aaaaaaa \(deploys\.log has no record of a deploy, and no older release is there\)/);
    assert.match(describeRollback({ ...options([fakeHost('web1')]), to: ID0 }), /select\][\s\S]*release 20260101T000000Z/);
  });
});

describe('developer cache name', () => {
  it('sanitises to [a-z0-9._-]', () => {
    assert.equal(sanitizeDeveloper('Jane.Doe@Example.com'), 'jane.doe_example.com');
    assert.equal(sanitizeDeveloper('../../etc; rm -rf ~'), 'etc_rm_-rf_');
    assert.equal(sanitizeDeveloper('..'), 'developer');
    assert.equal(sanitizeDeveloper(''), 'developer');
  });
});
