/**
 * "Connect to each host and ask it something", for the commands that read the fleet (releases,
 * env list, rpc, check --probe, logs): connections opened with the fleet's deps, ≤ 8 hosts at once,
 * always closed, and one answer per host, a failed host's as a structured error.
 */
import { structuredError, type StructuredError } from '../errors';
import type { RemoteQuery } from '../remoteQuery';
import type { SshConnection } from '../ssh/connection';
import { HOST_PARALLELISM, mapLimit } from '../ssh/parallel';
import { runQuery } from '../ssh/runQuery';
import type { ResolvedTarget } from '../ssh/target';
import { fleetDeps } from './local';
import type { FleetDeps, RemoteOptions } from './types';

/** A host with its connection open. */
export interface ConnectedHost {
  readonly target: ResolvedTarget;
  readonly conn: SshConnection;
}

export type HostAnswer<T> = { host: string; ok: true; value: T } | { host: string; ok: false; error: StructuredError };

export type HostWork<T> = (host: ConnectedHost, signal: AbortSignal) => Promise<T>;

export interface EachHostOptions {
  /** Names the work in each failed host's error (e.g. 'releases', 'env list'). */
  step: string;
  signal?: AbortSignal;
}

/** Runs `ask` (a query, or work over the open connection) on every target; answers in the targets' order. */
export async function askEachHost<T>(connect: FleetDeps['connect'], targets: readonly ResolvedTarget[], ask: RemoteQuery<T> | HostWork<T>,
  options: EachHostOptions): Promise<Array<HostAnswer<T>>> {
  const signal = options.signal ?? new AbortController().signal;
  const work: HostWork<T> = typeof ask === 'function' ? ask : (host) => runQuery(host, ask, { signal });
  const settled = await mapLimit(targets, HOST_PARALLELISM, async (target) => {
    const conn = await connect(target, signal);
    try {
      return await work({ target, conn }, signal);
    } finally {
      await conn.close().catch(() => undefined);
    }
  });
  return settled.map((r, i) => {
    const host = targets[i].key;
    return r.ok ? { host, ok: true, value: r.value } : { host, ok: false, error: structuredError(r.error, options.step, host) };
  });
}

/** askEachHost over an environment's hosts with the fleet's deps; a failed host's answer is `failed`'s. */
export async function answerEachHost<R>(options: RemoteOptions, step: string, work: HostWork<R>,
  failed: (target: ResolvedTarget, error: StructuredError) => R, signal?: AbortSignal): Promise<R[]> {
  const answers = await askEachHost(fleetDeps(options).connect, options.targets, work, { step, signal });
  return answers.map((a, i) => (a.ok ? a.value : failed(options.targets[i], a.error)));
}

/**
 * Opens a connection to every target (≤ 8 at once), runs `fn` with the hosts reached and the
 * errors of those that were not, then closes them all: for work that spans the hosts (logs --follow).
 */
export async function withConnections<R>(connect: FleetDeps['connect'], targets: readonly ResolvedTarget[], step: string, signal: AbortSignal,
  fn: (hosts: ConnectedHost[], unreached: Array<HostAnswer<never> & { ok: false }>) => Promise<R>): Promise<R> {
  const settled = await mapLimit(targets, HOST_PARALLELISM, (target) => connect(target, signal));
  const hosts = settled.flatMap((r, i) => (r.ok ? [{ target: targets[i], conn: r.value }] : []));
  const unreached = settled.flatMap((r, i) => (r.ok ? [] : [{ host: targets[i].key, ok: false as const, error: structuredError(r.error, step, targets[i].key) }]));
  try {
    return await fn(hosts, unreached);
  } finally {
    await Promise.all(hosts.map((h) => h.conn.close().catch(() => undefined)));
  }
}
