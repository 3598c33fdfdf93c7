/**
 * A run as a grid: hosts down, steps across, each cell a host's state in that step. Built only
 * from the runner's events (the same ones the terminal renders), so any view of a deploy or
 * rollback (the editor's Deploy panel) shows what the engine did, nothing inferred elsewhere.
 * Plain data, safe to post to a webview as JSON.
 */
import type { PlanEvent } from './types';

/** `none`: the host takes no part in that step (e.g. migrate runs on the primary only). `skipped`: its turn never came. */
export type CellState = 'none' | 'pending' | 'running' | 'done' | 'failed' | 'rolled-back' | 'skipped';

export interface GridCell {
  state: CellState;
  /** Epoch ms when the host's part began (running). */
  startedAt?: number;
  durationMs?: number;
  /** Why the host failed this step (failed), or what it went back to (rolled-back). */
  detail?: string;
}

export interface GridRow {
  host: string;
  batch?: number;
  canary?: boolean;
  bytesSent?: number;
  /** The release the host went back to, when it was rolled back. */
  rolledBackTo?: string;
  /** The host's last warnings. */
  warnings: string[];
  cells: Record<string, GridCell>;
}

export interface Grid {
  title: string;
  /** Steps with per-host work, in plan order, once per name (a step repeated per batch is one column). */
  columns: Array<{ name: string; title: string }>;
  rows: GridRow[];
  batches: number;
  /** The step running now, and its batch. */
  current?: { step: string; title: string; batch?: number };
  startedAt?: number;
  end?: { ok: boolean; cancelled: boolean; error?: string; durationMs: number };
}

const MAX_WARNINGS = 5;

export function emptyGrid(title = ''): Grid {
  return { title, columns: [], rows: [], batches: 0 };
}

/** Applies one event to the grid (in place) and returns it; `now` is the clock for running cells. */
export function applyEvent(grid: Grid, event: PlanEvent, now = Date.now()): Grid {
  const row = (host: string) => grid.rows.find((r) => r.host === host);
  const cell = (host: string, step: string) => row(host)?.cells[step];
  switch (event.type) {
    case 'plan-start': {
      const fresh = emptyGrid(event.title);
      Object.assign(grid, fresh, { startedAt: now, batches: event.batches?.length ?? 0 });
      for (const step of event.steps) {
        if (!step.hosts) continue;
        if (!grid.columns.some((c) => c.name === step.name)) grid.columns.push({ name: step.name, title: step.title });
        for (const host of step.hosts) {
          let r = row(host);
          if (!r) grid.rows.push((r = { host, warnings: [], cells: {} }));
          r.cells[step.name] = { state: 'pending' };
        }
      }
      event.batches?.forEach((b, i) => b.hosts.forEach((host) => {
        const r = row(host);
        if (r) Object.assign(r, { batch: i + 1, canary: b.canary });
      }));
      for (const r of grid.rows) for (const c of grid.columns) r.cells[c.name] ??= { state: 'none' };
      break;
    }
    case 'step-start':
      grid.current = { step: event.step, title: event.title, ...(event.batch !== undefined ? { batch: event.batch } : {}) };
      break;
    case 'host-start': {
      const c = cell(event.host, event.step);
      if (c) Object.assign(c, { state: 'running', startedAt: now, durationMs: undefined, detail: undefined });
      break;
    }
    case 'host-end': {
      const c = cell(event.host, event.step);
      if (c) Object.assign(c, { state: event.ok ? 'done' : 'failed', durationMs: event.durationMs, detail: event.ok ? undefined : event.error });
      break;
    }
    case 'bytes-sent': {
      const r = row(event.host);
      if (r) r.bytesSent = (r.bytesSent ?? 0) + event.bytes;
      break;
    }
    case 'rolled-back': {
      const r = row(event.host);
      if (!r) break;
      r.rolledBackTo = event.to;
      for (const step of event.undid) {
        const c = r.cells[step];
        if (c && c.state !== 'none') Object.assign(c, { state: 'rolled-back', detail: `went back to ${event.to}` });
      }
      break;
    }
    case 'note':
      if (event.host && event.level === 'warning') {
        const r = row(event.host);
        if (r) r.warnings = [...r.warnings, event.message].slice(-MAX_WARNINGS);
      }
      break;
    case 'plan-end':
      grid.current = undefined;
      grid.end = { ok: event.ok, cancelled: event.cancelled, error: event.error, durationMs: event.durationMs };
      for (const r of grid.rows) for (const c of Object.values(r.cells)) if (c.state === 'pending') c.state = 'skipped';
      break;
    case 'output':
    case 'step-end':
      break;
  }
  return grid;
}
