/** Running work on hosts: bounded parallelism, primary first when order matters, errors named by host. */
import { type StepContext } from '../plan/types';
import { HostsError, isCancel } from '../errors';
import type { Command } from '../shell';
import type { SshConnection } from '../ssh/connection';
import type { ExecResult } from '../ssh/exec';
import { HOST_PARALLELISM, mapLimit } from '../ssh/parallel';
import { commandQuery } from '../remoteQuery';
import { runQuery } from '../ssh/runQuery';
import type { ResolvedTarget } from '../ssh/target';
import type { FleetDeps } from './types';

/** What onHosts and runOn need of a host: its name, and its connection once open (deploy and setup hosts alike). */
export interface OnHost {
  target: ResolvedTarget;
  conn?: SshConnection;
}

/** A host whose lost connection may be reopened for recovery work (see liveConnection). */
export interface RecoverableHost extends OnHost {
  /** Why the host could not be reached again after its connection was lost. */
  unreachable?: string;
  /** A lost connection was reopened for rollback or cleanup. */
  reconnected?: boolean;
}

/**
 * The host's connection, reopened once if the transport was lost. Only recovery paths use it
 * (rollback, recording, removing an unused release, unlocking, reading back `current`): a step
 * whose connection died fails, and is never silently retried.
 */
export async function liveConnection(h: RecoverableHost, fleet: { deps: Pick<FleetDeps, 'connect'> }, signal: AbortSignal): Promise<SshConnection> {
  if (h.conn && h.conn.isAlive?.() !== false) return h.conn;
  if (h.unreachable) throw new Error(h.unreachable);
  const lost = h.conn;
  h.conn = undefined;
  await lost?.close().catch(() => undefined);
  try {
    h.conn = await fleet.deps.connect(h.target, signal);
  } catch (e) {
    h.unreachable = `cannot reconnect to ${h.target.key}: ${(e as Error).message}`;
    throw new Error(h.unreachable);
  }
  h.reconnected = true;
  return h.conn;
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
export async function primaryFirst<H extends OnHost>(hosts: readonly H[], fn: (h: H) => Promise<void>, ctx?: StepContext): Promise<void> {
  if (hosts.length === 0) return;
  await onHosts(hosts.slice(0, 1), fn, ctx);
  await onHosts(hosts.slice(1), fn, ctx);
}

/**
 * A step's command on a host: runQuery with exit 0 required, the step's cancel, and with `stream`
 * its output shown as the host's. See runQuery for the timeout and the errors.
 */
export function runOn(h: OnHost, command: Command, ctx: StepContext, what: string, stream = false, timeoutMs?: number): Promise<ExecResult> {
  const output = stream ? (t: string) => ctx.output(t, h.target.key) : undefined;
  return runQuery(h, commandQuery(what, command), { signal: ctx.signal, timeoutMs, onStdout: output, onStderr: output });
}
