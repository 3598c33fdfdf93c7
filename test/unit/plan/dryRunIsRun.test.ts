import assert from 'node:assert/strict';
import { createDeployPlan, createRollbackPlan } from '../../../src/core/deploy/plan';
import { createEnvPlan } from '../../../src/core/env';
import { runPlan } from '../../../src/core/plan/runner';
import { createSetupPlan } from '../../../src/core/setup';
import { renderCommand, type Command } from '../../../src/core/shell';
import type { SshConnection } from '../../../src/core/ssh/connection';
import { directTarget } from '../../support/targets';
import { fakeHost, ID0, options, type FakeHost } from '../deploy/fakes';
import { mismatches, recorded, type StepRecord } from './dryRunIsRun';

const never = () => new AbortController().signal;
const keys = (hosts: FakeHost[]) => hosts.map((h) => `${h.key}:22`);
const logOf = (hosts: FakeHost[]) => (key: string) => hosts.find((h) => `${h.key}:22` === key)!.commands;
/** The steps that ran something on some host: the comparison saw them. */
const compared = (records: StepRecord[]) => records.filter((r) => [...r.ran.values()].some((c) => c.length > 0)).map((r) => r.step);

describe('the dry run is the run: each step executes what its description gives for the state it starts from', () => {
  const BLUE_GREEN = {
    restart: undefined, service: 'systemd' as const, strategy: 'blue_green' as const, ports: [4001, 4002],
    proxy: { listen: 80, serverName: 'shop.example.com' }, health: { path: '/health', expect: 200, timeout: 30 }, drainTimeout: 20,
  };
  for (const [name, overrides, steps] of [
    ['restart strategy', {}, ['lock', 'switch', 'restart', 'record']],
    ['blue/green', BLUE_GREEN, ['lock', 'point', 'start', 'health', 'route', 'switch', 'record', 'drain']],
  ] as const) {
    it(`rollback (${name})`, async () => {
      const hosts = [fakeHost('web1'), fakeHost('web2')];
      const { plan, state } = createRollbackPlan({ ...options(hosts, overrides), app: 'app' });
      const records: StepRecord[] = [];
      const run = await runPlan(recorded(plan, keys(hosts), logOf(hosts), records), state, () => undefined, never());
      assert.equal(run.outcome.ok, true, run.outcome.ok ? '' : run.outcome.error.message);
      assert.deepEqual(mismatches(records), []);
      assert.deepEqual(compared(records), steps);
      assert.deepEqual(hosts.map((h) => h.current), [ID0, ID0]);
    });
  }

  it('a rolling deploy: each batch\'s steps run what they describe for their own hosts only', async () => {
    const hosts = [1, 2, 3, 4].map((n) => fakeHost(`web${n}`));
    const { plan, state } = createDeployPlan(options(hosts, { rollout: { canary: 1, batch: { count: 2 }, pause: 0 } }));
    const records: StepRecord[] = [];
    const run = await runPlan(recorded(plan, keys(hosts), logOf(hosts), records), state, () => undefined, never());
    assert.equal(run.outcome.ok, true, run.outcome.ok ? '' : run.outcome.error.message);
    assert.deepEqual(mismatches(records), []);
    // Batch 1 (the canary) switches web1 only: the others ran nothing in its switch step.
    const firstSwitch = records.find((r) => r.step === 'switch')!;
    assert.deepEqual([...firstSwitch.ran].filter(([, c]) => c.length > 0).map(([h]) => h), ['web1:22']);
    assert.deepEqual([...firstSwitch.described.keys()], ['web1:22']);
  });

  it('env set --restart: the write is the described command, the value only on its stdin', async () => {
    const hosts = [fakeHost('web1', { env: 'A=1\n' }), fakeHost('web2', { env: 'A=1\n' })];
    const { release: _release, ...remote } = options(hosts);
    const { plan, state } = createEnvPlan({ ...remote, edit: { set: new Map([['SECRET', 's3cr3t value']]), unset: [] }, restart: true, confirm: async () => true });
    const records: StepRecord[] = [];
    const run = await runPlan(recorded(plan, keys(hosts), logOf(hosts), records), state, () => undefined, never());
    assert.equal(run.outcome.ok, true, run.outcome.ok ? '' : run.outcome.error.message);
    assert.deepEqual(mismatches(records), []);
    assert.ok(compared(records).includes('write'));
    assert.ok(hosts.every((h) => h.env?.includes('SECRET=')), hosts.map((h) => h.env).join());
    assert.ok(!records.some((r) => [...r.ran.values()].flat().some((c) => c.includes('s3cr3t'))));
  });

  it('setup on a bare host: every step that changes something ran exactly what it described', async () => {
    const environment = {
      name: 'production', user: 'deploy', deployTo: '/opt/shop', keepReleases: 3, ssh: {},
      hosts: [{ host: 'web1', port: 22, user: 'deploy', primary: true }, { host: 'web2', port: 22, user: 'deploy', primary: false }],
      service: 'systemd' as const, strategy: 'blue_green' as const, proxy: { listen: 80, serverName: 'shop' }, health: { path: '/health', expect: 200, timeout: 5 },
    };
    const logs = new Map<string, string[]>([['web1:22', []], ['web2:22', []]]);
    const { plan, state } = createSetupPlan({
      environment, app: 'shop', admin: 'admin', identity: { who: 'me', developer: 'me', localHost: 'l', pid: 1 },
      targets: [directTarget('web1:22', 'web1', 22), directTarget('web2:22', 'web2', 22)],
      deps: { connect: async (t) => bareHost(logs.get(t.key)!) }, confirm: async () => true,
    });
    const records: StepRecord[] = [];
    const run = await runPlan(recorded(plan, [...logs.keys()], (k) => logs.get(k)!, records), state, () => undefined, never());
    assert.equal(run.outcome.ok, true, run.outcome.ok ? '' : run.outcome.error.message);
    assert.deepEqual(mismatches(records), []);
    assert.deepEqual(compared(records), ['rights', 'inspect', 'directories', 'journal', 'service', 'sudoers', 'proxy']);
    // Once inspect has read the host, the dry run of the proxy step is the one command that installs the files and makes the link.
    const proxy = records.find((r) => r.step === 'proxy')!;
    assert.equal(proxy.described.get('web1:22')!.length, 2);
    assert.ok(proxy.ran.get('web1:22')![0].includes(' sh nginx /etc/nginx/sites-available/shop /etc/nginx/sites-enabled/shop '));
  });
});

const M = '@@phoenix-deploy:';

/** A host with the deploy user, its tools and the journal group, and nothing of the app yet; every change succeeds. */
function bareHost(commands: string[]): SshConnection {
  return {
    target: { host: 'web', port: 22, user: 'admin' }, name: 'web', fingerprint: 'SHA256:x',
    async exec(command: Command | string) {
      const text = typeof command === 'string' ? command : renderCommand(command);
      commands.push(text);
      const stdout = text.includes(`${M}journal-group`)
        ? [`${M}user`, '1000', `${M}groups`, 'deploy', `${M}journal-group`, 'present',
          `${M}tools`, '/usr/bin/systemctl', '/usr/sbin/nginx', '/usr/bin/cp', '/usr/sbin/visudo', `${M}dirs`, `${M}env`, `${M}link`, `${M}tls`, `${M}end`].join('\n')
        : '';
      return { code: 0, stdout, stderr: '' };
    },
    async channel() { throw new Error('no channels'); },
    async httpGet() { throw new Error('no http'); },
    async close() {},
  };
}
