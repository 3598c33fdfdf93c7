/** Restarting the app on one host, bounded, and reading back where `current` points: shared by the steps and the undo. */
import type { StepContext } from '../plan/types';
import { readCurrentQuery, restartCommand } from '../remote/release';
import { runOn } from '../fleet/hosts';
import { CommandTimeoutError, runQuery } from '../ssh/runQuery';
import { restartArgv } from './service';
import type { DeployState, HostState } from './types';

/** Default bound on the restart command (seconds), when `restart_timeout` is not set. */
export const DEFAULT_RESTART_TIMEOUT = 120;

export const restartSeconds = (state: DeployState) => state.environment.restartTimeout ?? DEFAULT_RESTART_TIMEOUT;

/**
 * Runs the restart bounded twice: `timeout` on the host kills a hung restart's process group
 * (exit 124), and a local bound a little later covers a host that stopped answering altogether.
 */
export async function restartOn(h: HostState, state: DeployState, ctx: StepContext, what: string, stream = false): Promise<void> {
  const seconds = restartSeconds(state);
  h.startedAt = state.deps.now().getTime();
  try {
    await runOn(h, restartCommand(state.paths, restartArgv(state.environment, state.app), seconds), ctx, what, stream, (seconds + 10) * 1000);
    h.unitStartedAt = state.deps.now().getTime();
  } catch (e) {
    if ((e as { exitCode?: number }).exitCode === 124) {
      throw new CommandTimeoutError(`${what} did not finish within ${seconds}s on ${h.target.key}; it was stopped`, h.target.key);
    }
    throw e;
  }
}

/** Reads `current` back from the host: the release name, null when absent, undefined when unknown. */
export async function readBackCurrent(h: HostState, state: DeployState, signal: AbortSignal): Promise<string | null | undefined> {
  return runQuery(h, readCurrentQuery(state.paths), { signal });
}
