/**
 * Fan-out: redeploy a one-module change to 1, 2, 4 and 8 sandbox hosts (restart strategy, health
 * checked through each host's SSH connection). Prints time(N) ÷ time(1) with each step's time, and
 * the figures that do not depend on the sandbox: SSH connections opened per host per deploy and
 * remote round trips (exec calls + rsync channels) per host, counted by wrapping the injectable
 * DeployServices.connect. The same run measures a naive baseline (bench/support/naive.sh: one
 * background job per host over plain ssh and rsync) at 1 and 4 hosts.
 * All hosts share this machine's cores, so their app restarts compete for CPU.
 *   npx tsc -p . && node out/bench/fanout.js
 */
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { runDeploy } from '../src/core/deploy';
import type { ReleaseToDeploy } from '../src/core/deploy/types';
import {
  BenchProject, benchHosts, Counter, deployOptions, formatSteps, KEY, KNOWN_HOSTS, now, releaseIds, REPO, runBench, secs,
  startHosts, stepSink, stopHosts, today,
} from './support/sandbox';

const run = promisify(execFile);
const ROUNDS = [1, 2, 4, 8];
const NAIVE_ROUNDS = [1, 4];

async function main(): Promise<void> {
  const hosts = benchHosts('fan', 2310, 8);
  const project = new BenchProject();
  try {
    const started = startHosts(hosts);
    // One release per round, each a one-module change from every earlier one (a new greeting).
    const builds = [await project.build()];
    for (let i = 0; i < ROUNDS.length + NAIVE_ROUNDS.length; i++) {
      project.greeting(`variant ${i + 1}`);
      builds.push(await project.build());
    }
    await started;
    const id = releaseIds();
    const counter = new Counter();
    console.log(`fan-out: one-module redeploys of examples/hello_phoenix (${builds[0].files} files, ${(builds[0].bytes / 1e6).toFixed(1)} MB), restart strategy, ` +
      `${hosts.length} sandbox hosts sharing this machine's cores; ${today()}`);

    const deploy = async (n: number, rel: ReleaseToDeploy) => {
      counter.reset();
      const sink = stepSink();
      const t0 = now();
      const result = await runDeploy(await deployOptions(hosts.slice(0, n), rel, counter), sink.emit, new AbortController().signal);
      const ms = now() - t0;
      if (!result.ok) throw new Error(`deploy to ${n} hosts failed at ${result.failedStep}: ${result.error}`);
      return { ms, steps: sink.steps, result };
    };

    const initial = await deploy(hosts.length, id(builds[0]));
    console.log(`  initial deploy to all ${hosts.length} hosts (not a ratio input): ${secs(initial.ms)}`);

    const times = new Map<number, number>();
    for (const [i, n] of ROUNDS.entries()) {
      const { ms, steps } = await deploy(n, id(builds[i + 1]));
      times.set(n, ms);
      const keys = hosts.slice(0, n).map((h) => `127.0.0.1:${h.port}`);
      const connects = keys.map((k) => counter.of(k).connects);
      const trips = keys.map((k) => counter.roundTrips(k));
      const http = keys.map((k) => counter.of(k).http);
      console.log(`  ${n} host${n > 1 ? 's' : ' '}: ${secs(ms)} = ${(ms / times.get(1)!).toFixed(2)}x time(1)` +
        `; per host: ${Math.max(...connects)} SSH connection(s), ${Math.min(...trips)}-${Math.max(...trips)} round trips, ${Math.min(...http)}-${Math.max(...http)} health GETs` +
        `; steps (ms): ${formatSteps(steps)}`);
    }
    const primary = [...counter.of(`127.0.0.1:${hosts[0].port}`).commands];
    console.log(`  round trips on the primary (8-host deploy): ${primary.length}: ${primary.map((c) => c.split(' ').slice(0, 3).join(' ')).join(' | ')}`);

    const naive = new Map<number, number>();
    for (const [i, n] of NAIVE_ROUNDS.entries()) {
      const rel = id(builds[ROUNDS.length + i + 1]);
      const t0 = now();
      await run('bash', [path.join(REPO, 'bench', 'support', 'naive.sh'), rel.path, rel.id, KEY, KNOWN_HOSTS, ...hosts.slice(0, n).map((h) => String(h.port))]);
      naive.set(n, now() - t0);
    }
    const ratio4 = times.get(4)! / times.get(1)!;
    const naive4 = naive.get(4)! / naive.get(1)!;
    console.log(`  naive baseline (one job per host, plain ssh + rsync): 1 host ${secs(naive.get(1)!)}, 4 hosts ${secs(naive.get(4)!)} = ${naive4.toFixed(2)}x`);
    console.log(`  time(4)/time(1) = ${ratio4.toFixed(2)} (goal <= 2.0: ${ratio4 <= 2 ? 'met' : 'NOT met'}; naive ${naive4.toFixed(2)}), time(8)/time(1) = ${(times.get(8)! / times.get(1)!).toFixed(2)}`);
    console.log('command: npx tsc -p . && node out/bench/fanout.js');
  } finally {
    await stopHosts(hosts);
    await project.cleanup();
  }
}

runBench(main);
