/**
 * A remote query is a command together with the exit codes that count as an answer and the parser
 * of that answer, defined next to the command (remote/, settings/, env/...). ssh/runQuery.ts runs it.
 */
import type { Command } from './shell';

/** What a command gave back on a host (ssh/exec.ts's ExecResult). */
export interface CommandResult {
  /** Exit code; -1 when the remote process died by a signal or the channel closed without one. */
  code: number;
  signal?: string;
  stdout: string;
  stderr: string;
}

/** Every exit status is an answer: the parser reads the code itself. */
export const ANY_EXIT = 'any';

export interface RemoteQuery<T> {
  /** What it does, for messages: "the migration", "reading the lock". */
  readonly what: string;
  readonly command: Command;
  /** The exit codes that are answers rather than failures; default [0]. */
  readonly okCodes?: readonly number[] | typeof ANY_EXIT;
  /** Turns the answer into a value; may throw (its message is kept, and the host added). `host`: for messages. */
  parse(result: CommandResult, host: string): T;
}

/** The whole answer: for commands whose output nobody parses, or whose caller reads the code. */
export function commandQuery(what: string, command: Command, okCodes?: RemoteQuery<CommandResult>['okCodes']): RemoteQuery<CommandResult> {
  return { what, command, okCodes, parse: (result) => result };
}
