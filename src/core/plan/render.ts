import { describeBatches } from './runner';
import type { PlanEvent } from './types';

/**
 * Turns plan events into terminal text. The CLI writes it to stderr and the editor's
 * Pseudoterminal shows it (after \r\n normalisation), so both read the same.
 */
export function renderEvent(event: PlanEvent, color = false): string {
  const c = (code: string, text: string) => (color ? `\x1b[${code}m${text}\x1b[0m` : text);
  switch (event.type) {
    case 'plan-start':
      return `${c('1', `▶ ${event.title}`)}\n${event.batches ? c('2', `  rollout: ${describeBatches(event.batches)}\n`) : ''}`;
    case 'step-start': {
      const batch = event.batch !== undefined ? ` · batch ${event.batch}: ${event.hosts?.join(', ') ?? ''}` : '';
      return `${c('1;36', `[${event.index + 1}/${event.total}] ${event.title}`)}${c('36', batch)}\n`;
    }
    // Per-host progress is for grids (the Deploy panel); notes and step-end already tell it in text.
    case 'host-start':
    case 'host-end':
    case 'bytes-sent':
    case 'rolled-back':
      return '';
    case 'output': {
      const prefix = event.host ? `${event.host} | ` : '';
      const text = event.text.endsWith('\n') ? event.text : `${event.text}\n`;
      return prefix ? text.replace(/^(?=.)/gm, prefix) : text;
    }
    case 'note': {
      const where = event.host ? `${event.host}: ` : '';
      return event.level === 'warning' ? c('33', `⚠ ${where}${event.message}\n`) : c('2', `• ${where}${event.message}\n`);
    }
    case 'step-end':
      return event.ok
        ? c('32', `  ✓ ${event.step} (${formatMs(event.durationMs)})\n`)
        : c('31', `  ✗ ${event.step} failed after ${formatMs(event.durationMs)}: ${event.error ?? ''}\n`);
    case 'plan-end':
      if (event.ok) return c('1;32', `✔ done in ${formatMs(event.durationMs)}\n`);
      return c('1;31', `${event.cancelled ? '■ cancelled' : '✘ failed'} after ${formatMs(event.durationMs)}${event.error && !event.cancelled ? `: ${event.error}` : ''}\n`);
  }
}

export function formatMs(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}
