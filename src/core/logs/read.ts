/**
 * `logs`: the app's log from every host, merged in time order, over one SSH connection per host.
 * Managed hosts (`service: systemd`) read journald (every slot's unit); other hosts run the
 * environment's `logs` command. `follow` keeps streaming until the signal aborts.
 */
import type { EnvironmentConfig, LogsConfig } from '../config/types';
import { withConnections, type ConnectedHost } from '../fleet/eachHost';
import { fleetDeps } from '../fleet/local';
import { ANY_EXIT, commandQuery } from '../remoteQuery';
import type { RemoteOptions } from '../fleet/types';
import { managedHost } from '../host/spec';
import { UserError } from '../errors';
import { remotePaths } from '../remote/paths';
import { join, op, type Command } from '../shell';
import { runQuery } from '../ssh/runQuery';
import type { ResolvedTarget } from '../ssh/target';
import { journalCommand, checkSince, parseJournalEntry, type LogLine } from '../host/journal';
import { byTime, LineSplitter } from './lines';

export interface LogsRequest {
  targets: readonly ResolvedTarget[];
  /** Per host (default 100 unless `since` is given). */
  lines?: number;
  since?: string;
  follow?: boolean;
}

export interface LogsHostResult {
  host: string;
  ok: boolean;
  error?: string;
}

export type LogSource = { kind: 'journal'; units: string[] } | { kind: 'command'; logs: LogsConfig };

export const DEFAULT_LOG_LINES = 100;

/** Where an environment's log comes from; a host the tool does not manage needs `logs:`. */
export function logSource(env: EnvironmentConfig, app: string | undefined): LogSource {
  if (env.logs) return { kind: 'command', logs: env.logs };
  if (env.service === 'systemd') {
    if (!app) throw new UserError('the app name is needed to find its units: set "app" in config/deploy.yml');
    const host = managedHost(app, env);
    return { kind: 'journal', units: host.strategy === 'blue_green' ? host.slots.map((s) => s.unit) : [host.serviceUnit!] };
  }
  throw new UserError(`environments.${env.name} has no "logs" command, and the tool does not manage its hosts' service, so it cannot know where the app logs. ` +
    'Add one to config/deploy.yml, e.g. `logs: tail -n 1000 /var/log/my_app/current` (or `logs: { command: …, follow: tail -n 10 -F /var/log/my_app/current }` for --follow), ' +
    'or let the tool manage the host (`service: systemd`, then `phoenix-deploy setup`): it reads journald.', { file: 'config/deploy.yml' });
}

/** The commands a request runs on each host: a backlog, then (with follow) the stream. */
export function logCommands(source: LogSource, env: EnvironmentConfig, request: Pick<LogsRequest, 'lines' | 'since' | 'follow'>, afterCursor?: string): { backlog?: Command; follow?: Command } {
  if (source.kind === 'journal') {
    const lines = request.lines ?? (request.since ? undefined : DEFAULT_LOG_LINES);
    return {
      backlog: journalCommand({ units: source.units, lines, since: request.since }),
      ...(request.follow ? { follow: journalCommand({ units: source.units, lines: 'all', since: afterCursor ? undefined : request.since, afterCursor, follow: true }) } : {}),
    };
  }
  if (request.since !== undefined) {
    checkSince(request.since);
    throw new UserError('--since needs timestamps, which journald has: it works on hosts with service: systemd, not with a "logs" command');
  }
  const inDeployTo = (argv: readonly string[]) => join(op.and, ['cd', '--', remotePaths(env.deployTo).root], [...argv]);
  if (request.follow) {
    if (!source.logs.follow) {
      throw new UserError(`--follow needs environments.${env.name}.logs.follow, a command that keeps printing (e.g. \`logs: { command: …, follow: tail -n 10 -F /var/log/my_app/current }\`)`, { file: 'config/deploy.yml' });
    }
    return { follow: inDeployTo(source.logs.follow) };
  }
  return { backlog: inDeployTo(source.logs.command) };
}

/** How often streamed lines are flushed: within a batch, lines from all hosts are put in time order. */
export const FOLLOW_BATCH_MS = 200;

export async function readLogs(options: RemoteOptions, request: LogsRequest, onLine: (line: LogLine) => void, signal: AbortSignal): Promise<LogsHostResult[]> {
  const source = logSource(options.environment, options.app);
  logCommands(source, options.environment, request); // refuse what cannot work before connecting anywhere
  const results = new Map<string, LogsHostResult>();
  await withConnections(fleetDeps(options).connect, request.targets, 'logs', signal, async (hosts, unreached) => {
    for (const e of unreached) results.set(e.host, { host: e.host, ok: false, error: e.error.message });
    const cursors = new Map<string, string | undefined>();
    const backlog: LogLine[][] = await Promise.all(hosts.map(async (on) => {
      const host = on.target.key;
      try {
        const lines = await readBacklog(source, options.environment, request, on, signal, cursors);
        results.set(host, { host, ok: true });
        return lines;
      } catch (e) {
        results.set(host, { host, ok: false, error: (e as Error).message });
        return [];
      }
    }));
    const all = source.kind === 'journal' ? byTime(backlog.flat()) : backlog.flat(); // a command's lines have no times: host by host
    for (const line of all) onLine(line);
    if (request.follow && !signal.aborted) await follow(source, options.environment, request, hosts, results, cursors, onLine, signal);
  });
  return request.targets.map((t) => results.get(t.key) ?? { host: t.key, ok: false, error: 'not read' });
}

async function readBacklog(source: LogSource, env: EnvironmentConfig, request: LogsRequest, on: ConnectedHost,
  signal: AbortSignal, cursors: Map<string, string | undefined>): Promise<LogLine[]> {
  const { backlog } = logCommands(source, env, request);
  if (!backlog) return [];
  const host = on.target.key;
  const conn = on.conn;
  const result = await runQuery(on, commandQuery('reading the log', backlog, ANY_EXIT), { signal });
  if (result.code !== 0) throw new Error(`reading the log failed (exit ${result.code}): ${result.stderr.trim().slice(-500)}`);
  const lines = result.stdout.split('\n');
  if (lines.at(-1) === '') lines.pop();
  if (source.kind === 'command') {
    const keep = request.lines ?? DEFAULT_LOG_LINES;
    return lines.slice(-keep).map((message) => ({ host, message }));
  }
  const entries = lines.flatMap((l) => parseJournalEntry(host, l) ?? []);
  cursors.set(host, entries.at(-1)?.cursor);
  if (entries.length === 0 && result.stderr.includes('insufficient permissions')) {
    throw new Error(`the deploy user may not read the journal: run \`phoenix-deploy setup\` (it adds ${conn.target.user} to the systemd-journal group)`);
  }
  return entries.map((e) => e.line);
}

async function follow(source: LogSource, env: EnvironmentConfig, request: LogsRequest, hosts: readonly ConnectedHost[],
  results: Map<string, LogsHostResult>, cursors: Map<string, string | undefined>, onLine: (line: LogLine) => void, signal: AbortSignal): Promise<void> {
  let batch: LogLine[] = [];
  const flush = () => {
    const out = source.kind === 'journal' ? byTime(batch) : batch;
    batch = [];
    for (const line of out) onLine(line);
  };
  const timer = setInterval(flush, FOLLOW_BATCH_MS);
  try {
    await Promise.all(hosts.filter((on) => results.get(on.target.key)?.ok).map(async (on) => {
      const host = on.target.key;
      const { follow: command } = logCommands(source, env, request, cursors.get(host));
      const splitter = new LineSplitter((text) => {
        const line = source.kind === 'journal' ? parseJournalEntry(host, text)?.line : { host, message: text };
        if (line) batch.push(line);
      });
      try {
        const result = await runQuery(on, commandQuery('following the log', command!, ANY_EXIT), { signal, onStdout: (t) => splitter.push(t) });
        splitter.end();
        if (!signal.aborted) results.set(host, { host, ok: false, error: `the log stream ended (exit ${result.code}): ${result.stderr.trim().slice(-300)}` });
      } catch (e) {
        if ((e as Error).name !== 'AbortError') results.set(host, { host, ok: false, error: (e as Error).message });
      }
    }));
  } finally {
    clearInterval(timer);
    flush();
  }
}
