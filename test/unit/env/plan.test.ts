import assert from 'node:assert/strict';
import { describeEnvChange, listEnv, runEnvChange, type EnvOptions, type EnvPreview } from '../../../src/core/env';
import type { PlanEvent } from '../../../src/core/plan/types';
import { fakeHost, options, type FakeHost } from '../deploy/fakes';

const never = new AbortController().signal;
const SECRET = 'pa$$ "w0rd" `x` with spaces';

function envOptions(hosts: FakeHost[], edit: EnvOptions['edit'], extra: Partial<EnvOptions> = {}, previews: EnvPreview[] = []): EnvOptions {
  const { release: _release, ...remote } = options(hosts, extra.environment ?? {});
  return { ...remote, edit, confirm: async (p) => (previews.push(p), true), ...extra, environment: { ...remote.environment, ...extra.environment } };
}

const set = (entries: Record<string, string>) => ({ set: new Map(Object.entries(entries)), unset: [] as string[] });

describe('env set / unset / push (plan on fake hosts)', () => {
  it('writes the same edit on every host, keeping each file\'s other lines; values never reach a command, an event or the result', async () => {
    const hosts = [fakeHost('web1', { env: '# keep me\nPOOL=10\n' }), fakeHost('web2', { env: 'OTHER=1\n' })];
    const events: PlanEvent[] = [];
    const previews: EnvPreview[] = [];
    const result = await runEnvChange(envOptions(hosts, set({ DB_PASSWORD: SECRET, POOL: '20' }), {}, previews), (e) => events.push(e), never);
    assert.ok(result.ok, result.error);
    assert.equal(hosts[0].env, '# keep me\nPOOL=20\nDB_PASSWORD="pa\\$\\$ \\"w0rd\\" \\`x\\` with spaces"\n');
    assert.equal(hosts[1].env, 'OTHER=1\nDB_PASSWORD="pa\\$\\$ \\"w0rd\\" \\`x\\` with spaces"\nPOOL=20\n');
    assert.deepEqual(previews.map((p) => p.text), ['web1:22: add DB_PASSWORD, change POOL\nweb2:22: add DB_PASSWORD, add POOL\n']);
    assert.deepEqual(result.hosts.map((h) => [h.host, h.written]), [['web1:22', true], ['web2:22', true]]);
    const everything = JSON.stringify({ events, result, commands: hosts.flatMap((h) => h.commands) });
    assert.ok(!everything.includes('w0rd'), 'the value appears nowhere but on the hosts');
    assert.ok(hosts.every((h) => h.closed));
    assert.ok(!hosts.some((h) => h.commands.some((c) => c.includes('deploy.lock'))), 'no lock without --restart');
  });

  it('unset removes the key; a key set to what it already is changes nothing and asks nothing', async () => {
    const hosts = [fakeHost('web1', { env: 'A=1\nB=2\n' })];
    const previews: EnvPreview[] = [];
    assert.ok((await runEnvChange(envOptions(hosts, { set: new Map(), unset: ['A'] }, {}, previews), () => undefined, never)).ok);
    assert.equal(hosts[0].env, 'B=2\n');
    const same = await runEnvChange(envOptions(hosts, set({ B: '2' }), {}, previews), () => undefined, never);
    assert.ok(same.ok);
    assert.equal(same.changed, false);
    assert.equal(previews.length, 1, 'nothing to confirm the second time');
    assert.equal(hosts[0].envWrites?.length, 1);
    const last = await runEnvChange(envOptions(hosts, { set: new Map(), unset: ['B'] }), () => undefined, never);
    assert.deepEqual(last.hosts.map((h) => h.written), [true]);
    assert.equal(hosts[0].env, '', 'unsetting the last key leaves an empty file');
  });

  it('a file changed by someone else since it was read is left alone, and the error names the host', async () => {
    const hosts = [fakeHost('web1', { env: 'A=1\n' })];
    const opts = envOptions(hosts, set({ A: '2' }), {
      confirm: async () => {
        hosts[0].env = 'A=1\nEDITED=yes\n'; // someone edits while we ask
        return true;
      },
    });
    const result = await runEnvChange(opts, () => undefined, never);
    assert.deepEqual([result.ok, result.failedStep], [false, 'write']);
    assert.match(result.error!, /\/opt\/app\/shared\/env on web1:22 changed since it was read .*left alone/);
    assert.equal(hosts[0].env, 'A=1\nEDITED=yes\n');
  });

  it('each failing host\'s error is in the result, structured (host, step, message); the host that was written has none', async () => {
    const hosts = [fakeHost('web1', { env: 'A=1\n' }), fakeHost('web2', { env: 'A=1\n' })];
    const opts = envOptions(hosts, set({ A: '2' }), {
      confirm: async () => {
        hosts[1].env = 'A=1\nEDITED=yes\n';
        return true;
      },
    });
    const result = JSON.parse(JSON.stringify(await runEnvChange(opts, () => undefined, never))) as Awaited<ReturnType<typeof runEnvChange>>;
    assert.deepEqual([result.ok, result.failedStep], [false, 'write']);
    assert.deepEqual(result.hosts.map((h) => [h.host, h.written, h.error?.host, h.error?.step]), [['web1:22', true, undefined, undefined], ['web2:22', false, 'web2:22', 'write']]);
    assert.match(result.hosts[1].error!.message, /\/opt\/app\/shared\/env on web2:22 changed since it was read/);
  });

  it('not confirmed: nothing is written', async () => {
    const hosts = [fakeHost('web1', { env: 'A=1\n' })];
    const result = await runEnvChange(envOptions(hosts, set({ A: '2' }), { confirm: async () => false }), () => undefined, never);
    assert.deepEqual([result.ok, result.cancelled], [false, true]);
    assert.equal(hosts[0].env, 'A=1\n');
  });

  it('--restart on the restart strategy: lock, write, restart, health, unlock; nothing recorded in deploys.log', async () => {
    const hosts = [fakeHost('web1', { env: '' }), fakeHost('web2', { env: '' })];
    const steps: string[] = [];
    const result = await runEnvChange(envOptions(hosts, set({ A: '1' }), { restart: true }), (e) => e.type === 'step-end' && steps.push(`${e.step}:${e.ok}`), never);
    assert.ok(result.ok, result.error);
    assert.deepEqual(steps, ['connect:true', 'lock:true', 'read:true', 'confirm:true', 'write:true', 'restart:true', 'health:true']);
    for (const h of hosts) {
      const write = h.commands.findIndex((c) => c.includes('changed since it was read'));
      const restart = h.commands.findIndex((c) => c.includes('sudo sv restart app'));
      assert.ok(write >= 0 && restart > write, 'the restart comes after the write');
      assert.equal(h.log.length, 0, 'no deploys.log record');
    }
    assert.equal(result.restarted, true);
    assert.equal(result.restart?.hosts.every((h) => h.current === h.previous), true);
  });

  it('--restart on blue/green hosts is the slot dance toward the live release', async () => {
    const hosts = [fakeHost('web1', { env: '' })];
    const steps: string[] = [];
    const environment = { service: 'systemd' as const, strategy: 'blue_green' as const, restart: undefined, proxy: { listen: 80, serverName: 'shop' }, health: { path: '/health', expect: 200, timeout: 1 } };
    const result = await runEnvChange({ ...envOptions(hosts, set({ A: '1' }), { restart: true, environment: environment as never }), app: 'app' },
      (e) => e.type === 'step-end' && steps.push(e.step), never);
    assert.ok(result.ok, result.error);
    assert.deepEqual(steps, ['connect', 'lock', 'read', 'confirm', 'write', 'point', 'start', 'health', 'route', 'drain']);
    assert.ok(hosts[0].commands.some((c) => c.includes('ln -sfn -- ../releases/20260102T000000Z-0.1.0-bbbbbbb /opt/app/slots/green.tmp')), 'the idle slot takes the live release');
  });

  it('--restart where nothing is deployed fails before anything is written', async () => {
    const hosts = [fakeHost('web1', { env: 'A=1\n', current: undefined, releases: [] })];
    const result = await runEnvChange(envOptions(hosts, set({ A: '2' }), { restart: true }), () => undefined, never);
    assert.deepEqual([result.ok, result.failedStep], [false, 'read']);
    assert.match(result.error!, /nothing is deployed on web1:22 yet/);
    assert.equal(hosts[0].env, 'A=1\n');
  });

  it('--dry-run lists the steps and exact commands, without a value', () => {
    const text = describeEnvChange(envOptions([fakeHost('web1')], set({ DB_PASSWORD: SECRET }), { restart: true }));
    assert.deepEqual(text.split('\n').filter((l) => /^\d+\. /.test(l)).map((l) => /\[(\w+)\]$/.exec(l)![1]), ['connect', 'lock', 'read', 'confirm', 'write', 'restart', 'health']);
    assert.ok(text.includes('# the new file on stdin'));
    assert.ok(!text.includes('w0rd'));
  });
});

describe('env list (fake hosts)', () => {
  it('keys from every host, whether they agree, and values only when asked', async () => {
    const hosts = [fakeHost('web1', { env: 'A=1\nB=\nC=x\n' }), fakeHost('web2', { env: 'A=1\nC=y\n' })];
    const { release: _r, ...remote } = options(hosts);
    const listing = await listEnv(remote, { values: false });
    assert.deepEqual(listing.keys, [
      { key: 'A', hosts: ['web1:22', 'web2:22'], empty: false, same: true },
      { key: 'B', hosts: ['web1:22'], empty: true, same: true },
      { key: 'C', hosts: ['web1:22', 'web2:22'], empty: false, same: false },
    ]);
    assert.equal(listing.values, undefined);
    assert.ok(!JSON.stringify(listing).includes('"x"'));
    assert.deepEqual((await listEnv(remote, { values: true })).values, { 'web1:22': { A: '1', B: '', C: 'x' }, 'web2:22': { A: '1', C: 'y' } });
  });
});
