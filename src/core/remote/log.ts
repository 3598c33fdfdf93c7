/** deploys.log: one JSON object per line, appended; the history `releases` and rollbacks read. */
import { op, type Command } from '../shell';
import type { RemotePaths } from './paths';

export type DeployOutcome = 'success' | 'failed' | 'rolled-back' | 'cancelled';

export interface DeployRecord {
  kind: 'deploy' | 'rollback';
  /** The release this record is about (the one deployed, or the rollback target). */
  id: string;
  commit: string;
  who: string;
  /** ISO time the deploy started. */
  when: string;
  outcome: DeployOutcome;
  /** Milliseconds per step name. */
  durations: Record<string, number>;
  /** The release `current` pointed at before. */
  previous?: string;
  /** Why it failed, one line. */
  error?: string;
  /** Rolling deploys: the host's batch (1-based). */
  batch?: number;
}

export function recordCommand(paths: RemotePaths, record: DeployRecord): Command {
  // JSON.stringify never emits a raw newline, so this stays one line.
  return ['printf', '%s\\n', JSON.stringify(record), op.append, paths.log];
}

/** Parses log lines, skipping anything that is not a well-formed record. */
export function parseDeployLog(text: string): DeployRecord[] {
  const records: DeployRecord[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (!line.startsWith('{')) continue;
    try {
      const v = JSON.parse(line) as Record<string, unknown>;
      if (typeof v !== 'object' || v === null || typeof v.id !== 'string' || typeof v.when !== 'string') continue;
      records.push({
        kind: v.kind === 'rollback' ? 'rollback' : 'deploy',
        id: v.id,
        commit: typeof v.commit === 'string' ? v.commit : '',
        who: typeof v.who === 'string' ? v.who : '',
        when: v.when,
        outcome: (['success', 'failed', 'rolled-back', 'cancelled'] as const).find((o) => o === v.outcome) ?? 'failed',
        durations: typeof v.durations === 'object' && v.durations !== null ? (v.durations as Record<string, number>) : {},
        previous: typeof v.previous === 'string' ? v.previous : undefined,
        error: typeof v.error === 'string' ? v.error : undefined,
      });
    } catch {
      // a torn or foreign line: skip it
    }
  }
  return records;
}
