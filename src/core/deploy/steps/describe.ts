/** --dry-run text for deploy steps. */
import { describePerHost } from '../../plan/describe';
import type { StepDescription } from '../../plan/types';
import type { Command } from '../../shell';
import type { DeployState, HostState } from '../types';

/** The hosts a step works on: all of them, or one rollout batch. */
export type Select = (state: DeployState) => HostState[];
export const all: Select = (state) => state.hosts;

export function perHost(state: DeployState, commands: (h: HostState) => Array<Command | string | undefined>, hosts = state.hosts): StepDescription[] {
  return describePerHost(hosts, commands);
}

/** The release a host switches to, or a placeholder in a dry run that has not looked yet. */
export function releaseOf(h: HostState): string {
  return h.release ?? '<release before current>';
}
