import assert from 'node:assert/strict';
import { describeDeploy, describeRollback, runDeploy } from '../../../src/core/deploy';
import { fakeHost, NEW, options } from './fakes';

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

  it('the run executes the very commands the dry run prints for the slot steps, in that order', async () => {
    const web1 = fakeHost('web1');
    const o = options([web1], BLUE_GREEN);
    const text = describeDeploy(o);
    // The exact commands of point, start, route, switch and drain (the health check and the drain script are described, not printed).
    const section = (step: string) => text.split(/\n(?=\d+\. )/).find((s) => s.split('\n')[0].endsWith(`[${step}]`))!.split('\n').slice(1).join('\n');
    const commandsOf = (step: string) => section(step).split(/^\s*web1:22: /m).slice(1).map((c) => c.replace(/\n$/, ''));
    const printed = ['point', 'start', 'route', 'switch', 'drain'].flatMap(commandsOf).filter((c) => !/^GET |…/.test(c));
    assert.equal(printed.length, 7, printed.join('\n'));
    const result = await runDeploy(o, () => undefined, new AbortController().signal);
    assert.equal(result.ok, true, result.error);
    const positions = printed.map((c) => web1.commands.indexOf(c));
    assert.deepEqual(printed.filter((_, i) => positions[i] < 0), [], 'every printed command ran exactly as printed');
    assert.deepEqual(positions, [...positions].sort((a, b) => a - b), 'in the printed order');
    assert.deepEqual([web1.current, web1.routedTo], [NEW, 'green']);
  });
});
