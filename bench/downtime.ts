/**
 * Downtime: the same one-module change deployed under load through nginx, once with the restart
 * strategy and once with blue/green, in one run, each on its own real systemd + nginx host set up
 * by `setup` (scripts/testbed/systemd-hosts.sh; 127.0.0.1:2460-2461 ssh, :8060-8061 http). 100
 * requests a second go to each host's nginx from this machine, each on a new connection. Prints
 * failed/total, the longest gap between successful answers, the deploy's time, and when the new
 * version first answered. Then, on the blue/green host, a deploy with 200 WebSocket clients
 * connected (deploy time, when the last of them was on the new release, failed requests), and the
 * requests per second for a digested asset served by nginx from disk and by the app.
 * BENCH_DOWNTIME_PORTS=SSH,HTTP moves the two hosts (SSH, SSH+1; HTTP, HTTP+1); BENCH_CONTAINER_PREFIX names them.
 *   npx tsc -p . && node out/bench/downtime.js
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import type { EnvironmentConfig } from '../src/core/config/types';
import { resolveTargets } from '../src/core/fleet/local';
import { runDeploy } from '../src/core/deploy';
import type { ReleaseToDeploy } from '../src/core/deploy';
import { runSetup } from '../src/core/setup';
import { startLoad } from '../test/support/load';
import { startSocketPool } from '../test/support/socketPool';
import { requestRate } from './support/assetRate';
import { BenchProject, DEPLOY_TO, KEY, KNOWN_HOSTS, REPO, formatSteps, identity, now, releaseIds, runBench, secs, stepSink, today } from './support/sandbox';

const run = promisify(execFile);
const RATE = 100;
const SOCKETS = 200;
const SERVER_NAME = 'bench.example.test';
const SCRIPT = path.join(REPO, 'scripts', 'testbed', 'systemd-hosts.sh');
const never = new AbortController().signal;

interface Host { name: string; ssh: number; http: number }

function environment(h: Host, strategy: 'restart' | 'blue_green'): EnvironmentConfig {
  return {
    name: 'production', user: 'deploy', deployTo: DEPLOY_TO, os: 'debian-12',
    hosts: [{ host: '127.0.0.1', port: h.ssh, user: 'deploy', primary: true }], migrate: ['bin/migrate'],
    service: 'systemd', strategy, ports: strategy === 'blue_green' ? [4001, 4002] : [4000],
    proxy: { listen: 80, serverName: SERVER_NAME }, health: { path: '/health', expect: 200, timeout: 60 },
    keepReleases: 5, ssh: { identityFile: KEY, knownHosts: KNOWN_HOSTS, configFile: 'none' },
  };
}

interface Measured { strategy: string; total: number; failed: number; gapMs: number; deployMs: number; newAfterMs?: number; steps: string }

async function measure(h: Host, strategy: 'restart' | 'blue_green', a: ReleaseToDeploy, b: ReleaseToDeploy, home: string): Promise<Measured> {
  const env = environment(h, strategy);
  const base = { environment: env, app: 'hello_phoenix', targets: await resolveTargets(env, { home }), identity };
  const setup = await runSetup({ ...base, admin: 'admin', confirm: async () => true }, () => undefined, never);
  if (!setup.ok) throw new Error(`setup failed: ${setup.error}`);
  const first = await runDeploy({ ...base, release: a }, () => undefined, never);
  if (!first.ok) throw new Error(`first deploy failed: ${first.error}`);
  const load = startLoad(h.http, SERVER_NAME, RATE);
  const t0 = now();
  await new Promise((r) => setTimeout(r, 1000));
  const sink = stepSink();
  const d0 = now() - t0;
  const result = await runDeploy({ ...base, release: b }, sink.emit, never);
  const d1 = now() - t0;
  await new Promise((r) => setTimeout(r, 1500));
  const report = await load.stop();
  if (!result.ok) throw new Error(`${strategy} deploy failed at ${result.failedStep}: ${result.error}`);
  // The load clock started with startLoad, within a millisecond of t0.
  const firstNew = report.samples.find((s) => s.ok && s.body?.includes('bonjour'));
  return {
    strategy, total: report.total, failed: report.failed.length, gapMs: report.longestGapMs, deployMs: d1 - d0,
    newAfterMs: firstNew ? firstNew.at - d0 : undefined, steps: formatSteps(sink.steps),
  };
}

interface WithSockets { deployMs: number; allMovedMs: number; failed: number; total: number; refused: number; nginxRate: number; beamRate: number }

/** On the blue/green host (b live): SOCKETS clients connected, then a deploy of `c`; then a digested asset's rate both ways. */
async function measureSockets(h: Host, c: ReleaseToDeploy, home: string): Promise<WithSockets> {
  const env = environment(h, 'blue_green');
  const base = { environment: env, app: 'hello_phoenix', targets: await resolveTargets(env, { home }), identity };
  const pool = await startSocketPool(h.http, SERVER_NAME, SOCKETS);
  const load = startLoad(h.http, SERVER_NAME, RATE);
  await new Promise((r) => setTimeout(r, 1000));
  let routedAt = 0;
  const d0 = now();
  const result = await runDeploy({ ...base, release: c }, (e) => { if (e.type === 'step-end' && e.step === 'route') routedAt = pool.now(); }, never);
  const deployMs = now() - d0;
  await new Promise((r) => setTimeout(r, 3000));
  const report = await load.stop();
  pool.stop();
  if (!result.ok) throw new Error(`deploy with sockets failed at ${result.failedStep}: ${result.error}`);
  const moved = pool.firstGreeted(/^release 0\.1\.0 hello /, routedAt).map((at) => (at === undefined ? Infinity : at - routedAt));
  const manifest = JSON.parse((await run('docker', ['exec', h.name, 'sh', '-c', `cat ${DEPLOY_TO}/current/lib/hello_phoenix-*/priv/static/cache_manifest.json`])).stdout) as { latest: Record<string, string> };
  const asset = `/${manifest.latest['assets/app.js']}`;
  const nginxRate = (await requestRate(h.http, SERVER_NAME, asset)).perSecond;
  // Without the static links, nginx's try_files falls through to the app: the same URL, served by the BEAM.
  await run('docker', ['exec', h.name, 'sh', '-c', `mkdir -p /tmp/static-off && mv ${DEPLOY_TO}/static/* /tmp/static-off/`]);
  const beamRate = (await requestRate(h.http, SERVER_NAME, asset)).perSecond;
  await run('docker', ['exec', h.name, 'sh', '-c', `mv /tmp/static-off/* ${DEPLOY_TO}/static/`]);
  return { deployMs, allMovedMs: Math.max(...moved), failed: report.failed.length, total: report.total, refused: pool.failures.length, nginxRate, beamRate };
}

async function main(): Promise<void> {
  const [ssh, http] = (process.env.BENCH_DOWNTIME_PORTS ?? '2460,8060').split(',').map(Number);
  const prefix = process.env.BENCH_CONTAINER_PREFIX ?? 'pd11-';
  const hosts: Record<'restart' | 'blue_green', Host> = {
    restart: { name: `${prefix}bench-restart`, ssh, http },
    blue_green: { name: `${prefix}bench-bluegreen`, ssh: ssh + 1, http: http + 1 },
  };
  const project = new BenchProject();
  const home = mkdtempSync(path.join(os.tmpdir(), 'pd11-bench-home-'));
  try {
    const started = Promise.all(Object.values(hosts).map((h) => run('bash', [SCRIPT, 'start', h.name, String(h.ssh), String(h.http)])));
    const builtA = await project.build();
    project.greeting('bonjour');
    const builtB = await project.build();
    await started;
    const id = releaseIds();
    const a = id(builtA);
    const b = id(builtB);
    const results = [await measure(hosts.restart, 'restart', a, b, home), await measure(hosts.blue_green, 'blue_green', a, b, home)];
    const sockets = await measureSockets(hosts.blue_green, id(builtA), home);
    console.log(`downtime: one-module change deployed at ${RATE} req/s through nginx on a systemd host (one host per strategy), same run; ${today()}`);
    for (const r of results) {
      console.log(`  ${r.strategy.padEnd(10)} failed ${r.failed}/${r.total} (${((100 * r.failed) / r.total).toFixed(1)}%), longest gap ${r.gapMs.toFixed(0)} ms, ` +
        `deploy ${secs(r.deployMs)}, new version first served ${r.newAfterMs !== undefined ? secs(r.newAfterMs) : 'never'} after the deploy began`);
      console.log(`             steps ms: ${r.steps}`);
    }
    const [restart, blueGreen] = results;
    const ratio = blueGreen.deployMs / restart.deployMs;
    console.log(`  blue/green deploy time = ${ratio.toFixed(2)}× the restart strategy's (goal ≤ 1.5×: ${ratio <= 1.5 ? 'met' : 'NOT met'}); ` +
      `blue/green failed ${blueGreen.failed} (goal 0: ${blueGreen.failed === 0 ? 'met' : 'NOT met'})`);
    console.log(`  blue/green with ${SOCKETS} WebSockets connected: deploy ${secs(sockets.deployMs)} (${(sockets.deployMs / blueGreen.deployMs).toFixed(2)}× the one without; goal ≤ 1.2×: ` +
      `${sockets.deployMs / blueGreen.deployMs <= 1.2 ? 'met' : 'NOT met'}), all sockets on the new release ${secs(sockets.allMovedMs)} after the switch (goal ≤ 10 s), ` +
      `failed ${sockets.failed}/${sockets.total}, reconnects refused ${sockets.refused}`);
    console.log(`  a digested asset through nginx: ${sockets.nginxRate.toFixed(0)} req/s served by nginx from the release, ${sockets.beamRate.toFixed(0)} req/s proxied to the app ` +
      `(${(sockets.nginxRate / sockets.beamRate).toFixed(2)}×; 16 keep-alive connections, 5 s each, the client on the same cores)`);
    console.log('command: npm run bench -- downtime');
  } finally {
    await run('bash', [SCRIPT, 'stop', ...Object.values(hosts).map((h) => h.name)]).catch(() => undefined);
    rmSync(home, { recursive: true, force: true });
    await project.cleanup();
  }
}

runBench(main);
