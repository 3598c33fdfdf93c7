/**
 * The deploy engine's recovery paths (issue 7) on fake hosts whose connections can die at an exact
 * command: reconnecting to release locks and roll back, finding out whether a switch whose answer
 * was lost happened, reporting a host that stays unreachable, a hung restart, a full disk, and a
 * re-run of the same build converging.
 */
import assert from 'node:assert/strict';
import { runDeploy } from '../../../src/core/deploy';
import type { DeployOptions } from '../../../src/core/deploy';
import { renderCommand } from '../../../src/core/shell';
import { ConnectionLostError, type SshConnection } from '../../../src/core/ssh/connection';
import type { ResolvedTarget } from '../../../src/core/ssh/target';
import { fakeConnection, fakeHost, ID1, isLockTake, isUnlock, NEW, options, type FakeHost } from '../deploy/fakes';

const never = new AbortController().signal;
const has = (h: FakeHost, s: string) => h.commands.some((c) => c.includes(s));
const after = (h: FakeHost, marker: string) => h.commands.slice(h.commands.findIndex((c) => c.includes(marker)) + 1);
const SWITCH_NEW = `ln -sfn -- releases/${NEW} `;
const RESTART = 'sudo sv restart app';
const unlockedLast = (h: FakeHost) => isUnlock(h.commands.at(-1)!);

interface Faults {
  /** The connection dies when a command matching this runs: before it reaches the host, or after it ran there. */
  cut?: { match: string; when: 'before' | 'after' };
  /** New connections are refused (the host is off the network) once the cut happened. */
  staysDown?: boolean;
  /** Answers a command with this instead (e.g. exit 124 for a hung restart). */
  answer?: (text: string) => { code: number; stdout: string; stderr: string } | undefined;
}

/** A fake host behind a connection that can be cut; `connects` counts connection attempts. */
function flaky(h: FakeHost, faults: Faults) {
  let cut = false;
  let connects = 0;
  const connect = async (t: ResolvedTarget): Promise<SshConnection> => {
    connects++;
    if (cut && faults.staysDown) throw new Error(`cannot connect to deploy@${h.key}:22: connect ECONNREFUSED`);
    const inner = fakeConnection(h, t);
    let alive = true;
    return {
      ...inner,
      isAlive: () => alive,
      async exec(command, o) {
        if (!alive) throw new ConnectionLostError(`deploy@${h.key}:22`);
        const text = renderCommand(command);
        if (text.includes('@@phoenix-deploy:current=')) {
          h.commands.push(text);
          return { code: 0, stdout: `@@phoenix-deploy:current=${h.current ? `releases/${h.current}` : ''}\n`, stderr: '' };
        }
        const hit = !cut && faults.cut && text.includes(faults.cut.match);
        if (hit && faults.cut!.when === 'before') {
          cut = true;
          alive = false;
          throw new ConnectionLostError(`deploy@${h.key}:22`);
        }
        const special = faults.answer?.(text);
        const result = special ? (h.commands.push(text), special) : await inner.exec(command, o);
        if (hit) {
          cut = true;
          alive = false;
          throw new ConnectionLostError(`deploy@${h.key}:22`); // it ran; the answer is lost
        }
        return result;
      },
    };
  };
  return { host: h, connect, connects: () => connects };
}

function withFlaky(hosts: Array<ReturnType<typeof flaky>>, extra: Partial<DeployOptions['deps']> = {}): DeployOptions {
  return options(hosts.map((f) => f.host), {}, {
    connect: (t) => hosts.find((f) => f.host.key === t.target.host)!.connect(t),
    ...extra,
  });
}

describe('recovering from a lost connection', () => {
  it('a switch that ran but whose answer was lost: reconnect, see it happened, switch back, restart; both hosts reported', async () => {
    const web1 = flaky(fakeHost('web1'), { cut: { match: SWITCH_NEW, when: 'after' } });
    const web2 = flaky(fakeHost('web2'), {});
    const result = await runDeploy(withFlaky([web1, web2]), () => undefined, never);
    assert.deepEqual([result.ok, result.failedStep, result.rolledBack], [false, 'switch', true]);
    assert.match(result.error!, /the SSH connection to web1:22 was lost during switching current/);
    assert.equal(web1.connects(), 2, 'reconnected once');
    assert.equal(web1.host.current, ID1, 'switched back');
    assert.ok(after(web1.host, SWITCH_NEW).some((c) => c.includes(RESTART)), 'the old release restarted');
    assert.ok(!has(web2.host, SWITCH_NEW), 'the second host was never switched');
    assert.deepEqual(result.hosts.map((h) => [h.host, h.current, h.confirmed]), [['web1:22', ID1, true], ['web2:22', ID1, true]]);
    for (const f of [web1, web2]) {
      assert.ok(unlockedLast(f.host), `${f.host.key}: unlocked last`);
      assert.ok(has(f.host, `|| { echo "kept $2: current points at it" >&2; exit 3; }' sh /opt/app/current /opt/app/releases/${NEW} && rm -rf -- /opt/app/releases/${NEW}`));
    }
  });

  it('a switch that never reached the host: nothing to undo, and the app is not restarted', async () => {
    const web1 = flaky(fakeHost('web1'), { cut: { match: SWITCH_NEW, when: 'before' } });
    const result = await runDeploy(withFlaky([web1]), () => undefined, never);
    assert.deepEqual([result.ok, result.failedStep, result.rolledBack], [false, 'switch', false]);
    assert.equal(web1.host.current, ID1);
    assert.ok(!has(web1.host, RESTART));
    assert.ok(unlockedLast(web1.host));
    assert.ok(has(web1.host, '"outcome":"failed"'), 'recorded after reconnecting');
  });

  it('a host that stays unreachable after its switch: reported as such with its lock; the other host rolled back', async () => {
    const web1 = flaky(fakeHost('web1'), { cut: { match: RESTART, when: 'before' }, staysDown: true });
    const web2 = flaky(fakeHost('web2'), {});
    const result = await runDeploy(withFlaky([web1, web2]), () => undefined, never);
    assert.deepEqual([result.ok, result.failedStep, result.rolledBack], [false, 'restart', true]);
    const [h1, h2] = result.hosts;
    assert.deepEqual([h1.current, h1.confirmed, h1.lockLeft], [NEW, false, true]);
    assert.match(h1.unreachable!, /cannot reconnect to web1:22: cannot connect to deploy@web1:22:22: connect ECONNREFUSED|cannot reconnect to web1:22/);
    assert.deepEqual([h2.current, h2.confirmed, h2.lockLeft], [ID1, true, undefined]);
    assert.match(result.error!, new RegExp(`\\nHosts now: web1:22 → ${NEW} \\(unconfirmed: unreachable\\); web2:22 → ${ID1} \\(rolled back\\)$`));
    assert.ok(result.warnings.some((w) => /the deploy lock on web1:22 could not be released .*`phoenix-deploy unlock`/.test(w)), result.warnings.join('\n'));
    assert.equal(web2.host.current, ID1);
    assert.ok(unlockedLast(web2.host));
  });

  it('a connection lost mid-upload is named as such, and the lock is still released', async () => {
    const web1 = flaky(fakeHost('web1'), {});
    let conn: SshConnection | undefined;
    const o = withFlaky([web1], {
      connect: async (t) => (conn = await web1.connect(t)),
      upload: async () => {
        (conn as unknown as { isAlive: () => boolean }).isAlive = () => false;
        throw new Error('rsync to deploy@web1:22 failed with exit 12: connection unexpectedly closed');
      },
    });
    const result = await runDeploy(o, () => undefined, never);
    assert.deepEqual([result.ok, result.failedStep], [false, 'upload']);
    assert.match(result.error!, /the SSH connection to web1:22 was lost during the upload \(rsync to deploy@web1:22 failed with exit 12/);
    assert.equal(web1.connects(), 2);
    assert.ok(unlockedLast(web1.host));
  });
});

describe('bounded restart, full disk, re-runs', () => {
  it('a restart that hangs (timeout exits 124) is a failed health check: rolled back', async () => {
    const host = fakeHost('web1');
    // The restart hangs while the new release is current; the old one restarts fine.
    const web1 = flaky(host, { answer: (text) => (text.includes(RESTART) && host.current === NEW ? { code: 124, stdout: '', stderr: '' } : undefined) });
    const o = withFlaky([web1]);
    o.environment = { ...o.environment, restartTimeout: 7 };
    const result = await runDeploy(o, () => undefined, never);
    assert.deepEqual([result.ok, result.failedStep, result.rolledBack], [false, 'restart', true]);
    assert.match(result.error!, /^restart did not finish within 7s on web1:22; it was stopped; treated as a failed health check\. Rolled back automatically\./);
    assert.ok(has(web1.host, `cd -- /opt/app && timeout -k 5 7 ${RESTART}`));
    assert.equal(web1.host.current, ID1);
  });

  it('a full disk during upload: the partial upload removed, host and disk named, nothing prepared', async () => {
    const web1 = flaky(fakeHost('web1'), {
      answer: (text) => (text.startsWith('df -Pk') ? { code: 0, stdout: 'Filesystem 1024-blocks Used Available Capacity Mounted on\n/dev/vdb 1048576 1048000 576 100% /opt\n', stderr: '' } : undefined),
    });
    const o = withFlaky([web1], { upload: async () => { throw new Error('rsync: [receiver] write failed on "/opt/app/staging/x/release/lib/a.beam": No space left on device (28)'); } });
    const result = await runDeploy(o, () => undefined, never);
    assert.deepEqual([result.ok, result.failedStep], [false, 'upload']);
    assert.equal(result.error, 'no space left on web1:22: the upload filled /dev/vdb mounted on /opt, 1024 MB holding /opt/app (1 MB free now). ' +
      'current is untouched; the partial upload was removed from /opt/app/staging/me_example.com. Free space on the host (or lower keep_releases), then deploy again.');
    assert.ok(has(web1.host, 'rm -rf -- /opt/app/staging/me_example.com/release /opt/app/staging/me_example.com/partial /opt/app/staging/me_example.com/cache'));
    assert.ok(!has(web1.host, 'mv -T -- /opt/app/staging'), 'nothing prepared');
    assert.ok(unlockedLast(web1.host));
  });

  it('the same build again: kept where it is already current, prepared afresh where a failed run left it', async () => {
    const web1 = fakeHost('web1', { current: NEW, releases: [ID1, NEW] });
    const web2 = fakeHost('web2', { current: ID1, releases: [ID1, NEW] });
    const events: string[] = [];
    const result = await runDeploy(options([web1, web2]), (e) => e.type === 'note' && events.push(`${e.host}: ${e.message}`), never);
    assert.equal(result.ok, true, result.error);
    assert.ok(!has(web1, 'mv -T -- /opt/app/staging'));
    assert.ok(events.includes(`web1:22: ${NEW} is already current here; nothing to upload`));
    assert.ok(events.includes(`web1:22: ${NEW} is already current here; keeping it`));
    assert.ok(events.includes(`web2:22: ${NEW} was left over by an interrupted deploy; preparing it afresh`));
    const removal = web2.commands.findIndex((c) => c.includes(`rm -rf -- /opt/app/releases/${NEW}`));
    assert.ok(removal >= 0 && removal < web2.commands.findIndex((c) => c.includes('mv -T -- /opt/app/staging')), 'removed, then prepared');
    assert.deepEqual([web1.current, web2.current], [NEW, NEW]);
  });

  it('a lock that cannot be created (a full disk) is reported as such, never as held by someone', async () => {
    const web1 = flaky(fakeHost('web1'), {
      answer: (text) => (isLockTake(text) ? { code: 1, stdout: '', stderr: "ln: failed to create symbolic link '/opt/app/deploy.lock': No space left on device" } : undefined),
    });
    const result = await runDeploy(withFlaky([web1]), () => undefined, never);
    assert.equal(result.failedStep, 'lock');
    assert.equal(result.error, "cannot create /opt/app/deploy.lock on web1:22: ln: failed to create symbolic link '/opt/app/deploy.lock': No space left on device");
    assert.ok(!web1.host.commands.some(isUnlock), 'no lock of ours to remove');
  });
});
