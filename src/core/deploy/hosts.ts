/** Running work on hosts: bounded parallelism, primary first when order matters, errors named by host. */
import { type StepContext } from '../plan/types';
import { HostsError, isCancel, UserError } from '../errors';
import type { Command } from '../shell';
import { ConnectionLostError, type SshConnection } from '../ssh/connection';
import type { ExecResult } from '../ssh/exec';
import { HOST_PARALLELISM, mapLimit } from '../ssh/parallel';
import type { ResolvedTarget } from '../ssh/target';
import type { DeployState, HostState } from './types';

/** A command that did not finish within its time bound; it was signalled and abandoned. */
export class CommandTimeoutError extends UserError {
  constructor(message: string, host: string) {
    super(message, { host });
    this.name = 'CommandTimeoutError';
  }
}

/**
 * The host's connection, reopened once if the transport was lost. Only recovery paths use it
 * (rollback, recording, removing an unused release, unlocking, reading back `current`): a step
 * whose connection died fails, and is never silently retried.
 */
export async function liveConnection(h: HostState, state: DeployState, signal: AbortSignal): Promise<SshConnection> {
  if (h.conn && h.conn.isAlive?.() !== false) return h.conn;
  if (h.unreachable) throw new Error(h.unreachable);
  const lost = h.conn;
  h.conn = undefined;
  await lost?.close().catch(() => undefined);
  try {
    h.conn = await state.deps.connect(h.target, signal);
  } catch (e) {
    h.unreachable = `cannot reconnect to ${h.target.key}: ${(e as Error).message}`;
    throw new Error(h.unreachable);
  }
  h.reconnected = true;
  return h.conn;
}

export { HostsError } from '../errors';

/** What onHosts and runOn need of a host: its name, and its connection once open (deploy and setup hosts alike). */
export interface OnHost {
  target: ResolvedTarget;
  conn?: SshConnection;
}

/**
 * Runs fn on every host (≤ 8 at once; the others wait, unconnected work not yet started); after
 * all finish, throws one error naming each failed host. With `ctx`, each host's part is reported
 * as the step's (host-start, host-end): recovery work elsewhere passes none.
 */
export async function onHosts<H extends OnHost>(hosts: readonly H[], fn: (h: H) => Promise<void>, ctx?: StepContext): Promise<void> {
  const results = await mapLimit(hosts, HOST_PARALLELISM, ctx ? (h) => ctx.onHost(h.target.key, () => fn(h)) : fn);
  const failures = results.flatMap((r, i) => (r.ok ? [] : [{ host: hosts[i].target.key, error: r.error }]));
  if (failures.length > 0 && failures.every((f) => isCancel(f.error))) throw failures[0].error; // a cancel, not a failure
  if (failures.length > 0) throw new HostsError(failures);
}

/** The primary alone first (hosts[0]), then the rest in parallel; stops if the primary fails. */
export async function primaryFirst(hosts: readonly HostState[], fn: (h: HostState) => Promise<void>, ctx?: StepContext): Promise<void> {
  if (hosts.length === 0) return;
  await onHosts(hosts.slice(0, 1), fn, ctx);
  await onHosts(hosts.slice(1), fn, ctx);
}

/**
 * Runs a command on a host and fails on a non-zero exit with the tail of its stderr. With
 * `timeoutMs`, a command still running after that long is signalled, abandoned, and reported as a
 * CommandTimeoutError; a lost connection is a ConnectionLostError naming the host and `what`.
 */
export async function runOn(h: OnHost, command: Command, ctx: StepContext, what: string, stream = false, timeoutMs?: number): Promise<ExecResult> {
  if (!h.conn) throw new Error(`${h.target.key}: not connected`);
  const timeout = timeoutMs !== undefined ? AbortSignal.timeout(timeoutMs) : undefined;
  let result: ExecResult;
  try {
    result = await h.conn.exec(command, {
      signal: timeout ? AbortSignal.any([ctx.signal, timeout]) : ctx.signal,
      onStdout: stream ? (t) => ctx.output(t, h.target.key) : undefined,
      onStderr: stream ? (t) => ctx.output(t, h.target.key) : undefined,
    });
  } catch (e) {
    if (timeout?.aborted && !ctx.signal.aborted) {
      throw new CommandTimeoutError(`${what} did not finish within ${timeoutMs! / 1000}s on ${h.target.key}; it was stopped`, h.target.key);
    }
    if (e instanceof ConnectionLostError) throw new ConnectionLostError(h.target.key, what, e.reason);
    throw e;
  }
  if (result.code !== 0) {
    const detail = tail(result.stderr.trim() || result.stdout.trim(), 1500);
    throw Object.assign(new UserError(`${what} failed on ${h.target.key} (exit ${result.code})${detail ? `: ${detail}` : ''}`, { host: h.target.key }),
      { exitCode: result.code });
  }
  return result;
}

export function tail(text: string, max: number): string {
  return text.length > max ? `…${text.slice(-max)}` : text;
}
