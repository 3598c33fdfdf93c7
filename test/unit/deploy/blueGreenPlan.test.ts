import assert from 'node:assert/strict';
import { describeDeploy, describeRollback } from '../../../src/core/deploy';
import { fakeHost, NEW, options } from './fakes';
import { createDeployPlan } from '../../../src/core/deploy/plan';
import { actionText } from '../../../src/core/plan/describe';
import { runPlan } from '../../../src/core/plan/runner';
import { mismatches, recorded, type StepRecord } from '../plan/dryRunIsRun';

const BLUE_GREEN = {
  restart: undefined, service: 'systemd' as const, strategy: 'blue_green' as const, ports: [4001, 4002],
  proxy: { listen: 80, serverName: 'shop.example.com' }, health: { path: '/health', expect: 200, timeout: 30 }, drainTimeout: 20,
};
const steps = (text: string) => text.split('\n').filter((l) => /^\d+\. /.test(l)).map((l) => /\[(\w+)\]$/.exec(l)![1]);

describe('blue/green plan (dry run)', () => {
  it('migrates while the old slot serves, then switches slots host by host, with each exact command', () => {
    const text = describeDeploy(options([fakeHost('web1')], BLUE_GREEN));
    // identity: the release's env.sh must leave each slot its node name, checked before anything is uploaded.
    assert.deepEqual(steps(text), ['identity', 'connect', 'lock', 'upload', 'prepare', 'compat', 'migrate', 'point', 'start', 'health', 'route', 'switch', 'record', 'drain', 'cleanup']);
    // A fresh host routes to blue: the release goes to green.
    assert.ok(text.includes(`web1:22: mkdir -p -- /opt/app/slots && ln -sfn -- ../releases/${NEW} /opt/app/slots/green.tmp && mv -T -- /opt/app/slots/green.tmp /opt/app/slots/green`));
    assert.ok(text.includes('web1:22: sudo -n /usr/bin/systemctl restart app@green.service'));
    assert.ok(text.includes('web1:22: GET http://127.0.0.1:4002/health through the SSH connection'));
    assert.ok(text.includes('sh /etc/nginx/phoenix-deploy/app/upstream-green.conf /etc/nginx/phoenix-deploy/app/upstream-blue.conf /etc/nginx/phoenix-deploy/app/upstream.conf'));
    assert.ok(text.includes('web1:22: sudo -n /usr/bin/systemctl enable app@green.service'));
    assert.ok(text.includes('web1:22: sudo -n /usr/bin/systemctl stop app@blue.service'));
  });

  it('rolls back with the same dance', () => {
    assert.deepEqual(steps(describeRollback({ ...options([fakeHost('web1')], BLUE_GREEN), app: 'app' })),
      ['connect', 'lock', 'select', 'point', 'start', 'health', 'route', 'switch', 'record', 'drain']);
  });

  it('the restart strategy on service: systemd restarts the unit', () => {
    const text = describeDeploy(options([fakeHost('web1')], { restart: undefined, service: 'systemd', health: { path: '/health', expect: 200, timeout: 5 } }));
    assert.ok(text.includes('web1:22: cd -- /opt/app && timeout -k 5 120 sudo -n /usr/bin/systemctl restart app.service'));
    assert.ok(text.includes('GET http://127.0.0.1:4000/health'));
  });

  for (const [name, overrides] of [['blue/green', BLUE_GREEN], ['restart', {}]] as const) {
    it(`${name}: every step runs exactly the commands its description gives for the state it starts from`, async () => {
      const hosts = [fakeHost('web1'), fakeHost('web2')];
      const { plan, state } = createDeployPlan(options(hosts, overrides));
      const records: StepRecord[] = [];
      const log = (key: string) => hosts.find((h) => `${h.key}:22` === key)!.commands;
      const run = await runPlan(recorded(plan, ['web1:22', 'web2:22'], log, records), state, () => undefined, new AbortController().signal);
      assert.equal(run.outcome.ok, true, run.outcome.ok ? '' : run.outcome.error.message);
      assert.deepEqual(mismatches(records), []);
      // Every remote step was compared on something it ran.
      const ran = records.filter((r) => [...r.ran.values()].some((c) => c.length > 0)).map((r) => r.step);
      const switching = name === 'blue/green' ? ['point', 'start', 'health', 'route', 'switch', 'drain'] : ['switch', 'restart'];
      assert.deepEqual(switching.filter((s) => !ran.includes(s)), []);
      assert.deepEqual([hosts[0].current, hosts[1].current], [NEW, NEW]);
    });
  }

  it('the dry run prints those same commands, rendered by shell.ts', () => {
    const o = options([fakeHost('web1')], BLUE_GREEN);
    const { plan, state } = createDeployPlan(o);
    const text = describeDeploy(o);
    const route = plan.steps.find((s) => s.name === 'route')!.describe(state)[0].actions[0];
    assert.ok(text.includes(`web1:22: ${actionText(route)}`), text);
    assert.doesNotMatch(text, /^   each host:/m);
  });
});
