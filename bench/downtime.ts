/**
 * Downtime: while a one-module change is deployed with the restart strategy (`sudo sv restart`),
 * 20 requests a second go to the health URL inside the host, through an SSH forwardOut channel of a
 * separate connection (as a load balancer on the host would see the app). Prints failed requests,
 * the longest gap between successful answers, and when the new version first answered.
 *   npx tsc -p . && node out/bench/downtime.js
 */
import { runDeploy } from '../src/core/deploy';
import type { SshConnection } from '../src/core/ssh/connection';
import {
  BenchProject, benchHosts, connect, Counter, deployOptions, formatSteps, now, releaseIds, runBench, secs, startHosts, stepSink, stopHosts, today,
} from './support/sandbox';

const RATE = 20;
const URL = 'http://127.0.0.1:4000/health';

interface Sample {
  at: number;
  ok: boolean;
  body?: string;
}

/** Fires a GET every 1/RATE s (open loop: a slow answer never delays the next request). */
function drive(conn: SshConnection, t0: number): { stop(): Promise<Sample[]> } {
  const samples: Array<Promise<Sample>> = [];
  const timer = setInterval(() => {
    const at = now() - t0;
    samples.push(conn.httpGet(URL, { timeoutMs: 2000 }).then(
      (r) => ({ at, ok: r.status === 200, body: r.body.trim() }),
      () => ({ at, ok: false }),
    ));
  }, 1000 / RATE);
  return {
    async stop() {
      clearInterval(timer);
      return Promise.all(samples);
    },
  };
}

async function main(): Promise<void> {
  const [host] = benchHosts('down', 2330, 1);
  const project = new BenchProject();
  let load: SshConnection | undefined;
  try {
    const started = startHosts([host]);
    const a = await project.build();
    project.greeting('bonjour');
    const b = await project.build();
    await started;
    const id = releaseIds();
    const counter = new Counter();
    const first = await runDeploy(deployOptions([host], id(a), counter), () => undefined, new AbortController().signal);
    if (!first.ok) throw new Error(`first deploy failed: ${first.error}`);
    load = await connect(host);

    const t0 = now();
    const driver = drive(load, t0);
    await new Promise((r) => setTimeout(r, 1000));
    const sink = stepSink();
    const d0 = now() - t0;
    const result = await runDeploy(deployOptions([host], id(b), counter), sink.emit, new AbortController().signal);
    const d1 = now() - t0;
    await new Promise((r) => setTimeout(r, 1500));
    const samples = (await driver.stop()).sort((x, y) => x.at - y.at);
    if (!result.ok) throw new Error(`deploy failed at ${result.failedStep}: ${result.error}`);

    const failed = samples.filter((s) => !s.ok);
    const oks = samples.filter((s) => s.ok);
    let gap = 0;
    let gapAt = 0;
    for (let i = 1; i < oks.length; i++) {
      if (oks[i].at - oks[i - 1].at > gap) {
        gap = oks[i].at - oks[i - 1].at;
        gapAt = oks[i - 1].at;
      }
    }
    const firstNew = oks.find((s) => s.body?.includes('bonjour'));
    const restartAt = d0 + Object.entries(sink.steps).filter(([k]) => !['restart', 'health', 'record', 'cleanup'].includes(k)).reduce((t, [, v]) => t + v, 0);
    console.log(`downtime: restart strategy (sudo sv restart), ${RATE} req/s to ${URL} inside one sandbox host through an SSH tunnel; ${today()}`);
    console.log(`  requests: ${samples.length} sent, ${failed.length} failed (${((100 * failed.length) / samples.length).toFixed(1)}%)`);
    console.log(`  longest gap between successful answers: ${gap.toFixed(0)} ms (from ${secs(gapAt)} on the load clock; restart began about ${secs(restartAt)})`);
    console.log(`  deploy ${secs(d1 - d0)} (steps ms: ${formatSteps(sink.steps)}); new version first answered ${firstNew ? secs(firstNew.at - d0) : 'never'} after the deploy began`);
    console.log('command: npx tsc -p . && node out/bench/downtime.js');
  } finally {
    await load?.close();
    await stopHosts([host]);
    await project.cleanup();
  }
}

runBench(main);
