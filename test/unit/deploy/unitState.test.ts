/**
 * The tool's units must stay `active` a few seconds after their start, with or without health:
 * fake hosts answer `systemctl show` as a real unit would after `start` returned (the clock is fake).
 */
import assert from 'node:assert/strict';
import { runDeploy } from '../../../src/core/deploy';
import { parseUnitState, UNIT_SETTLE_SECONDS, unitTrouble } from '../../../src/core/deploy/unitState';
import { fakeHost, ID1, NEW, options, type FakeHost } from './fakes';

const never = new AbortController().signal;
const MANAGED = { restart: undefined, service: 'systemd' as const, health: undefined };
const DEAD = 'ActiveState=inactive\nSubState=dead\nResult=success\nNRestarts=0\nExecMainStatus=0\n';
const CRASHED = 'ActiveState=activating\nSubState=auto-restart\nResult=exit-code\nNRestarts=1\nExecMainStatus=1\n';
const shows = (h: FakeHost) => h.commands.filter((c) => c.includes('systemctl show'));

describe('the unit stays active after its start (fake hosts, fake clock)', () => {
  it('parses systemctl show, and says why a state is not a running unit', () => {
    assert.deepEqual(parseUnitState(CRASHED), { active: 'activating', sub: 'auto-restart', result: 'exit-code', restarts: 1, exitStatus: 1 });
    assert.equal(unitTrouble('shop.service', parseUnitState('ActiveState=active\nSubState=running\nResult=success\nNRestarts=0\n')), undefined);
    assert.equal(unitTrouble('shop.service', parseUnitState(DEAD)),
      'shop.service did not stay active after its start: inactive (dead), result success, its process exited with status 0 (a start command that returns at once, e.g. one that daemonizes, ends the unit); `phoenix-deploy logs` shows what the release printed');
    assert.match(unitTrouble('shop.service', parseUnitState(CRASHED))!, /restarted 1 time by systemd/);
  });

  it('restart strategy without health: a unit that exits at once fails the deploy like a failed health check, and rolls back', async () => {
    const web1 = fakeHost('web1', { unitState: () => DEAD });
    const result = await runDeploy(options([web1], MANAGED), () => undefined, never);
    assert.equal(result.ok, false);
    assert.equal(result.failedStep, 'health');
    assert.match(result.error ?? '', /health check failed\. Rolled back automatically\.\nweb1:22: app\.service did not stay active after its start: inactive \(dead\)/);
    assert.equal(web1.current, ID1);
  });

  it('restart strategy without health: a unit that stays up passes after being watched for the settle time', async () => {
    const web1 = fakeHost('web1');
    const o = options([web1], MANAGED);
    const result = await runDeploy(o, () => undefined, never);
    assert.ok(result.ok, result.error);
    assert.equal(web1.current, NEW);
    assert.ok(shows(web1).length >= UNIT_SETTLE_SECONDS * 2, `watched until ${UNIT_SETTLE_SECONDS}s after the restart: ${shows(web1).length} reads`);
  });

  it('restart strategy with health: healthy, but restarted by systemd meanwhile, is a failure too', async () => {
    const web1 = fakeHost('web1', { unitState: () => CRASHED });
    const result = await runDeploy(options([web1], { ...MANAGED, health: { url: 'http://127.0.0.1:4000/health', expect: 200, timeout: 1 } }), () => undefined, never);
    assert.equal(result.ok, false);
    assert.match(result.error ?? '', /app\.service did not stay active after its start: activating \(auto-restart\)/);
  });

  it('a restart command of the user\'s own (restart:) is not a unit the tool watches', async () => {
    const web1 = fakeHost('web1', { unitState: () => DEAD });
    const result = await runDeploy(options([web1]), () => undefined, never);
    assert.ok(result.ok, result.error);
    assert.deepEqual(shows(web1), []);
  });

  it('blue/green: a healthy slot whose unit then dies is not routed to', async () => {
    const web1 = fakeHost('web1', { unitState: (unit) => (unit === 'app@green.service' ? CRASHED : undefined) });
    const result = await runDeploy(options([web1], {
      ...MANAGED, strategy: 'blue_green', ports: [4001, 4002], proxy: { listen: 80, serverName: 'shop.example.com' },
      health: { path: '/health', expect: 200, timeout: 1 }, drainTimeout: 5,
    }), () => undefined, never);
    assert.equal(result.ok, false);
    assert.equal(result.failedStep, 'health');
    assert.match(result.error ?? '', /the green slot \(.*\): app@green\.service did not stay active/);
    assert.ok(!web1.commands.some((c) => c.includes('upstream-green.conf /etc/nginx')), 'nginx never routed to it');
  });
});
