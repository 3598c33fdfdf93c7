/** journald on a managed host: the journalctl command (data) and its JSON entries, parsed (for logs, and for what the app said on a failure). */
import type { Command } from '../shell';

export interface LogLine {
  host: string;
  /** Microseconds since the epoch, from the host's journal; absent for a configured `logs` command. */
  micros?: number;
  /** The unit the entry is about (e.g. `my_app@blue.service`). */
  unit?: string;
  /** True when systemd itself wrote the entry (Started…, Stopping…), not the app. */
  fromSystemd?: boolean;
  message: string;
}

export interface JournalQuery {
  units: readonly string[];
  /** Entries to show per host: a number, or all of them. */
  lines?: number | 'all';
  /** Relative, e.g. `10m`, `2h`, `1d`. */
  since?: string;
  follow?: boolean;
  /** Continue after this entry (the last one already shown). */
  afterCursor?: string;
}

const SINCE = /^(\d{1,6})([smhd])$/;
const UNITS: Record<string, string> = { s: 's', m: 'min', h: 'h', d: 'd' };

/** `10m` → journalctl's `-10min`; undefined when it is not a duration we accept. */
export function journalSince(since: string): string | undefined {
  const m = SINCE.exec(since);
  return m ? `-${m[1]}${UNITS[m[2]]}` : undefined;
}

export function checkSince(since: string): void {
  if (!SINCE.test(since)) throw new Error(`--since ${JSON.stringify(since)} is not a duration: use e.g. 30s, 10m, 2h or 1d`);
}

export function journalCommand(q: JournalQuery): Command {
  if (q.units.length === 0) throw new Error('no units to read');
  const since = q.since !== undefined ? journalSince(q.since) : undefined;
  if (q.since !== undefined && since === undefined) checkSince(q.since);
  return [
    'journalctl', '--no-pager', '--quiet', '-o', 'json', '--output-fields=MESSAGE,UNIT,_SYSTEMD_UNIT,_PID',
    ...q.units.flatMap((u) => ['-u', u]),
    ...(q.lines !== undefined ? [`--lines=${q.lines}`] : []),
    ...(since ? [`--since=${since}`] : []),
    ...(q.afterCursor ? [`--after-cursor=${q.afterCursor}`] : []),
    ...(q.follow ? ['--follow'] : []),
  ];
}

export interface JournalEntry {
  line: LogLine;
  cursor?: string;
}

/** One line of `journalctl -o json`; undefined for anything else (a banner, a torn line). */
export function parseJournalEntry(host: string, text: string): JournalEntry | undefined {
  if (!text.startsWith('{')) return undefined;
  let v: Record<string, unknown>;
  try {
    v = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const micros = Number(v.__REALTIME_TIMESTAMP);
  if (!Number.isFinite(micros)) return undefined;
  // journald hands out non-UTF-8 or binary messages as arrays of bytes.
  const message = typeof v.MESSAGE === 'string' ? v.MESSAGE
    : Array.isArray(v.MESSAGE) ? Buffer.from(v.MESSAGE.filter((b): b is number => typeof b === 'number')).toString('utf8') : '';
  const unit = typeof v.UNIT === 'string' ? v.UNIT : typeof v._SYSTEMD_UNIT === 'string' ? v._SYSTEMD_UNIT : undefined;
  return {
    line: { host, micros, unit, message, ...(typeof v.UNIT === 'string' && v._SYSTEMD_UNIT !== v.UNIT ? { fromSystemd: true } : {}) },
    cursor: typeof v.__CURSOR === 'string' ? v.__CURSOR : undefined,
  };
}
