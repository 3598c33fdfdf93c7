import assert from 'node:assert/strict';
import { askEachHost, withConnections } from '../../../src/core/fleet/eachHost';
import { commandQuery } from '../../../src/core/remoteQuery';
import type { ResolvedTarget } from '../../../src/core/ssh/target';
import { directTarget } from '../../support/targets';
import { fakeConnection, fakeHost, type FakeHost } from '../deploy/fakes';

function fleet(keys: string[], unreachable: string[] = []) {
  const hosts = keys.map((k) => fakeHost(k));
  const targets = keys.map((k, i) => directTarget(`${k}:22`, k, 22, { primary: i === 0 }));
  let open = 0;
  let most = 0;
  const connect = async (t: ResolvedTarget) => {
    if (unreachable.includes(t.target.host)) throw new Error(`cannot connect to ${t.key}: connection refused`);
    open++;
    most = Math.max(most, open);
    const conn = fakeConnection(hosts.find((h) => h.key === t.target.host)!, t);
    return { ...conn, close: async () => (open--, conn.close()) };
  };
  return { hosts, targets, connect, most: () => most, open: () => open };
}

const closed = (hosts: FakeHost[]) => hosts.map((h) => h.closed);

describe('askEachHost: connect to each host and ask it something', () => {
  it('runs a query on every host, answers in the hosts\' order, closes every connection', async () => {
    const f = fleet(['web1', 'web2', 'web3']);
    const answers = await askEachHost(f.connect, f.targets, { ...commandQuery('migrating', ['bin/migrate']), parse: (r, host) => `${host}: ${r.stdout.trim()}` }, { step: 'migrate' });
    assert.deepEqual(answers, [
      { host: 'web1:22', ok: true, value: 'web1:22: migrating' },
      { host: 'web2:22', ok: true, value: 'web2:22: migrating' },
      { host: 'web3:22', ok: true, value: 'web3:22: migrating' },
    ]);
    assert.deepEqual(closed(f.hosts), [true, true, true]);
    assert.equal(f.open(), 0);
  });

  it('gives each failed host a structured error (step, host, message); the others still answer', async () => {
    const f = fleet(['web1', 'web2', 'web3'], ['web2']);
    f.hosts[2].migrateExit = 1;
    const answers = await askEachHost(f.connect, f.targets, commandQuery('the migration', ['bin/migrate']), { step: 'migrate' });
    assert.equal(answers[0].ok, true);
    assert.deepEqual(answers[1], { host: 'web2:22', ok: false, error: { step: 'migrate', host: 'web2:22', message: 'cannot connect to web2:22: connection refused' } });
    assert.deepEqual(answers[2], { host: 'web3:22', ok: false, error: { step: 'migrate', host: 'web3:22', message: 'the migration failed on web3:22 (exit 1): boom' } });
    assert.deepEqual(closed(f.hosts), [true, false, true]);
  });

  it('runs work over the open connection, at most 8 hosts at once', async () => {
    const keys = Array.from({ length: 12 }, (_, i) => `web${i + 1}`);
    const f = fleet(keys);
    const answers = await askEachHost(f.connect, f.targets, async (host) => {
      await new Promise((r) => setTimeout(r, 5));
      return host.target.key;
    }, { step: 'look' });
    assert.deepEqual(answers.map((a) => (a.ok ? a.value : a.error.message)), keys.map((k) => `${k}:22`));
    assert.equal(f.most(), 8);
    assert.equal(f.open(), 0);
  });
});

describe('withConnections: every host open at once, for work that spans them', () => {
  it('passes the hosts reached and the errors of the others, and closes them all even when the work fails', async () => {
    const f = fleet(['web1', 'web2', 'web3'], ['web3']);
    const failure = await withConnections(f.connect, f.targets, 'logs', new AbortController().signal, async (hosts, unreached) => {
      assert.deepEqual(hosts.map((h) => h.target.key), ['web1:22', 'web2:22']);
      assert.deepEqual(unreached, [{ host: 'web3:22', ok: false, error: { step: 'logs', host: 'web3:22', message: 'cannot connect to web3:22: connection refused' } }]);
      assert.equal(f.open(), 2);
      throw new Error('the work failed');
    }).catch((e: Error) => e.message);
    assert.equal(failure, 'the work failed');
    assert.equal(f.open(), 0);
  });
});
