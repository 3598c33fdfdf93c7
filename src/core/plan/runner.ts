import { CancelledError, type EventSink, type Plan, type PlanOutcome, type Step, type StepContext } from './types';

export interface RunResult {
  outcome: PlanOutcome;
  /** Milliseconds per step name, for deploys.log. */
  durations: Record<string, number>;
}

/** Executes a plan's steps in order, emitting events. Never throws; the outcome says what happened. */
export async function runPlan<S>(plan: Plan<S>, state: S, emit: EventSink, signal: AbortSignal): Promise<RunResult> {
  const started = Date.now();
  const durations: Record<string, number> = {};
  emit({ type: 'plan-start', title: plan.title, steps: plan.steps.map((s) => ({ name: s.name, title: s.title })) });
  let outcome: PlanOutcome = { ok: true };
  // Steps past a point of no return run under a signal that cancellation does not reach.
  const detached = new AbortController();
  let pastNoReturn = false;
  for (const [index, step] of plan.steps.entries()) {
    if (signal.aborted && !pastNoReturn) {
      outcome = { ok: false, cancelled: true, error: new CancelledError(), step: step.name };
      break;
    }
    pastNoReturn ||= step.finishOnCancel === true;
    const stepSignal = pastNoReturn ? detached.signal : signal;
    const ctx: StepContext = {
      signal: stepSignal,
      cancel: signal,
      output: (text, host) => emit({ type: 'output', step: step.name, text, host }),
      note: (message, level = 'info', host) => emit({ type: 'note', step: step.name, message, level, host }),
    };
    emit({ type: 'step-start', step: step.name, title: step.title, index, total: plan.steps.length });
    const stepStarted = Date.now();
    try {
      await step.run(ctx, state);
      durations[step.name] = Date.now() - stepStarted;
      emit({ type: 'step-end', step: step.name, ok: true, durationMs: durations[step.name] });
    } catch (e) {
      durations[step.name] = Date.now() - stepStarted;
      const error = e instanceof Error ? e : new Error(String(e));
      const cancelled = error instanceof CancelledError || (stepSignal.aborted && error.name === 'AbortError');
      emit({ type: 'step-end', step: step.name, ok: false, durationMs: durations[step.name], error: error.message });
      outcome = { ok: false, cancelled, error, step: step.name };
      break;
    }
  }
  if (plan.finally) {
    try {
      await plan.finally(state, outcome);
    } catch (e) {
      if (outcome.ok) outcome = { ok: false, cancelled: false, error: e instanceof Error ? e : new Error(String(e)), step: 'finally' };
    }
  }
  if (!outcome.ok && plan.onFailure) await runOnFailure(plan.onFailure, state, emit);
  emit({
    type: 'plan-end',
    ok: outcome.ok,
    cancelled: !outcome.ok && outcome.cancelled,
    error: outcome.ok ? undefined : outcome.error.message,
    durationMs: Date.now() - started,
  });
  return { outcome, durations };
}

/** The steps that follow a failure: they run whatever the cancel said, and cannot fail the plan further. */
async function runOnFailure<S>(steps: ReadonlyArray<Step<S>>, state: S, emit: EventSink): Promise<void> {
  const signal = new AbortController().signal;
  for (const [index, step] of steps.entries()) {
    const ctx: StepContext = {
      signal,
      output: (text, host) => emit({ type: 'output', step: step.name, text, host }),
      note: (message, level = 'info', host) => emit({ type: 'note', step: step.name, message, level, host }),
    };
    emit({ type: 'step-start', step: step.name, title: step.title, index, total: steps.length });
    const started = Date.now();
    try {
      await step.run(ctx, state);
      emit({ type: 'step-end', step: step.name, ok: true, durationMs: Date.now() - started });
    } catch (e) {
      emit({ type: 'step-end', step: step.name, ok: false, durationMs: Date.now() - started, error: (e as Error).message });
    }
  }
}

/** Renders a plan for --dry-run: each step, each host, each exact command. */
export function describePlan<S>(plan: Plan<S>, state: S): string {
  const lines = [plan.title];
  const describe = (step: Step<S>, label: string) => {
    lines.push(`${label} ${step.title} [${step.name}]`);
    for (const d of step.describe(state)) {
      for (const c of d.commands) lines.push(`   ${d.host}: ${c}`);
    }
  };
  plan.steps.forEach((step, i) => describe(step, `${i + 1}.`));
  if (plan.onFailure?.length) {
    lines.push('If it fails or is cancelled:');
    plan.onFailure.forEach((step) => describe(step, '-'));
  }
  return lines.join('\n');
}
