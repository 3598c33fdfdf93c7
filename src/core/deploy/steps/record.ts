import type { PlanOutcome, Step, StepContext } from '../../plan/types';
import { recordCommand, type DeployOutcome, type DeployRecord } from '../../remote/log';
import { liveConnection, onHosts } from '../../fleet/hosts';
import { anyRolledBack, holdsLock, rolledBackHere } from '../undo';
import type { DeployState, HostState } from '../types';
import { perHost, releaseOf } from './describe';
import { ANY_EXIT, commandQuery } from '../../remoteQuery';
import { runQuery } from '../../ssh/runQuery';

export function recordFor(state: DeployState, h: HostState, outcome: DeployOutcome, error?: string): DeployRecord {
  const id = h.releaseId ?? state.release?.id ?? state.rollbackTo ?? 'unknown';
  return {
    kind: state.kind === 'rollback' ? 'rollback' : 'deploy',
    id,
    commit: state.release?.commit ?? /-([0-9a-f]{7,40})$/.exec(id)?.[1] ?? '',
    who: state.identity.who,
    when: state.startedAt.toISOString(),
    outcome,
    durations: { ...state.durations },
    previous: h.previous,
    error: error?.split('\n')[0].slice(0, 500),
    ...(h.batch !== undefined ? { batch: h.batch } : {}),
  };
}

/**
 * What the run did on this host, as its record says: a host that switched and went back was
 * rolled back; one that never switched (a later batch, or a failure before the switch) keeps the
 * run's failure. Only `success` records make a release live in the history rollbacks follow.
 */
export function hostOutcome(h: HostState, run: DeployOutcome): DeployOutcome {
  if (run === 'success') return run;
  return rolledBackHere(h) ? 'rolled-back' : run;
}

export async function writeRecords(state: DeployState, ctx: StepContext | undefined, outcome: DeployOutcome, error?: string): Promise<void> {
  const signal = ctx?.signal ?? new AbortController().signal;
  // A record is history, not the deploy: a host that cannot take it is a warning, never a failure.
  await onHosts(state.hosts.filter((h) => holdsLock(h) && h.conn), async (h) => {
    try {
      const conn = await liveConnection(h, state, signal);
      const record = recordCommand(state.paths, recordFor(state, h, hostOutcome(h, outcome), error));
      const result = await runQuery({ target: h.target, conn }, commandQuery(`writing ${state.paths.log}`, record, ANY_EXIT), { signal });
      if (result.code !== 0) ctx?.note(`could not write ${state.paths.log}: ${result.stderr.trim()}`, 'warning', h.target.key);
    } catch (e) {
      ctx?.note(`could not write ${state.paths.log}: ${(e as Error).message}`, 'warning', h.target.key);
    }
  }, ctx); // as the step's own work, each host's part shows in the Deploy panel (it stayed "skipped")
  state.recorded = true;
}

/** How the run ended, before any rollback; each host's record then says whether that host went back (hostOutcome). */
export function endedAs(outcome: PlanOutcome): DeployOutcome {
  if (outcome.ok) return 'success';
  return outcome.cancelled ? 'cancelled' : 'failed';
}

/** The run's outcome as a whole (what hooks see): rolled-back once any host went back. */
export function outcomeOf(state: DeployState, outcome: PlanOutcome): DeployOutcome {
  return !outcome.ok && anyRolledBack(state) ? 'rolled-back' : endedAs(outcome);
}

/** One JSON line per host in deploys.log. Failures are recorded too, by the plan's `finally`. */
export const recordStep: Step<DeployState> = {
  name: 'record',
  title: 'Record in deploys.log',
  finishOnCancel: true,
  describe: (state) => perHost(state, (h) => [recordCommand(state.paths, { ...recordFor(state, h, 'success'), id: releaseOf(h) })]),
  run: (ctx, state) => writeRecords(state, ctx, 'success'),
};

