import assert from 'node:assert/strict';
import { UserError } from '../../../src/core/errors';
import { ANY_EXIT, commandQuery, type RemoteQuery } from '../../../src/core/remoteQuery';
import { ConnectionLostError, type SshConnection } from '../../../src/core/ssh/connection';
import { CommandTimeoutError, exitCodeOf, runQuery } from '../../../src/core/ssh/runQuery';
import { directTarget } from '../../support/targets';
import { fakeConnection, fakeHost, type FakeHost } from '../deploy/fakes';

/** web1 on the plan tests' fake host (which answers bin/migrate with its migrateExit). */
function onFake(init: Partial<FakeHost> = {}) {
  const h = fakeHost('web1', init);
  const target = directTarget('web1:22', 'web1', 22);
  return { h, host: { target, conn: fakeConnection(h, target) } };
}

/** A connection whose commands never finish until their signal is aborted. */
function hanging(conn: SshConnection): SshConnection {
  return {
    ...conn,
    exec: (_command, o = {}) => new Promise((_, reject) => {
      o.signal?.addEventListener('abort', () => reject(Object.assign(new Error('aborted'), { name: 'AbortError' })), { once: true });
    }),
  };
}

const migrate = commandQuery('the migration', ['bin/migrate']);

describe('runQuery: one way to run a command on a host', () => {
  it('fails on an exit code outside okCodes (default [0]), naming the host and the exit, with the stderr tail', async () => {
    const { host } = onFake({ migrateExit: 2 });
    const error = await runQuery(host, migrate).then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof UserError);
    assert.equal(error.message, 'the migration failed on web1:22 (exit 2): boom');
    assert.equal(error.detail?.host, 'web1:22');
    assert.equal(exitCodeOf(error), 2);
  });

  it('hands an accepted non-zero exit to the parser, and any exit with ANY_EXIT', async () => {
    const { host } = onFake({ migrateExit: 2 });
    const code: RemoteQuery<number> = { what: 'the migration', command: ['bin/migrate'], okCodes: [0, 2], parse: (r) => r.code };
    assert.equal(await runQuery(host, code), 2);
    assert.equal(await runQuery(host, { ...code, okCodes: ANY_EXIT }), 2);
    await assert.rejects(runQuery(host, { ...code, okCodes: [0, 1] }), /exit 2/);
  });

  it('gives the parser the answer and the host, and returns what it returns', async () => {
    const { host, h } = onFake();
    const seen: string[] = [];
    const lines = await runQuery(host, { what: 'migrating', command: ['bin/migrate'], parse: (r, key) => (seen.push(key), r.stdout.trim().split('\n')) });
    assert.deepEqual(lines, ['migrating']);
    assert.deepEqual(seen, ['web1:22']);
    assert.deepEqual(h.commands, ['bin/migrate']);
  });

  it('tags a parser\'s plain error with the host, keeping its message; a UserError subclass passes unchanged', async () => {
    const { host } = onFake();
    const plain = await runQuery(host, { ...migrate, parse: () => { throw new Error('no marker in the answer'); } }).catch((e: unknown) => e);
    assert.ok(plain instanceof UserError);
    assert.equal(plain.message, 'no marker in the answer');
    assert.equal(plain.detail?.host, 'web1:22');
    class Held extends UserError {}
    const held = new Held('held by someone', { host: 'elsewhere' });
    assert.equal(await runQuery(host, { ...migrate, parse: () => { throw held; } }).catch((e: unknown) => e), held);
  });

  it('stops a command that outlives timeoutMs: a CommandTimeoutError naming the host; a cancel stays a cancel', async () => {
    const { host } = onFake();
    const slow = { ...host, conn: hanging(host.conn) };
    const timedOut = await runQuery(slow, migrate, { timeoutMs: 20 }).catch((e: unknown) => e);
    assert.ok(timedOut instanceof CommandTimeoutError, String(timedOut));
    assert.equal(timedOut.message, 'the migration did not finish within 0.02s on web1:22; it was stopped');
    assert.equal(timedOut.detail?.host, 'web1:22');
    const cancel = new AbortController();
    setTimeout(() => cancel.abort(), 10);
    const cancelled = await runQuery(slow, migrate, { timeoutMs: 60_000, signal: cancel.signal }).catch((e: unknown) => e);
    assert.equal((cancelled as Error).name, 'AbortError');
  });

  it('names the host and the work when the connection is lost under it, and refuses a host not connected', async () => {
    const { host } = onFake({ dropAfter: (text) => text === 'bin/migrate' });
    const lost = await runQuery(host, migrate).catch((e: unknown) => e);
    assert.ok(lost instanceof ConnectionLostError);
    assert.equal(lost.message, 'the SSH connection to web1:22 was lost during the migration (connection reset)');
    assert.equal(lost.detail?.host, 'web1:22');
    const unconnected = await runQuery({ target: host.target }, migrate).catch((e: unknown) => e);
    assert.ok(unconnected instanceof UserError);
    assert.equal(unconnected.detail?.host, 'web1:22');
  });

  it('streams the output to the caller as it comes', async () => {
    const { host, h } = onFake();
    let streamed = '';
    await runQuery(host, migrate, { onStdout: (t) => (streamed += t) });
    assert.equal(streamed, 'migrating\n');
    assert.deepEqual(h.commands, ['bin/migrate']);
  });
});
