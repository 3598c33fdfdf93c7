/**
 * Rolling deploys: after every host has the release prepared and checked (and the migration ran
 * once), hosts switch in batches (the canary first), each batch health-gated, with a pause between.
 * When a batch fails, or the rollout is cancelled between batches, every host switched so far, in
 * every batch, goes back to the release it ran before; hosts of later batches are never touched.
 */
import type { RolloutConfig } from '../config/types';
import { type PlanBatch, type Step } from '../plan/types';
import { CancelledError, isCancel, UserError } from '../errors';
import { putBackLive } from './putBack';
import { currentWentBack } from './undo';
import type { DeployState, HostState } from './types';
import type { Select } from './steps/describe';

/** The steps that switch the selected hosts, in order (e.g. switch, restart, health). */
export type SwitchingSteps = (select: Select) => Array<Step<DeployState>>;

/** Hosts (primary first) in batches: `canary` hosts, then `batch` at a time (a percentage of all hosts, rounded down, at least 1). */
export function rolloutBatches<T>(hosts: readonly T[], rollout: RolloutConfig): T[][] {
  const canary = Math.min(rollout.canary, hosts.length);
  const size = rollout.batch === undefined ? hosts.length
    : 'count' in rollout.batch ? rollout.batch.count
      : Math.max(1, Math.floor((rollout.batch.percent * hosts.length) / 100));
  const batches = canary > 0 ? [hosts.slice(0, canary)] : [];
  for (let i = canary; i < hosts.length; i += size) batches.push(hosts.slice(i, i + size));
  return batches;
}

/** Assigns each host its batch and returns the plan's batches (host keys). */
export function assignBatches(state: DeployState, rollout: RolloutConfig): PlanBatch[] {
  const batches = rolloutBatches(state.hosts, rollout);
  batches.forEach((hosts, i) => hosts.forEach((h) => (h.batch = i + 1)));
  state.rollout = { batches: batches.length, started: 0 };
  return batches.map((hosts, i) => ({ hosts: hosts.map((h) => h.target.key), canary: i === 0 && rollout.canary > 0 }));
}

const inBatch = (n: number): Select => (state) => state.hosts.filter((h) => h.batch === n);

/**
 * Each batch's switching steps (tagged with the batch), a pause before every batch after the
 * first. A failing batch step records the batch and puts the whole fleet back.
 */
export function rolloutSteps(state: DeployState, rollout: RolloutConfig, steps: SwitchingSteps): Array<Step<DeployState>> {
  const count = state.rollout?.batches ?? 0;
  const out: Array<Step<DeployState>> = [];
  for (let n = 1; n <= count; n++) {
    if (n > 1) out.push(pauseStep(rollout.pause, n, count));
    steps(inBatch(n)).forEach((step, i) => out.push(batchStep(step, n, i === 0)));
  }
  return out;
}

function batchStep(step: Step<DeployState>, batch: number, first: boolean): Step<DeployState> {
  return {
    ...step,
    batch,
    async run(ctx, state) {
      if (first && state.rollout) state.rollout.started = batch;
      try {
        await step.run(ctx, state);
      } catch (e) {
        if (!state.rollout || isCancel(e, ctx.signal)) throw e; // a cancel stays a cancel, for the runner to report
        state.rollout.failedBatch ??= batch;
        await putBackLive(state, ctx);
        // The terminal, the panel and the result all say which batch it was.
        const hosts = state.hosts.filter((h) => h.batch === batch).map((h) => h.target.key).join(', ');
        throw Object.assign(new UserError(`batch ${batch} of ${state.rollout.batches} (${hosts}) failed at ${step.name}: ${(e as Error).message}`,
          (e as UserError).detail), { cause: e });
      }
    },
  };
}

/** Between batches: waits `seconds`; a cancel here (or during the batch before) puts every switched host back. */
function pauseStep(seconds: number, next: number, count: number): Step<DeployState> {
  return {
    name: 'pause',
    title: seconds > 0 ? `Pause ${seconds} s, then batch ${next} of ${count}` : `Batch ${next} of ${count} next`,
    finishOnCancel: true,
    describe: () => [],
    async run(ctx, state) {
      const cancel = ctx.cancel ?? ctx.signal;
      if (seconds > 0 && !cancel.aborted) await state.deps.sleep(seconds * 1000, cancel).catch(() => undefined);
      if (!cancel.aborted) return;
      await putBackLive(state, ctx);
      const back = state.hosts.filter(currentWentBack).map((h) => h.target.key);
      throw new CancelledError(`cancelled before batch ${next} of ${count}; ${back.length > 0 ? `${back.join(', ')} went back to the previous release` : 'no host had switched'}`);
    },
  };
}

/** A host's place in the rollout, for results: its batch, and whether that batch began. */
export function rolloutPlace(state: DeployState, h: HostState): { batch?: number; reached?: boolean } {
  if (!state.rollout || h.batch === undefined) return {};
  return { batch: h.batch, reached: h.batch <= state.rollout.started };
}
