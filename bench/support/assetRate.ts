/**
 * Requests per second for one URL through a host's nginx: `concurrency` keep-alive connections
 * asking back to back for `seconds`. The client is Node on the same 2 cores, so the figure is a
 * floor for what nginx can do, and the same floor for both ways of serving.
 */
import * as http from 'node:http';

export async function requestRate(port: number, hostHeader: string, path: string, seconds = 5, concurrency = 16): Promise<{ perSecond: number; failed: number }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const end = Date.now() + seconds * 1000;
  let done = 0;
  let failed = 0;
  const one = () => new Promise<void>((resolve) => {
    http.get({ host: '127.0.0.1', port, path, headers: { Host: hostHeader }, agent }, (res) => {
      res.resume();
      res.on('end', () => { if (res.statusCode === 200) done++; else failed++; resolve(); });
    }).on('error', () => { failed++; resolve(); });
  });
  await Promise.all(Array.from({ length: concurrency }, async () => { while (Date.now() < end) await one(); }));
  agent.destroy();
  return { perSecond: done / seconds, failed };
}
