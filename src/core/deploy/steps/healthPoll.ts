import type { HealthConfig } from '../../config/types';
import type { DeployState, HealthReport, HostState } from '../types';

/** Polls the health URL from the host's side until it answers `expect` or `timeout` seconds pass. */
export async function pollHealth(h: HostState, health: HealthConfig, state: DeployState, signal: AbortSignal): Promise<HealthReport> {
  const now = () => state.services.now().getTime(); // injectable clock: tests need no real waiting
  const deadline = now() + health.timeout * 1000;
  const report: HealthReport = { ok: false, attempts: 0 };
  for (;;) {
    const remaining = deadline - now();
    report.attempts++;
    try {
      const response = await h.conn!.httpGet(health.url, { timeoutMs: Math.max(500, Math.min(5000, remaining)), signal });
      report.status = response.status;
      report.body = response.body.slice(0, 500);
      report.error = undefined;
      if (response.status === health.expect) {
        report.ok = true;
        return report;
      }
    } catch (e) {
      if ((e as Error).name === 'AbortError') throw e;
      report.error = (e as Error).message;
      report.status = undefined;
      report.body = undefined;
    }
    if (now() + state.healthIntervalMs > deadline) return report;
    await state.services.sleep(state.healthIntervalMs, signal);
  }
}

export function describeReport(report: HealthReport, expect: number): string {
  if (report.error) return `last error: ${report.error}`;
  return `last response: ${report.status} (expected ${expect})${report.body ? ` ${JSON.stringify(report.body.trim().slice(0, 200))}` : ''}`;
}
