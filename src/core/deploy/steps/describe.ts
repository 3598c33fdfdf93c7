/** --dry-run text for deploy steps. */
import { describePerHost } from '../../plan/describe';
import type { PlannedAction, StepDescription } from '../../plan/types';
import type { DeployState, HostState } from '../types';

/** The hosts a step works on: all of them, or one rollout batch. */
export type Select = (state: DeployState) => HostState[];
export const all: Select = (state) => state.hosts;

export function perHost(state: DeployState, actions: (h: HostState) => Array<PlannedAction | undefined>, hosts = state.hosts): StepDescription[] {
  return describePerHost(hosts, actions);
}

/** The release a host switches to, or a placeholder in a dry run that has not looked yet. */
export function releaseOf(h: HostState): string {
  return h.releaseId ?? '<release before current>';
}
