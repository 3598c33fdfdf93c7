/**
 * Fan-out: redeploy a one-module change to 1, 4, 8 and 16 sandbox hosts (restart strategy, health
 * checked through each host's SSH connection), each size twice, interleaved (1 4 8 16 1 4 8 16) so
 * the shared machine's load drifts over all of them alike. Prints time(N) ÷ time(1) (the mean of
 * the two runs), how much of each deploy is the app's own boot (restart + health steps), SSH
 * connections opened per host and the most being opened at once, remote round trips per host, and
 * this process's peak memory (alone, and with the local rsync + tunnel helper processes it starts).
 * Connections and commands are counted by wrapping the injectable FleetDeps.connect. The same
 * run measures a naive baseline (bench/support/naive.sh: one background job per host over plain ssh
 * and rsync) at 1 and 4 hosts. All hosts share this machine's cores, so their restarts compete.
 *   npx tsc -p . && node out/bench/fanout.js
 */
import { execFile } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { runDeploy } from '../src/core/deploy';
import type { ReleaseToDeploy } from '../src/core/deploy/types';
import { sampleMemory, type MemoryPeak } from './support/memory';
import {
  BenchProject, benchHosts, Counter, deployOptions, formatSteps, KEY, KNOWN_HOSTS, now, releaseIds, REPO, runBench, secs,
  startHosts, stepSink, stopHosts, today,
} from './support/sandbox';

const run = promisify(execFile);
const SIZES = [1, 4, 8, 16];
const REPEATS = 2;
const NAIVE_ROUNDS = [1, 4];
const GOAL_16 = 3;

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(0)} MB`;
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

interface Round {
  ms: number;
  bootMs: number;
  memory: MemoryPeak;
  connects: number;
  peakConnecting: number;
  trips: [number, number];
  steps: Record<string, number>;
}

async function main(): Promise<void> {
  const hosts = benchHosts('fan', 2310, Math.max(...SIZES));
  const project = new BenchProject();
  try {
    const started = startHosts(hosts);
    // One release per deploy, each a one-module change from every earlier one (a new greeting).
    const builds = [await project.build()];
    for (let i = 0; i < SIZES.length * REPEATS + NAIVE_ROUNDS.length; i++) {
      project.greeting(`variant ${i + 1}`);
      builds.push(await project.build());
    }
    await started;
    const id = releaseIds();
    const counter = new Counter();
    console.log(`fan-out: one-module redeploys of examples/hello_phoenix (${builds[0].files} files, ${(builds[0].bytes / 1e6).toFixed(1)} MB), restart strategy, ` +
      `${hosts.length} sandbox hosts sharing this machine's ${os.cpus().length} cores; ${today()}`);

    const deploy = async (n: number, rel: ReleaseToDeploy): Promise<Round> => {
      counter.reset();
      const sink = stepSink();
      const memory = sampleMemory();
      const t0 = now();
      const result = await runDeploy(await deployOptions(hosts.slice(0, n), rel, counter), sink.emit, new AbortController().signal);
      const ms = now() - t0;
      const peak = memory.stop();
      if (!result.ok) throw new Error(`deploy to ${n} hosts failed at ${result.failedStep}: ${result.error}`);
      const keys = hosts.slice(0, n).map((h) => `127.0.0.1:${h.port}`);
      const trips = keys.map((k) => counter.roundTrips(k));
      return {
        ms, memory: peak, steps: sink.steps, bootMs: (sink.steps.restart ?? 0) + (sink.steps.health ?? 0),
        connects: Math.max(...keys.map((k) => counter.of(k).connects)), peakConnecting: counter.peakConnecting,
        trips: [Math.min(...trips), Math.max(...trips)],
      };
    };

    const initial = await deploy(hosts.length, id(builds[0]));
    console.log(`  initial deploy to all ${hosts.length} hosts (not a ratio input): ${secs(initial.ms)}, peak memory ${mb(initial.memory.self)} (with rsync children ${mb(initial.memory.tree)})`);

    const rounds = new Map<number, Round[]>(SIZES.map((n) => [n, []]));
    let next = 1;
    for (let r = 0; r < REPEATS; r++) {
      for (const n of SIZES) {
        const round = await deploy(n, id(builds[next++]));
        rounds.get(n)!.push(round);
        console.log(`  run ${r + 1}, ${String(n).padStart(2)} host${n > 1 ? 's' : ' '}: ${secs(round.ms)}, boot (restart + health) ${secs(round.bootMs)}; steps (ms): ${formatSteps(round.steps)}`);
      }
    }
    const time1 = mean(rounds.get(1)!.map((x) => x.ms));
    const rest1 = mean(rounds.get(1)!.map((x) => x.ms - x.bootMs));
    console.log(`  mean of ${REPEATS} runs each:`);
    for (const n of SIZES) {
      const rs = rounds.get(n)!;
      const ms = mean(rs.map((x) => x.ms));
      const boot = mean(rs.map((x) => x.bootMs));
      const peakSelf = Math.max(...rs.map((x) => x.memory.self));
      const peakTree = Math.max(...rs.map((x) => x.memory.tree));
      console.log(`  ${String(n).padStart(2)} host${n > 1 ? 's' : ' '}: ${secs(ms)} = ${(ms / time1).toFixed(2)}x time(1) (runs ${rs.map((x) => (x.ms / time1).toFixed(2)).join(', ')})` +
        `; app boot ${secs(boot)} = ${((100 * boot) / ms).toFixed(0)}% of it, the rest ${secs(ms - boot)} = ${((ms - boot) / rest1).toFixed(2)}x the rest of time(1)` +
        `; per host ${Math.max(...rs.map((x) => x.connects))} SSH connection(s), ${Math.min(...rs.map((x) => x.trips[0]))}-${Math.max(...rs.map((x) => x.trips[1]))} round trips` +
        `; at most ${Math.max(...rs.map((x) => x.peakConnecting))} connecting at once` +
        `; peak memory ${mb(peakSelf)} (with rsync children ${mb(peakTree)})`);
    }

    const naive = new Map<number, number>();
    for (const n of NAIVE_ROUNDS) {
      const rel = id(builds[next++]);
      const t0 = now();
      await run('bash', [path.join(REPO, 'bench', 'support', 'naive.sh'), rel.path, rel.id, KEY, KNOWN_HOSTS, ...hosts.slice(0, n).map((h) => String(h.port))]);
      naive.set(n, now() - t0);
    }
    const ratio = (n: number) => mean(rounds.get(n)!.map((x) => x.ms)) / time1;
    const naive4 = naive.get(4)! / naive.get(1)!;
    console.log(`  naive baseline (one job per host, plain ssh + rsync): 1 host ${secs(naive.get(1)!)}, 4 hosts ${secs(naive.get(4)!)} = ${naive4.toFixed(2)}x`);
    console.log(`  time(16)/time(1) = ${ratio(16).toFixed(2)} (goal <= ${GOAL_16}: ${ratio(16) <= GOAL_16 ? 'met' : 'NOT met'}), time(4)/time(1) = ${ratio(4).toFixed(2)} (naive ${naive4.toFixed(2)}), time(8)/time(1) = ${ratio(8).toFixed(2)}`);
    console.log('command: npx tsc -p . && node out/bench/fanout.js');
  } finally {
    await stopHosts(hosts);
    await project.cleanup();
  }
}

runBench(main);
