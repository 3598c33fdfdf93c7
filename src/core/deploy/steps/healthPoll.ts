import { isCancel } from '../../errors';
import type { HealthConfig } from '../../config/types';
import { healthUrl } from '../service';
import type { DeployState, HealthReport, HostState } from '../types';

/** Pause between the first health polls; it doubles every 10 polls, up to healthIntervalMs. */
export const FIRST_HEALTH_PAUSE_MS = 100;

/**
 * The pause after the `attempt`-th poll: 100 ms for the first 10, 200 ms for the next 10, then
 * 400, 800… up to `intervalMs`. An app usually answers within a second or two of its restart, so
 * a fixed 1 s interval would cost up to a second per deploy; a slow boot backs off.
 */
export function healthPause(attempt: number, intervalMs: number): number {
  const doublings = Math.min(20, Math.floor(Math.max(0, attempt - 1) / 10));
  return Math.min(intervalMs, FIRST_HEALTH_PAUSE_MS * 2 ** doublings);
}

/** Polls the health URL from the host's side until it answers `expect` or `timeout` seconds pass. */
export async function pollHealth(h: HostState, health: HealthConfig, state: DeployState, signal: AbortSignal,
  url = healthUrl(state.environment)): Promise<HealthReport> {
  const now = () => state.deps.now().getTime(); // injectable clock: tests need no real waiting
  const deadline = now() + health.timeout * 1000;
  const report: HealthReport = { ok: false, attempts: 0 };
  for (;;) {
    const remaining = deadline - now();
    report.attempts++;
    try {
      const response = await h.conn!.httpGet(url, { timeoutMs: Math.max(500, Math.min(5000, remaining)), signal });
      report.status = response.status;
      report.body = response.body.slice(0, 500);
      report.error = undefined;
      if (response.status === health.expect) {
        report.ok = true;
        return report;
      }
    } catch (e) {
      if (isCancel(e)) throw e;
      report.error = (e as Error).message;
      report.status = undefined;
      report.body = undefined;
    }
    const pause = healthPause(report.attempts, state.healthIntervalMs);
    if (now() + pause > deadline) return report;
    await state.deps.sleep(pause, signal);
  }
}

export function describeReport(report: HealthReport, expect: number): string {
  if (report.error) return `last error: ${report.error}`;
  return `last response: ${report.status} (expected ${expect})${report.body ? ` ${JSON.stringify(report.body.trim().slice(0, 200))}` : ''}`;
}
