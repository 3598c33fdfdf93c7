import { CancelledError, hostFailures, isCancel, structuredError, type StructuredError } from '../errors';
import { actionText } from './describe';
import { LOCAL, type EventSink, type Plan, type PlanOutcome, type PlannedStep, type Step, type StepContext } from './types';

export interface RunResult {
  outcome: PlanOutcome;
  /** Milliseconds per step name (a step repeated per batch adds up), for deploys.log. */
  durations: Record<string, number>;
  /** Each host's first failure in a step (cancels are not failures), in the order they happened. */
  hostErrors: StructuredError[];
}

/**
 * Executes a plan's steps in order, emitting events. Steps never make it throw: the outcome says
 * what happened. A step that cannot describe itself (its hosts) is a bug: before anything ran it
 * rejects the run; later it fails that step.
 */
export async function runPlan<S>(plan: Plan<S>, state: S, emit: EventSink, signal: AbortSignal): Promise<RunResult> {
  const started = Date.now();
  const durations: Record<string, number> = {};
  const hostErrors: StructuredError[] = [];
  const failed = (error: StructuredError) => {
    if (!hostErrors.some((e) => e.host === error.host)) hostErrors.push(error);
  };
  emit({
    type: 'plan-start', title: plan.title, steps: plan.steps.map((s) => plannedStep(s, state)),
    ...(plan.batches ? { batches: plan.batches.map((b) => ({ hosts: [...b.hosts], canary: b.canary })) } : {}),
  });
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
    const ctx = stepContext(step.name, stepSignal, signal, emit, failed);
    const stepStarted = Date.now();
    const took = () => {
      const ms = Date.now() - stepStarted;
      durations[step.name] = (durations[step.name] ?? 0) + ms;
      return ms;
    };
    try {
      // A description that throws here fails the step: `finally` still unlocks and closes.
      const planned = plannedStep(step, state);
      emit({ type: 'step-start', step: step.name, title: step.title, index, total: plan.steps.length,
        ...(planned.hosts ? { hosts: planned.hosts } : {}), ...(step.batch !== undefined ? { batch: step.batch } : {}) });
      await step.run(ctx, state);
      emit({ type: 'step-end', step: step.name, ok: true, durationMs: took() });
    } catch (e) {
      const error = e instanceof Error ? e : new Error(String(e));
      const cancelled = isCancel(error, stepSignal);
      emit({ type: 'step-end', step: step.name, ok: false, durationMs: took(), error: error.message });
      outcome = { ok: false, cancelled, error, step: step.name };
      // Hosts the step's error names, when their part ran outside onHost.
      if (!cancelled) hostFailures(error, step.name).forEach(failed);
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
  return { outcome, durations, hostErrors };
}

/** The steps that follow a failure: they run whatever the cancel said, and cannot fail the plan further. */
async function runOnFailure<S>(steps: ReadonlyArray<Step<S>>, state: S, emit: EventSink): Promise<void> {
  const signal = new AbortController().signal;
  for (const [index, step] of steps.entries()) {
    const ctx = stepContext(step.name, signal, undefined, emit);
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

/** What a step's events carry; `onHost` times one host's part of it. */
function stepContext(step: string, signal: AbortSignal, cancel: AbortSignal | undefined, emit: EventSink,
  failed?: (error: StructuredError) => void): StepContext {
  return {
    signal,
    ...(cancel ? { cancel } : {}),
    output: (text, host) => emit({ type: 'output', step, text, host }),
    note: (message, level = 'info', host) => emit({ type: 'note', step, message, level, host }),
    async onHost(host, work) {
      emit({ type: 'host-start', step, host });
      const started = Date.now();
      try {
        const value = await work();
        emit({ type: 'host-end', step, host, ok: true, durationMs: Date.now() - started });
        return value;
      } catch (e) {
        emit({ type: 'host-end', step, host, ok: false, durationMs: Date.now() - started, error: (e as Error).message });
        if (!isCancel(e, signal)) failed?.(structuredError(e, step, host));
        throw e;
      }
    },
    bytesSent: (host, bytes) => emit({ type: 'bytes-sent', step, host, bytes }),
    rolledBack: (host, to, undid) => emit({ type: 'rolled-back', step, host, to, undid }),
  };
}

/** A context for work outside any step (a plan's `finally`): per-host events go nowhere, notes to `note` if given. */
export function quietContext(signal: AbortSignal, note: StepContext['note'] = () => undefined): StepContext {
  return {
    signal, note, output: () => undefined,
    onHost: (_host, work) => work(), bytesSent: () => undefined, rolledBack: () => undefined,
  };
}

/** A step's hosts, from its description (LOCAL work has none). No try: a description that throws is a bug to surface. */
function plannedStep<S>(step: Step<S>, state: S): PlannedStep {
  const hosts = [...new Set(step.describe(state).map((d) => d.host))].filter((h) => h !== LOCAL);
  return { name: step.name, title: step.title, ...(hosts.length > 0 ? { hosts } : {}), ...(step.batch !== undefined ? { batch: step.batch } : {}) };
}

/** Renders a plan for --dry-run: each step, each host, each exact command. */
export function describePlan<S>(plan: Plan<S>, state: S): string {
  const lines = [plan.title];
  if (plan.batches && plan.batches.length > 0) lines.push(`Rollout: ${describeBatches(plan.batches)}`);
  const describe = (step: Step<S>, label: string) => {
    lines.push(`${label} ${step.title} [${step.name}]`);
    for (const d of step.describe(state)) {
      for (const a of d.actions) lines.push(`   ${d.host}: ${actionText(a)}`);
    }
  };
  plan.steps.forEach((step, i) => describe(step, `${i + 1}.`));
  if (plan.onFailure?.length) {
    lines.push('If it fails or is cancelled:');
    plan.onFailure.forEach((step) => describe(step, '-'));
  }
  return lines.join('\n');
}

/** `batch 1 (canary): a; batch 2: b, c` */
export function describeBatches(batches: ReadonlyArray<{ hosts: readonly string[]; canary: boolean }>): string {
  return batches.map((b, i) => `batch ${i + 1}${b.canary ? ' (canary)' : ''}: ${b.hosts.join(', ')}`).join('; ');
}
