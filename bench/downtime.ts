/**
 * Downtime: the same one-module change deployed under load through nginx, once with the restart
 * strategy and once with blue/green, in one run, each on its own real systemd + nginx host set up
 * by `setup` (scripts/testbed/systemd-hosts.sh; 127.0.0.1:2460-2461 ssh, :8060-8061 http). 100
 * requests a second go to each host's nginx from this machine, each on a new connection. Prints
 * failed/total, the longest gap between successful answers, the deploy's time, and when the new
 * version first answered.
 *   npx tsc -p . && node out/bench/downtime.js
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import type { EnvironmentConfig } from '../src/core/config/types';
import { resolveTargets, runDeploy } from '../src/core/deploy';
import type { ReleaseToDeploy } from '../src/core/deploy';
import { runSetup } from '../src/core/setup';
import { startLoad } from '../test/support/load';
import { BenchProject, DEPLOY_TO, KEY, KNOWN_HOSTS, REPO, formatSteps, identity, now, releaseIds, runBench, secs, stepSink, today } from './support/sandbox';

const run = promisify(execFile);
const RATE = 100;
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

async function main(): Promise<void> {
  const hosts: Record<'restart' | 'blue_green', Host> = {
    restart: { name: 'pd11-bench-restart', ssh: 2460, http: 8060 },
    blue_green: { name: 'pd11-bench-bluegreen', ssh: 2461, http: 8061 },
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
    console.log('command: npm run bench -- downtime');
  } finally {
    await run('bash', [SCRIPT, 'stop', ...Object.values(hosts).map((h) => h.name)]).catch(() => undefined);
    rmSync(home, { recursive: true, force: true });
    await project.cleanup();
  }
}

runBench(main);
