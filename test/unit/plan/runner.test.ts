import * as assert from 'node:assert/strict';
import { describePlan, runPlan } from '../../../src/core/plan/runner';
import type { Plan, PlanEvent, Step } from '../../../src/core/plan/types';
import { local } from '../../../src/core/plan/describe';
import { applyEvent, emptyGrid } from '../../../src/core/plan/grid';
import { createSetupPlan } from '../../../src/core/setup';
import { directTarget } from '../../support/targets';

type State = { log: string[] };

function step(name: string, body: (s: State, signal: AbortSignal) => Promise<void> | void, finishOnCancel = false): Step<State> {
  return {
    name, title: `Step ${name}`, finishOnCancel,
    describe: () => local([`do ${name}`]),
    run: async (ctx, s) => {
      ctx.output(`${name} out`);
      await body(s, ctx.signal);
      s.log.push(name);
    },
  };
}

function plan(steps: Step<State>[], fin?: Plan<State>['finally']): Plan<State> {
  return { title: 'test plan', steps, finally: fin };
}

describe('plan runner', () => {
  it('runs steps in order and emits events', async () => {
    const events: PlanEvent[] = [];
    const state: State = { log: [] };
    const r = await runPlan(plan([step('a', () => {}), step('b', () => {})]), state, (e) => events.push(e), new AbortController().signal);
    assert.deepEqual(r.outcome, { ok: true });
    assert.deepEqual(state.log, ['a', 'b']);
    assert.deepEqual(events.map((e) => e.type), ['plan-start', 'step-start', 'output', 'step-end', 'step-start', 'output', 'step-end', 'plan-end']);
    assert.deepEqual(Object.keys(r.durations), ['a', 'b']);
  });

  it('stops at the failing step and still runs finally', async () => {
    const state: State = { log: [] };
    let finallyOutcome: unknown;
    const r = await runPlan(
      plan([step('a', () => {}), step('b', () => { throw new Error('boom'); }), step('c', () => {})], async (s, o) => { finallyOutcome = o; s.log.push('finally'); }),
      state, () => {}, new AbortController().signal,
    );
    assert.equal(r.outcome.ok, false);
    assert.equal(!r.outcome.ok && r.outcome.step, 'b');
    assert.deepEqual(state.log, ['a', 'finally']);
    assert.equal((finallyOutcome as { ok: boolean }).ok, false);
  });

  it('cancels before the next step, but finishes steps past the point of no return', async () => {
    const controller = new AbortController();
    const state: State = { log: [] };
    const r = await runPlan(plan([step('a', () => controller.abort()), step('b', () => {})]), state, () => {}, controller.signal);
    assert.equal(!r.outcome.ok && r.outcome.cancelled, true);
    assert.deepEqual(state.log, ['a']);

    const c2 = new AbortController();
    const s2: State = { log: [] };
    let sawAbort = true;
    const r2 = await runPlan(
      plan([step('switch', () => c2.abort(), true), step('restart', (_s, signal) => { sawAbort = signal.aborted; })]),
      s2, () => {}, c2.signal,
    );
    assert.deepEqual(r2.outcome, { ok: true });
    assert.deepEqual(s2.log, ['switch', 'restart']);
    assert.equal(sawAbort, false);
  });

  it('reports each host\'s part of a step, adds up a step repeated per batch, and lets a step see a cancel past the point of no return', async () => {
    const events: PlanEvent[] = [];
    const controller = new AbortController();
    let sawCancel = false;
    const perHost = (name: string, batch: number, hosts: string[]): Step<State> => ({
      name, title: `Step ${name}`, batch, finishOnCancel: true,
      describe: () => hosts.map((host) => ({ host, actions: [['do', name]] })),
      run: async (ctx) => {
        await Promise.allSettled(hosts.map((h) => ctx.onHost(h, async () => {
          if (h === 'b') throw new Error('b broke');
        })));
        ctx.bytesSent('a', 42);
        controller.abort();
        sawCancel = ctx.cancel?.aborted === true && !ctx.signal.aborted;
      },
    });
    const r = await runPlan({ title: 't', steps: [perHost('switch', 1, ['a']), perHost('switch', 2, ['b', 'c'])], batches: [{ hosts: ['a'], canary: true }, { hosts: ['b', 'c'], canary: false }] },
      { log: [] }, (e) => events.push(e), controller.signal);
    assert.deepEqual(r.outcome, { ok: true });
    assert.equal(sawCancel, true);
    const start = events[0];
    assert.ok(start.type === 'plan-start');
    assert.deepEqual(start.steps.map((s) => [s.name, s.batch, s.hosts]), [['switch', 1, ['a']], ['switch', 2, ['b', 'c']]]);
    assert.deepEqual(start.batches, [{ hosts: ['a'], canary: true }, { hosts: ['b', 'c'], canary: false }]);
    assert.deepEqual(events.flatMap((e) => (e.type === 'host-end' ? [[e.host, e.ok, e.error]] : [])), [['a', true, undefined], ['b', false, 'b broke'], ['c', true, undefined]]);
    assert.equal(events.filter((e) => e.type === 'host-start').length, 3);
    assert.ok(events.some((e) => e.type === 'bytes-sent' && e.host === 'a' && e.bytes === 42));
    assert.ok(events.some((e) => e.type === 'step-start' && e.batch === 2 && e.hosts?.join() === 'b,c'));
    assert.deepEqual(Object.keys(r.durations), ['switch']);
    const ends = events.flatMap((e) => (e.type === 'step-end' ? [e.durationMs] : []));
    assert.equal(r.durations.switch, ends[0] + ends[1]);
  });

  it('describes a plan for --dry-run', () => {
    assert.equal(describePlan(plan([step('a', () => {})]), { log: [] }), 'test plan\n1. Step a [a]\n   local: do a');
  });

  it('announces the hosts each step names in its description: a setup over two hosts has rows for those two, nothing else', async () => {
    const environment = {
      name: 'production', user: 'deploy', deployTo: '/opt/shop', keepReleases: 3, ssh: {},
      hosts: [{ host: 'web1', port: 22, user: 'deploy', primary: true }, { host: 'web2', port: 22, user: 'deploy', primary: false }],
      service: 'systemd' as const, strategy: 'blue_green' as const, proxy: { listen: 80, serverName: 'shop' }, health: { path: '/health', expect: 200, timeout: 5 },
    };
    const { plan, state } = createSetupPlan({ environment, app: 'shop', identity: { who: 'me', developer: 'me', localHost: 'l', pid: 1 },
      targets: [directTarget('web1:22', 'web1', 22), directTarget('web2:22', 'web2', 22)], confirm: async () => true });
    const cancelled = new AbortController();
    cancelled.abort(); // plan-start is announced, then nothing runs
    const grid = emptyGrid();
    await runPlan(plan, state, (e) => applyEvent(grid, e), cancelled.signal);
    assert.deepEqual(grid.rows.map((r) => r.host), ['web1:22', 'web2:22']);
    // Every remote step has both hosts' cells; confirm is this machine's and has none.
    for (const column of ['rights', 'directories', 'journal', 'service', 'sudoers', 'proxy']) {
      assert.deepEqual(grid.rows.map((r) => r.cells[column]?.state), ['skipped', 'skipped'], column);
    }
    assert.ok(!grid.columns.some((c) => c.name === 'confirm'));
  });

  it('a step that cannot describe itself is a bug the run reports, not a step without hosts', async () => {
    const broken: Step<State> = { ...step('a', () => {}), describe: () => { throw new Error('describe broke'); } };
    await assert.rejects(runPlan(plan([broken]), { log: [] }, () => {}, new AbortController().signal), /describe broke/);
    // Once the run has begun, that step fails, and `finally` still runs.
    const later: Step<State> = { ...step('b', () => {}), describe: (s) => { if (s.log.includes('a')) throw new Error('describe broke'); return []; } };
    const state: State = { log: [] };
    const r = await runPlan(plan([step('a', () => {}), later], async (s) => { s.log.push('finally'); }), state, () => {}, new AbortController().signal);
    assert.deepEqual([r.outcome.ok, !r.outcome.ok && r.outcome.step, !r.outcome.ok && r.outcome.error.message], [false, 'b', 'describe broke']);
    assert.deepEqual(state.log, ['a', 'finally']);
  });
});
