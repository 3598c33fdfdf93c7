import * as assert from 'node:assert/strict';
import { describePlan, runPlan } from '../../../src/core/plan/runner';
import type { Plan, PlanEvent, Step } from '../../../src/core/plan/types';

type State = { log: string[] };

function step(name: string, body: (s: State, signal: AbortSignal) => Promise<void> | void, finishOnCancel = false): Step<State> {
  return {
    name, title: `Step ${name}`, finishOnCancel,
    describe: () => [{ host: 'local', commands: [`do ${name}`] }],
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

  it('describes a plan for --dry-run', () => {
    assert.equal(describePlan(plan([step('a', () => {})]), { log: [] }), 'test plan\n1. Step a [a]\n   local: do a');
  });
});
