/**
 * An open-loop HTTP load generator against a host's nginx on 127.0.0.1: a request every 1/rate s,
 * each on a new connection (so an nginx reload never shows up as a client's stale keep-alive), and a
 * slow answer never delays the next request. Used by the integration tests and `bench downtime`.
 */
import * as http from 'node:http';

export interface LoadSample {
  /** ms since the load started. */
  at: number;
  ok: boolean;
  status?: number;
  body?: string;
  error?: string;
  ms: number;
}

export interface LoadReport {
  total: number;
  failed: LoadSample[];
  /** Longest time between two successful answers, ms. */
  longestGapMs: number;
  samples: LoadSample[];
}

export function get(port: number, hostHeader: string, path = '/health', timeoutMs = 15_000): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, headers: { Host: hostHeader }, agent: false, timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

export function startLoad(port: number, hostHeader: string, rate: number, path = '/health'): { stop(): Promise<LoadReport>; sent(): number } {
  return startLoadWith(() => get(port, hostHeader, path), rate);
}

/** The same load with any request (e.g. HTTPS): `request` answers a status and a body. */
export function startLoadWith(request: () => Promise<{ status: number; body: string }>, rate: number): { stop(): Promise<LoadReport>; sent(): number } {
  const started = Date.now();
  const pending: Array<Promise<LoadSample>> = [];
  const timer = setInterval(() => {
    const at = Date.now() - started;
    pending.push(request().then(
      (r) => ({ at, ok: r.status === 200, status: r.status, body: r.body.trim(), ms: Date.now() - started - at }),
      (e: Error) => ({ at, ok: false, error: e.message, ms: Date.now() - started - at }),
    ));
  }, 1000 / rate);
  return {
    sent: () => pending.length,
    async stop() {
      clearInterval(timer);
      const samples = (await Promise.all(pending)).sort((a, b) => a.at - b.at);
      const oks = samples.filter((s) => s.ok);
      let gap = 0;
      for (let i = 1; i < oks.length; i++) gap = Math.max(gap, oks[i].at - oks[i - 1].at);
      return { total: samples.length, failed: samples.filter((s) => !s.ok), longestGapMs: gap, samples };
    },
  };
}
