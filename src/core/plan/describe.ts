/** --dry-run text for a step that works host by host: each host's exact commands, rendered by shell.ts. */
import { renderCommand, type Command } from '../shell';
import type { StepDescription } from './types';

export function describePerHost<H extends { target: { key: string } }>(
  hosts: readonly H[], commands: (h: H) => Array<Command | string | undefined>): StepDescription[] {
  return hosts.map((h) => ({
    host: h.target.key,
    commands: commands(h).flatMap((c) => (c === undefined ? [] : [typeof c === 'string' ? c : renderCommand(c)])),
  }));
}
