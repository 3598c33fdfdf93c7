/**
 * Restarting the live release in place (e.g. so it reads a changed shared/env): on blue/green
 * hosts the same dance as a deploy toward the release already live, so no request is dropped; on
 * other hosts the unit (or the configured `restart`) is restarted and health-checked, with a gap.
 * Nothing is recorded in deploys.log: what is live does not change.
 */
import { type Step } from '../plan/types';
import { UserError } from '../errors';
import { blueGreenSteps, drainStep } from './steps/blueGreen';
import { healthStep } from './steps/health';
import { restartStep } from './steps/switch';
import type { DeployState } from './types';

/** Each host restarts the release `current` points at (read by the lock step); a host without one is an error. */
export function restartLiveRelease(state: DeployState): void {
  const empty = state.hosts.filter((h) => !h.previous).map((h) => h.target.key);
  if (empty.length > 0) {
    throw new UserError(`nothing is deployed on ${empty.join(', ')} yet, so there is nothing to restart; the next deploy starts the app`, { host: empty[0] });
  }
  for (const h of state.hosts) h.releaseId = h.previous;
}

export function liveRestartSteps(state: DeployState): Array<Step<DeployState>> {
  if (state.environment.strategy !== 'blue_green') return [restartStep(), healthStep()];
  const [point, start, health, route] = blueGreenSteps();
  return [point, start, health, route, drainStep()];
}
