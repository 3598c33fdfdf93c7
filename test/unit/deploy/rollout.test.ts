import assert from 'node:assert/strict';
import { parseDeployConfig } from '../../../src/core/config/load';
import type { RolloutConfig } from '../../../src/core/config/types';
import { describeDeploy, runDeploy } from '../../../src/core/deploy';
import { rolloutBatches } from '../../../src/core/deploy/rollout';
import type { PlanEvent } from '../../../src/core/plan/types';
import { fakeConnection, fakeHost, ID1, NEW, options, type FakeHost } from './fakes';

const never = new AbortController().signal;
const ROLLOUT: RolloutConfig = { canary: 1, batch: { count: 2 }, pause: 3 };
const sixHosts = (init: Record<number, Partial<FakeHost>> = {}) => [1, 2, 3, 4, 5, 6].map((n) => fakeHost(`web${n}`, init[n] ?? {}));
const keys = (hosts: FakeHost[]) => hosts.map((h) => `${h.key}:22`);
const switchedTo = (h: FakeHost, id: string) => h.commands.some((c) => c.includes(`ln -sfn -- releases/${id} `));
const restarted = (h: FakeHost) => h.commands.some((c) => c.includes('sv restart app'));
const records = (h: FakeHost) => h.log.map((r) => [r.outcome, r.batch]);

/** Options whose connections append `host command` to one timeline, and whose sleeps are logged there too. */
function timed(hosts: FakeHost[], rollout: RolloutConfig = ROLLOUT, overrides = {}) {
  const timeline: string[] = [];
  const o = options(hosts, { rollout, ...overrides });
  const base = o.deps!;
  o.deps = {
    ...base,
    connect: async (t) => {
      const conn = fakeConnection(hosts.find((h) => h.key === t.target.host)!, t);
      return { ...conn, exec: (command, opts) => conn.exec(command, opts).finally(() => timeline.push(`${t.key} ${command.join(' ')}`)) };
    },
    sleep: async (ms, signal) => {
      timeline.push(`sleep ${ms}`);
      await base.sleep!(ms, signal);
    },
  };
  return { o, timeline };
}

describe('rollout: batches', () => {
  it('splits hosts: the canary, then `batch` at a time (a count, or a percentage of all hosts rounded down, at least 1)', () => {
    const six = ['a', 'b', 'c', 'd', 'e', 'f'];
    assert.deepEqual(rolloutBatches(six, ROLLOUT), [['a'], ['b', 'c'], ['d', 'e'], ['f']]);
    assert.deepEqual(rolloutBatches(six, { canary: 0, batch: { count: 4 }, pause: 0 }), [['a', 'b', 'c', 'd'], ['e', 'f']]);
    assert.deepEqual(rolloutBatches(six, { canary: 2, pause: 0 }), [['a', 'b'], ['c', 'd', 'e', 'f']]);
    assert.deepEqual(rolloutBatches([...six, 'g', 'h'], { canary: 0, batch: { percent: 25 }, pause: 0 }).map((b) => b.length), [2, 2, 2, 2]);
    assert.deepEqual(rolloutBatches(['a', 'b', 'c'], { canary: 1, batch: { percent: 25 }, pause: 0 }), [['a'], ['b'], ['c']]);
    assert.deepEqual(rolloutBatches(['a', 'b'], { canary: 5, batch: { count: 2 }, pause: 0 }), [['a', 'b']]);
  });

  it('reads rollout from deploy.yml, and reports every wrong value at its line', () => {
    const env = (rollout: string) => `environments:\n  production:\n    deploy_to: /srv/a\n    hosts: [h1, h2]\n    restart: sv restart a\n    rollout: ${rollout}\n`;
    assert.deepEqual(parseDeployConfig(env('{ canary: 1, batch: 2, pause: 10 }')).config?.environments.production.rollout, { canary: 1, batch: { count: 2 }, pause: 10 });
    assert.deepEqual(parseDeployConfig(env('{ batch: "25%" }')).config?.environments.production.rollout, { canary: 0, batch: { percent: 25 }, pause: 0 });
    assert.deepEqual(parseDeployConfig(env('{ canary: 2 }')).config?.environments.production.rollout, { canary: 2, pause: 0 });
    const wrong = (rollout: string) => parseDeployConfig(env(rollout)).findings.map((f) => [f.line, f.code, f.message]);
    assert.deepEqual(wrong('{ canary: -1, batch: 2 }'), [[6, 'config-invalid', 'environments.production.rollout.canary must be an integer from 0 to 1000']]);
    for (const batch of ['0', '"0%"', '"150%"', 'abc', '2.5', '"25 %"']) {
      assert.match(String(wrong(`{ batch: ${batch} }`)[0]?.[2]), /rollout\.batch must be a number of hosts from 1 to 10000 \(e\.g\. 2\) or a percentage/, batch);
    }
    assert.deepEqual(wrong('{ canary: 1, pause: soon }').map((f) => f[2]), ['environments.production.rollout.pause must be an integer from 0 to 3600']);
    assert.match(String(wrong('{ pause: 3 }')[0][2]), /rollout needs "canary" .* and\/or "batch"/);
    assert.match(String(wrong('{ canary: 1, batches: 2 }')[0][2]), /unknown key "batches" in environments\.production\.rollout/);
    const multi = parseDeployConfig(`environments:\n  p:\n    deploy_to: /srv/a\n    hosts: [h1]\n    restart: sv restart a\n    rollout:\n      canary: x\n      batch: "0%"\n      pause: -1\n`);
    assert.deepEqual(multi.findings.map((f) => f.line).sort(), [7, 8, 9], 'one finding at each wrong value');
    assert.equal(multi.config, undefined);
  });
});

describe('rollout: a rolling deploy (fake hosts)', () => {
  it('dry-run shows the batches, and each batch switches, restarts and checks only its hosts, with a pause between', () => {
    const text = describeDeploy(timed(sixHosts()).o);
    assert.match(text, /\nRollout: batch 1 \(canary\): web1:22; batch 2: web2:22, web3:22; batch 3: web4:22, web5:22; batch 4: web6:22\n/);
    const steps = text.split('\n').filter((l) => /^\d+\. /.test(l)).map((l) => /\[(\w+)\]$/.exec(l)![1]);
    const batch = ['switch', 'restart', 'health'];
    assert.deepEqual(steps, ['connect', 'lock', 'upload', 'prepare', 'compat', 'migrate', ...batch, 'pause', ...batch, 'pause', ...batch, 'pause', ...batch, 'record', 'cleanup']);
    assert.match(text, /\d+\. Pause 3 s, then batch 2 of 4 \[pause\]\n\d+\. Switch current \(atomic rename\) \[switch\]\n   web2:22: test -d/);
    const third = text.split('\n').findIndex((l) => l.includes('then batch 3 of 4'));
    assert.deepEqual(text.split('\n').slice(third + 2, third + 4).map((l) => l.split(':')[0].trim()), ['web4', 'web5']);
  });

  it('prepares and checks every host first, migrates once, then switches 1, 2, 2, 1 with a pause before each later batch', async () => {
    const hosts = sixHosts();
    const { o, timeline } = timed(hosts);
    const events: PlanEvent[] = [];
    const result = await runDeploy(o, (e) => events.push(e), never);
    assert.equal(result.ok, true, result.error);
    const lastCompat = timeline.map((l) => l.includes('-exec ldd')).lastIndexOf(true);
    const firstSwitch = timeline.findIndex((l) => l.includes(`ln -sfn -- releases/${NEW} `));
    assert.ok(lastCompat < firstSwitch, 'every host passes compat before any switches');
    assert.equal(timeline.filter((l) => l.includes('bin/migrate')).length, 1);
    // The switches and pauses in order: one batch's switches come together, a pause between batches.
    const order = timeline.filter((l) => l.startsWith('sleep 3000') || l.includes(`ln -sfn -- releases/${NEW} `)).map((l) => (l.startsWith('sleep') ? '|' : l.split(' ')[0]));
    assert.deepEqual(order.join(' ').split(' | ').map((b) => b.split(' ').sort()), [['web1:22'], ['web2:22', 'web3:22'], ['web4:22', 'web5:22'], ['web6:22']]);
    // A batch restarts only after its own switch, and is healthy before the next batch switches.
    const web2switch = timeline.findIndex((l) => l.startsWith('web2:22') && l.includes(`ln -sfn -- releases/${NEW} `));
    const web1restart = timeline.findIndex((l) => l.startsWith('web1:22') && l.includes('sv restart app'));
    assert.ok(web1restart < web2switch);
    for (const h of hosts) assert.deepEqual([h.current, records(h)], [NEW, [['success', Number(h.key.slice(3)) <= 1 ? 1 : Math.ceil((Number(h.key.slice(3)) - 1) / 2) + 1]]]);
    assert.deepEqual(result.hosts.map((h) => [h.host, h.batch, h.reached]), keys(hosts).map((k, i) => [k, [1, 2, 2, 3, 3, 4][i], true]));
    assert.deepEqual(result.rollout, { batches: 4 });
    // Events say which batch a step works on, and which hosts.
    const start = events.find((e) => e.type === 'plan-start');
    assert.ok(start?.type === 'plan-start');
    assert.deepEqual(start.batches?.map((b) => [b.hosts.length, b.canary]), [[1, true], [2, false], [2, false], [1, false]]);
    assert.deepEqual(start.steps.filter((s) => s.name === 'switch').map((s) => [s.batch, s.hosts]), [[1, ['web1:22']], [2, ['web2:22', 'web3:22']], [3, ['web4:22', 'web5:22']], [4, ['web6:22']]]);
    assert.deepEqual(start.steps.find((s) => s.name === 'migrate')?.hosts, ['web1:22']);
    assert.equal(start.steps.find((s) => s.name === 'pause')?.hosts, undefined);
  });

  it('a release that fails health on one host of batch 3: every switched host of every batch goes back; batch 4 is never touched', async () => {
    const hosts = sixHosts({ 4: { health: { [NEW]: 503 } } });
    const { o } = timed(hosts);
    const events: PlanEvent[] = [];
    const result = await runDeploy(o, (e) => events.push(e), never);
    assert.deepEqual([result.ok, result.failedStep, result.rolledBack, result.rollout], [false, 'health', true, { batches: 4, failedBatch: 3 }]);
    assert.match(result.error!, /^batch 3 of 4 \(web4:22, web5:22\) failed at health: health check failed\. Rolled back automatically\.\nweb4:22: http:\/\/127\.0\.0\.1:4000\/health not healthy after 1s; last response: 503/);
    assert.match(result.error!, new RegExp(`\\nHosts now: web1:22 → ${ID1} \\(batch 1, rolled back\\); web2:22 → ${ID1} \\(batch 2, rolled back\\); .*; web6:22 → ${ID1} \\(batch 4, not reached\\)$`));
    for (const h of hosts.slice(0, 5)) {
      assert.equal(h.current, ID1, h.key);
      assert.ok(switchedTo(h, NEW) && switchedTo(h, ID1), `${h.key} switched and came back`);
      assert.deepEqual(records(h), [['rolled-back', h.key === 'web1' ? 1 : h.key < 'web4' ? 2 : 3]]);
    }
    const web6 = hosts[5];
    assert.deepEqual([web6.current, switchedTo(web6, NEW), restarted(web6)], [ID1, false, false]);
    assert.deepEqual(records(web6), [['failed', 4]], 'the host that was never switched is not recorded as rolled back');
    assert.ok(web6.commands.some((c) => c.includes(`rm -rf -- /opt/app/releases/${NEW}`)), 'its prepared release is removed');
    assert.deepEqual(result.hosts.map((h) => [h.batch, h.reached, h.rolledBack ?? false]),
      [[1, true, true], [2, true, true], [2, true, true], [3, true, true], [3, true, true], [4, false, false]]);
    assert.deepEqual(events.flatMap((e) => (e.type === 'rolled-back' ? [[e.host, e.to]] : [])).sort(), keys(hosts.slice(0, 5)).map((k) => [k, ID1]));
    const failedCell = events.find((e) => e.type === 'host-end' && !e.ok);
    assert.ok(failedCell?.type === 'host-end');
    assert.deepEqual([failedCell.step, failedCell.host], ['health', 'web4:22']);
    assert.match(failedCell.error!, /not healthy after 1s; last response: 503/);
    assert.ok(!events.some((e) => e.type === 'step-start' && e.batch === 4), 'batch 4 never started');
  });

  it('a cancel during a batch lets it finish, then every switched host goes back before the next batch', async () => {
    const hosts = sixHosts();
    const { o } = timed(hosts);
    const cancel = new AbortController();
    const events: PlanEvent[] = [];
    const result = await runDeploy(o, (e) => {
      events.push(e);
      if (e.type === 'step-start' && e.step === 'restart' && e.batch === 2) cancel.abort();
    }, cancel.signal);
    assert.deepEqual([result.ok, result.cancelled, result.failedStep], [false, true, 'pause']);
    assert.match(result.error!, /cancelled before batch 3 of 4; web1:22, web2:22, web3:22 went back to the previous release/);
    for (const h of hosts) assert.equal(h.current, ID1, h.key);
    assert.ok(hosts.slice(3).every((h) => !switchedTo(h, NEW) && !restarted(h)), 'batches 3 and 4 never touched');
    assert.deepEqual(hosts.map((h) => records(h)[0][0]), ['rolled-back', 'rolled-back', 'rolled-back', 'cancelled', 'cancelled', 'cancelled']);
  });

  it('without rollout every host switches in one step, as before', async () => {
    const hosts = sixHosts();
    const text = describeDeploy(options(hosts));
    assert.doesNotMatch(text, /Rollout|pause/);
    const result = await runDeploy(options(hosts), () => undefined, never);
    assert.equal(result.ok, true);
    assert.equal(result.rollout, undefined);
    assert.ok(result.hosts.every((h) => h.batch === undefined));
  });
});

describe('rollout: blue/green batches (fake hosts)', () => {
  const BLUE_GREEN = {
    restart: undefined, service: 'systemd' as const, strategy: 'blue_green' as const, ports: [4001, 4002],
    proxy: { listen: 80, serverName: 'shop.example.com' }, health: { path: '/health', expect: 200, timeout: 1 }, drainTimeout: 5,
  };
  // The route command's arguments are: the upstream to route to, the one to restore on failure, the live file.
  const routeTarget = (c: string) => / sh \S+\/upstream-(blue|green)\.conf \S+\/upstream-(?:blue|green)\.conf \S+\/upstream\.conf$/.exec(c)?.[1];
  const routedTo = (h: FakeHost, slot: string) => h.commands.filter((c) => routeTarget(c) === slot);

  it('batch 2 fails on its new slot: batch 1 goes back to its old slot and release, batch 2 stops its new slot, batch 3 is never touched', async () => {
    const hosts = [1, 2, 3].map((n) => fakeHost(`web${n}`, n === 2 ? { statusOf: (url) => (url.includes(':4002/') ? 503 : undefined) } : {}));
    const { o } = timed(hosts, { canary: 1, batch: { count: 1 }, pause: 0 }, BLUE_GREEN);
    const result = await runDeploy(o, () => undefined, never);
    assert.deepEqual([result.ok, result.failedStep, result.rollout], [false, 'health', { batches: 3, failedBatch: 2 }]);
    const [web1, web2, web3] = hosts;
    assert.equal(routedTo(web1, 'green').length, 1, 'batch 1 went live on green');
    assert.ok(routedTo(web1, 'blue').length >= 1, 'then nginx went back to blue, which still ran');
    assert.equal(web1.routedTo, 'blue', 'nginx ends on blue');
    assert.ok(switchedTo(web1, NEW) && switchedTo(web1, ID1) && web1.current === ID1);
    assert.ok(!web1.commands.some((c) => c.includes('systemctl stop app@blue.service')), 'the old slot was never stopped (no drain)');
    assert.ok(web2.commands.some((c) => c.includes('systemctl stop app@green.service')), 'the new slot of the failed batch is stopped');
    assert.deepEqual([routedTo(web2, 'green').length, switchedTo(web2, NEW)], [0, false]);
    assert.ok(!web3.commands.some((c) => c.includes('slots/green') || c.includes('app@green')), 'batch 3 never touched');
    assert.deepEqual(hosts.map((h) => h.log.map((r) => r.outcome)), [['rolled-back'], ['failed'], ['failed']]);
    assert.deepEqual(result.hosts.map((h) => [h.current, h.liveSlot?.name, h.rolledBack ?? false, h.reached]), [[ID1, 'blue', true, true], [ID1, 'blue', false, true], [ID1, undefined, false, false]]);
  });

  it('a cancel during a batch (an AbortError from the host) is reported as cancelled, not as a failed batch', async () => {
    const hosts = [1, 2].map((n) => fakeHost(`web${n}`));
    const { o } = timed(hosts, { canary: 1, batch: { count: 1 }, pause: 0 }, BLUE_GREEN);
    const cancel = new AbortController();
    const result = await runDeploy(o, (e) => {
      if (e.type === 'step-start' && e.step === 'start' && e.batch === 1) cancel.abort();
    }, cancel.signal);
    assert.deepEqual([result.ok, result.cancelled, result.failedStep], [false, true, 'start']);
    assert.doesNotMatch(result.error!, /batch 1 of 2 .* failed/);
    assert.deepEqual(hosts.map((h) => [h.current, h.log.map((r) => r.outcome)]), [[ID1, ['cancelled']], [ID1, ['cancelled']]]);
  });
});
