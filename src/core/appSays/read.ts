/**
 * Reading what the app said on a host after it failed: the unit's journal lines since it was
 * started (managed hosts), or the environment's `logs:` command (hosts the tool doesn't manage).
 * Called only on a failure, so a deploy that works pays no extra round trip.
 */
import type { EnvironmentConfig } from '../config/types';
import { journalCommand, parseJournalEntry } from '../host/journal';
import { remotePaths } from '../remote/paths';
import { join, op, type Command } from '../shell';
import type { SshConnection } from '../ssh/connection';
import { extractAppSays } from './extract';
import { ANY_EXIT, type RemoteQuery } from '../remoteQuery';
import { runQuery } from '../ssh/runQuery';

/** Journal lines read after a failure (the crash loop repeats itself; the first boot is what counts). */
const JOURNAL_LINES = 400;

export type AppSaysSource =
  | { kind: 'journal'; unit: string; sinceSeconds: number }
  | { kind: 'command'; command: Command };

/** Where the app's words are: its unit's journal since `startedAt`, or the `logs:` command; none when neither. */
export function appSaysSource(env: EnvironmentConfig, unit: string | undefined, startedAt: number | undefined, now = Date.now()): AppSaysSource | undefined {
  if (env.service === 'systemd' && unit) {
    // Relative to the host's own clock (journalctl `--since=-Ns`), so the two clocks never need to agree.
    const elapsed = startedAt === undefined ? 120 : Math.ceil((now - startedAt) / 1000) + 2;
    return { kind: 'journal', unit, sinceSeconds: Math.min(999_999, Math.max(5, elapsed)) };
  }
  if (env.logs) return { kind: 'command', command: join(op.and, ['cd', '--', remotePaths(env.deployTo).root], [...env.logs.command]) };
  return undefined;
}

export function appSaysCommand(source: AppSaysSource): Command {
  return source.kind === 'journal'
    ? journalCommand({ units: [source.unit], since: `${source.sinceSeconds}s`, lines: JOURNAL_LINES })
    : source.command;
}

/** The app's raw lines from the command's output: the app's own journal entries, or the tail of the log. */
export function appLines(source: AppSaysSource, stdout: string): string[] {
  const lines = stdout.split('\n');
  if (source.kind === 'command') return lines.slice(-JOURNAL_LINES);
  return lines.flatMap((l) => {
    const entry = parseJournalEntry('', l);
    return entry && !entry.line.fromSystemd ? [entry.line.message] : [];
  });
}

/** What the app said on this host, most telling line first; [] when it cannot be read (never throws). */
export async function readAppSays(conn: SshConnection, source: AppSaysSource, signal?: AbortSignal): Promise<string[]> {
  try {
    const read: RemoteQuery<string[]> = { what: 'reading what the app said', command: appSaysCommand(source), okCodes: ANY_EXIT, parse: (r) => extractAppSays(appLines(source, r.stdout)) };
    return await runQuery({ target: { key: conn.name }, conn }, read, { signal, timeoutMs: 15_000 });
  } catch {
    return [];
  }
}
