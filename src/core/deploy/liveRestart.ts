/**
 * What a feature borrows from the deploy engine to change the fleet and then restart the live
 * release (`env set --restart`), in one module: the run's state, the steps around the feature's
 * own (connect; to restart, lock and read each host first, and restart the live release after),
 * the cleanup and the result. The feature's state holds the run's DeployState as a part and runs
 * these steps on that part (plan/focus.ts); the types it needs for that come from here too.
 */
import type { RunResult } from '../plan/runner';
import type { PlanOutcome, Step } from '../plan/types';
import { closeSessions } from '../ssh/sessions';
import type { RemoteOptions } from '../fleet/types';
import { baseState } from './plan';
import { liveRestartSteps, restartLiveRelease } from './restart';
import { resultOf } from './run';
import { connectStep } from './steps/connect';
import { finishRun } from './steps/finish';
import { lockAndInspectStep } from './steps/lockAndInspect';
import type { DeployResult, DeployState } from './types';

export type { DeployResult, DeployState };

export interface LiveRestart {
  /** Before the feature's steps: connect (and with a restart, take the lock and read each host). */
  before: Array<Step<DeployState>>;
  /** Once the lock step has read each host: each restarts what `current` points at (throws when a host has nothing). */
  chooseLive(state: DeployState): void;
  /** After the feature's steps: the restart (blue/green: the slot dance), or nothing. */
  after: Array<Step<DeployState>>;
  /** The plan's `finally`: unlock and close (restart), or just close. */
  finish(state: DeployState, outcome: PlanOutcome): Promise<void>;
  /** Where each host stands, as a deploy reports it (only with a restart). */
  result(state: DeployState, run: RunResult): DeployResult;
}

/** The state of a run that may restart the live release; `what`: what the lock says it is for. */
export function restartRunState(options: RemoteOptions, what: string, healthIntervalMs?: number): DeployState {
  return baseState('restart', options, what, healthIntervalMs);
}

export function liveRestart(state: DeployState, restart: boolean): LiveRestart {
  return {
    before: restart ? [connectStep, lockAndInspectStep] : [connectStep],
    chooseLive: (s) => (restart ? restartLiveRelease(s) : undefined),
    after: restart ? liveRestartSteps(state) : [],
    finish: (s, outcome) => (restart ? finishRun(s, outcome) : closeSessions(s.hosts.flatMap((h) => (h.conn ? [h.conn] : [])))),
    result: resultOf,
  };
}
