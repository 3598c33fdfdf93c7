/** Running work on hosts: bounded parallelism, primary first when order matters, errors named by host. */
import { UserError, type StepContext } from '../plan/types';
import type { Command } from '../shell';
import type { ExecResult } from '../ssh/exec';
import { HOST_PARALLELISM, mapLimit } from '../ssh/parallel';
import type { HostState } from './types';

export class HostsError extends UserError {
  constructor(readonly failures: Array<{ host: string; error: Error }>) {
    super(failures.map((f) => (f.error.message.includes(f.host) ? f.error.message : `${f.host}: ${f.error.message}`)).join('\n'),
      { host: failures[0]?.host });
    this.name = 'HostsError';
  }
}

/** Runs fn on every host (≤ 8 at once); after all finish, throws one error naming each failed host. */
export async function onHosts(hosts: readonly HostState[], fn: (h: HostState) => Promise<void>): Promise<void> {
  const results = await mapLimit(hosts, HOST_PARALLELISM, fn);
  const failures = results.flatMap((r, i) => (r.ok ? [] : [{ host: hosts[i].target.key, error: r.error }]));
  if (failures.length > 0 && failures.every((f) => f.error.name === 'AbortError')) throw failures[0].error; // a cancel, not a failure
  if (failures.length > 0) throw new HostsError(failures);
}

/** The primary alone first (hosts[0]), then the rest in parallel; stops if the primary fails. */
export async function primaryFirst(hosts: readonly HostState[], fn: (h: HostState) => Promise<void>): Promise<void> {
  if (hosts.length === 0) return;
  await onHosts(hosts.slice(0, 1), fn);
  await onHosts(hosts.slice(1), fn);
}

/** Runs a command on a host and fails on a non-zero exit with the tail of its stderr. */
export async function runOn(h: HostState, command: Command, ctx: StepContext, what: string, stream = false): Promise<ExecResult> {
  if (!h.conn) throw new Error(`${h.target.key}: not connected`);
  const result = await h.conn.exec(command, {
    signal: ctx.signal,
    onStdout: stream ? (t) => ctx.output(t, h.target.key) : undefined,
    onStderr: stream ? (t) => ctx.output(t, h.target.key) : undefined,
  });
  if (result.code !== 0) {
    const detail = tail(result.stderr.trim() || result.stdout.trim(), 1500);
    throw new UserError(`${what} failed on ${h.target.key} (exit ${result.code})${detail ? `: ${detail}` : ''}`, { host: h.target.key });
  }
  return result;
}

export function tail(text: string, max: number): string {
  return text.length > max ? `…${text.slice(-max)}` : text;
}
