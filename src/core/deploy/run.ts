/** Entry points the CLI and the extension call: run a plan, get a result fit for --json. */
import { describePlan, runPlan, type RunResult } from '../plan/runner';
import type { EventSink } from '../plan/types';
import { structuredError, UserError, type StructuredError } from '../errors';
import { createDeployPlan, createRollbackPlan, type PlanAndState } from './plan';
import { managedHost } from '../host/spec';
import { rolloutPlace } from './rollout';
import { anyRolledBack, currentMoved, currentTouched, everRouted, holdsLock, rolledBackHere, routedNow } from './undo';
import type { DeployOptions, DeployResult, DeployState, HostResult, HostState, RollbackOptions } from './types';

export function resultOf(state: DeployState, run: RunResult): DeployResult {
  const { outcome } = run;
  const targets = new Set(state.hosts.map((h) => h.releaseId));
  const hosts = state.hosts.map((h) => {
    const confirmed = h.observedCurrent !== undefined;
    return {
      host: h.target.key,
      primary: h.target.primary,
      previous: h.previous,
      // Read back from the host when we could; otherwise our last knowledge of it.
      current: confirmed ? h.observedCurrent ?? undefined : currentMoved(h) ? h.releaseId : h.previous,
      confirmed,
      unreachable: h.unreachable,
      lockLeft: holdsLock(h) || undefined,
      error: withAppSays(h.error ?? errorOn(h.target.key, run), h.appSays),
      bytesSent: h.bytesSent,
      health: h.health,
      cleaned: h.cleaned,
      liveSlot: liveSlotOf(state, h),
      ...rolloutPlace(state, h),
      ...(rolledBackHere(h) ? { rolledBack: true } : {}),
    };
  });
  const blueGreen = state.environment.strategy === 'blue_green';
  const seen = blueGreen ? state.hosts.some(everRouted) : undefined;
  const unseen = blueGreen && !outcome.ok && !seen && state.hosts.some((h) => h.slotSwitch !== undefined)
    ? `\nNobody saw ${state.release?.id ?? 'the new release'}: nginx kept every request on the old slot, which kept running; current is unchanged.` : '';
  // After a failure, say where every host stands, so a partial switch is never a surprise.
  const moved = state.hosts.some((h) => currentTouched(h) || h.unreachable);
  const mixed = new Set(hosts.map((h) => h.current ?? '')).size > 1;
  const where = !outcome.ok && (moved || mixed || state.rollout?.started)
    ? `\nHosts now: ${hosts.map((h) => `${h.host} → ${h.current ?? 'none'}${standing(h)}`).join('; ')}`
    : '';
  const failedBatch = state.rollout?.failedBatch;
  return {
    kind: state.kind,
    ok: outcome.ok,
    cancelled: !outcome.ok && outcome.cancelled,
    error: outcome.ok ? undefined : `${outcome.error.message}${where}${unseen}`,
    failedStep: outcome.ok ? undefined : outcome.step,
    release: state.release?.id ?? (targets.size === 1 ? [...targets][0] : undefined),
    rolledBack: anyRolledBack(state),
    healthChecked: state.healthChecked,
    durations: { ...state.durations },
    hosts,
    warnings: [...state.warnings],
    ...(seen !== undefined ? { newReleaseSeen: seen } : {}),
    ...(state.rollout ? { rollout: { batches: state.rollout.batches, ...(failedBatch !== undefined ? { failedBatch } : {}) } } : {}),
  };
}

/** The host's failure with what the app said there, when it was read (the journal, `logs:`, the migration's output). */
function withAppSays(error: StructuredError | undefined, says: string[] | undefined): StructuredError | undefined {
  return error && says?.length ? { ...error, appSays: says } : error;
}

/** A host's first failure in a step, or the run's error when it names this host and no step did. */
function errorOn(host: string, run: RunResult): StructuredError | undefined {
  const { outcome } = run;
  const own = run.hostErrors.find((e) => e.host === host);
  if (own || outcome.ok || outcome.cancelled) return own;
  return outcome.error instanceof UserError && outcome.error.detail?.host === host ? structuredError(outcome.error, outcome.step ?? 'finally', host) : undefined;
}

/** `(batch 2, rolled back)`, `(batch 4, not reached)`, `(unconfirmed: unreachable)`: how a host got where it is. */
function standing(h: HostResult): string {
  const parts = [
    h.batch !== undefined ? `batch ${h.batch}` : '',
    h.rolledBack ? 'rolled back' : h.reached === false ? 'not reached' : '',
    h.confirmed ? '' : `unconfirmed${h.unreachable ? ': unreachable' : ''}`,
  ].filter((p) => p !== '');
  return parts.length > 0 ? ` (${parts.join(', ')})` : '';
}

/** Where nginx routes on a blue/green host at the end of the run, as far as this run knows. */
function liveSlotOf(state: DeployState, h: HostState): HostResult['liveSlot'] {
  const sw = h.slotSwitch;
  if (!sw || !state.app) return undefined;
  const name = routedNow(h) ? sw.to : sw.from;
  const slot = managedHost(state.app, state.environment).slots.find((s) => s.name === name);
  return slot && { name, port: slot.port };
}

async function execute(made: PlanAndState, emit: EventSink, signal: AbortSignal): Promise<DeployResult> {
  const run = await runPlan(made.plan, made.state, emit, signal);
  return resultOf(made.state, run);
}

export function runDeploy(options: DeployOptions, emit: EventSink, signal: AbortSignal): Promise<DeployResult> {
  return execute(createDeployPlan(options), emit, signal);
}

export function runRollback(options: RollbackOptions, emit: EventSink, signal: AbortSignal): Promise<DeployResult> {
  return execute(createRollbackPlan(options), emit, signal);
}

/** --dry-run: every step, host and exact command, touching nothing. */
export function describeDeploy(options: DeployOptions): string {
  const { plan, state } = createDeployPlan(options);
  return describePlan(plan, state);
}

export function describeRollback(options: RollbackOptions): string {
  const { plan, state } = createRollbackPlan(options);
  return describePlan(plan, state);
}
