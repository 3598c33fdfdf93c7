import * as assert from 'node:assert/strict';
import { focus } from '../../../src/core/plan/focus';
import { describePlan, runPlan } from '../../../src/core/plan/runner';
import type { PlanEvent, Step } from '../../../src/core/plan/types';

/** The engine's state, and a feature's state that holds it as a part next to its own fields. */
type Part = { hosts: string[]; done: string[] };
type Whole = { mine: string; part: Part };

const restartStep: Step<Part> = {
  name: 'restart', title: 'Restart each host', batch: 2, finishOnCancel: true,
  describe: (s) => s.hosts.map((host) => ({ host, actions: [['systemctl', 'restart', `app-${host}`]] })),
  async run(ctx, s) {
    for (const host of s.hosts) await ctx.onHost(host, async () => { s.done.push(host); });
  },
};

const fresh = (): Whole => ({ mine: 'env', part: { hosts: ['web1', 'web2'], done: [] } });
const never = () => new AbortController().signal;
const timeless = (events: PlanEvent[]) => events.map((e) => ('durationMs' in e ? { ...e, durationMs: 0 } : e));

async function eventsOf<S>(step: Step<S>, state: S): Promise<PlanEvent[]> {
  const events: PlanEvent[] = [];
  const run = await runPlan({ title: 'p', steps: [step] }, state, (e) => events.push(e), never());
  assert.equal(run.outcome.ok, true);
  return timeless(events);
}

describe('focus: a step of one state run on the part of a larger state that holds it', () => {
  it('runs the step on the part, and leaves the rest of the state alone', async () => {
    const whole = fresh();
    await eventsOf(focus(restartStep, (s: Whole) => s.part), whole);
    assert.deepEqual(whole.part.done, ['web1', 'web2']);
    assert.equal(whole.mine, 'env');
  });

  it('emits the same events and prints the same dry run as the step run on the part directly', async () => {
    const direct = fresh().part;
    const whole = fresh();
    const focused = focus(restartStep, (s: Whole) => s.part);
    assert.deepEqual(await eventsOf(focused, whole), await eventsOf(restartStep, direct));
    const dryRun = (w: Whole) => describePlan({ title: 'p', steps: [focused] }, w);
    assert.equal(dryRun(fresh()), describePlan({ title: 'p', steps: [restartStep] }, fresh().part));
    assert.match(dryRun(fresh()), /web2: systemctl restart app-web2/);
  });

  it('keeps the step\'s name, title, batch and point of no return', () => {
    const focused = focus(restartStep, (s: Whole) => s.part);
    assert.deepEqual(
      { name: focused.name, title: focused.title, batch: focused.batch, finishOnCancel: focused.finishOnCancel },
      { name: 'restart', title: 'Restart each host', batch: 2, finishOnCancel: true });
  });
});
