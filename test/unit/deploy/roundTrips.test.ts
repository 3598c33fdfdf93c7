import assert from 'node:assert/strict';
import { runDeploy } from '../../../src/core/deploy';
import { healthPause } from '../../../src/core/deploy/steps/healthPoll';
import { fakeHost, ID0, isLockTake, NEW, options } from './fakes';

const never = new AbortController().signal;

describe('deploy round trips', () => {
  it('one exec takes the lock, makes the directories and inspects the host; with rsync, at most 10 per host', async () => {
    const hosts = [fakeHost('web1'), fakeHost('web2')];
    const result = await runDeploy(options(hosts), () => undefined, never);
    assert.equal(result.ok, true, result.error);
    for (const h of hosts) {
      assert.ok(isLockTake(h.commands[0]) && h.commands[0].includes('@@phoenix-deploy:end'), h.commands[0]);
      assert.ok(h.commands.some((c) => c.includes(`rm -rf -- /opt/app/releases/${ID0}`)), 'a cleanup was due');
      // + 1 rsync channel (faked here): lock, prepare, compat, (migrate), switch, restart, record, cleanup, read back + unlock.
      assert.ok(h.commands.length + 1 <= 10, `${h.key}: ${h.commands.length} execs:\n${h.commands.join('\n')}`);
    }
    assert.deepEqual(result.hosts.map((h) => h.current), [NEW, NEW]);
  });

  it('health polls start every 100 ms and back off to the configured interval', () => {
    const pauses = Array.from({ length: 45 }, (_, i) => healthPause(i + 1, 1000));
    assert.deepEqual([pauses[0], pauses[9], pauses[10], pauses[19], pauses[20], pauses[30], pauses[44]], [100, 100, 200, 200, 400, 800, 1000]);
    assert.equal(healthPause(1, 50), 50, 'never longer than the interval');
  });
});
