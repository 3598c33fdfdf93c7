/**
 * Incremental transfer: deploy the example app (built by the build engine) to a sandbox host, change
 * one module, deploy again; then bump the version (lib/hello_phoenix-0.1.0 → -0.2.0) and deploy.
 * Prints bytes sent ÷ release bytes and the wall time of each deploy, against baselines measured in
 * the same run on the same host: `rsync -a --whole-file` into an empty directory (a full copy),
 * plain `rsync -az --checksum` into a copy of the previous cache, and (for the version bump) the
 * engine's own rsync flags into a copy of the cache without seeding. Last, redeploys to the same
 * host through a bastion (ProxyJump, over an --internal network) against the direct route, alternating.
 *   npx tsc -p . && node out/bench/transfer.js
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { runDeploy } from '../src/core/deploy';
import type { DeployOptions, DeployResult, ReleaseToDeploy } from '../src/core/deploy/types';
import type { Manifest } from '../src/core/releaseBuild';
import { parseRsyncStats, rshWords, type RsyncStats } from '../src/core/ssh/rsync';
import type { SshConnection } from '../src/core/ssh/connection';
import {
  BenchProject, benchHosts, connect, containerOf, Counter, DEPLOY_TO, deployOptions, formatSteps, identity, KEY, KNOWN_HOSTS, now, releaseIds,
  remoteOptions, runBench, secs, sh, startHosts, stepSink, stopHosts, today, type BenchHost,
} from './support/sandbox';
import { startBastionRoute } from './support/bastion';
import { seedPlan } from './support/seed';

const run = promisify(execFile);
const pct = (part: number, whole: number) => `${((100 * part) / whole).toFixed(2)}%`;
const kb = (n: number) => (n >= 1e6 ? `${(n / 1e6).toFixed(2)} MB` : `${(n / 1e3).toFixed(1)} KB`);

/** Plain rsync over the OpenSSH client (what a hand-written script would run); returns its stats and time. */
async function plainRsync(h: BenchHost, flags: string[], source: string, dest: string): Promise<{ stats: RsyncStats; ms: number }> {
  const rsh = rshWords({ host: '127.0.0.1', port: h.port, user: 'deploy', identityFile: KEY, knownHostsFile: KNOWN_HOSTS }).join(' ');
  const started = now();
  const { stdout } = await run('rsync', [...flags, '--stats', '-e', rsh, '--', `${source}/`, `deploy@127.0.0.1:${dest}/`], { maxBuffer: 1 << 24 });
  return { stats: parseRsyncStats(stdout), ms: now() - started };
}

/** Content, mode, mtime and size of every file: what must not change in a prepared release. */
const sums = (dir: string) => `cd ${dir} && { find . -type f -exec sha256sum {} + | sort; find . -type f -printf '%p %m %T@ %s\\n' | sort; } | sha256sum`;

/** Bytes the host's network interface received: the host's own counter, SSH and TCP overhead included. */
async function hostRxBytes(h: BenchHost): Promise<number> {
  const { stdout } = await run('docker', ['exec', containerOf(h), 'cat', '/sys/class/net/eth0/statistics/rx_bytes']);
  return Number(stdout.trim());
}

type Timed = { result: DeployResult; ms: number; steps: Record<string, number> };

function deploy(h: BenchHost, rel: ReleaseToDeploy, counter: Counter): Promise<Timed> {
  return deployWith(async () => deployOptions([h], rel, counter), rel);
}

/** Runs one deploy; target resolution (ssh -G) is not timed. */
async function deployWith(options: () => Promise<DeployOptions>, rel: ReleaseToDeploy): Promise<Timed> {
  const resolved = await options();
  const sink = stepSink();
  const started = now();
  const result = await runDeploy(resolved, sink.emit, new AbortController().signal);
  const ms = now() - started;
  if (!result.ok) throw new Error(`deploy of ${rel.id} failed at ${result.failedStep}: ${result.error}`);
  return { result, ms, steps: sink.steps };
}

async function main(): Promise<void> {
  const [host] = benchHosts('xfer', 2300, 1);
  const project = new BenchProject();
  const cache = `${DEPLOY_TO}/cache/${identity.developer}`;
  let conn: SshConnection | undefined;
  try {
    await startHosts([host]);
    const id = releaseIds();
    const a = await project.build();
    project.greeting('bonjour');
    const b = await project.build();
    project.version('0.2.0');
    project.greeting('hola');
    const c = await project.build();
    const counter = new Counter();
    conn = await connect(host);
    console.log(`incremental transfer: examples/hello_phoenix release, ${a.files} files, ${kb(a.bytes)}; one sandbox host 127.0.0.1:${host.port}; ${today()}`);

    const relA = id(a);
    const first = await deploy(host, relA, counter);
    const sentA = first.result.hosts[0].bytesSent ?? 0;
    console.log(`  first deploy            sent ${kb(sentA)} = ${pct(sentA, a.bytes)} of the release; ${secs(first.ms)} (${formatSteps(first.steps)} ms)`);

    // Baselines for release B, on the same host, before the engine deploys it.
    await sh(conn, `rm -rf /tmp/bench-empty /tmp/bench-prev && mkdir /tmp/bench-empty && cp -a ${cache} /tmp/bench-prev`);
    const whole = await plainRsync(host, ['-a', '--whole-file'], b.path, '/tmp/bench-empty');
    const plain = await plainRsync(host, ['-az', '--checksum'], b.path, '/tmp/bench-prev');
    const before = await sh(conn, sums(`${DEPLOY_TO}/releases/${relA.id}`));
    const relB = id(b);
    const rxBefore = await hostRxBytes(host);
    const second = await deploy(host, relB, counter);
    const rxB = (await hostRxBytes(host)) - rxBefore;
    const sentB = second.result.hosts[0].bytesSent ?? 0;
    const intact = (await sh(conn, sums(`${DEPLOY_TO}/releases/${relA.id}`))) === before;
    console.log(`  one-module change       sent ${kb(sentB)} = ${pct(sentB, b.bytes)} of the release (goal <= 1%); ${secs(second.ms)} = ${(second.ms / first.ms).toFixed(2)}x the first deploy (goal <= 0.50x) (${formatSteps(second.steps)} ms)`);
    console.log(`    the host's own counter (eth0 rx bytes during the whole deploy): ${kb(rxB)} = ${pct(rxB, b.bytes)} of the release`);
    console.log(`    baselines, same release and host: rsync -a --whole-file into an empty dir ${kb(whole.stats.bytesSent)} (${pct(whole.stats.bytesSent, b.bytes)}, ${secs(whole.ms)}); ` +
      `plain rsync -az --checksum into the previous cache ${kb(plain.stats.bytesSent)} (${pct(plain.stats.bytesSent, b.bytes)}, ${secs(plain.ms)})`);
    console.log(`    ratios: engine/whole-file ${(sentB / whole.stats.bytesSent).toFixed(4)}, engine/plain rsync ${(sentB / plain.stats.bytesSent).toFixed(2)}`);
    const appRestart = (steps: Record<string, number>) => (steps.restart ?? 0) + (steps.health ?? 0);
    console.log(`    where the time goes (first -> one-module): upload ${first.steps.upload} -> ${second.steps.upload} ms; until current is switched ` +
      `${untilSwitch(first.steps)} -> ${untilSwitch(second.steps)} ms (${(untilSwitch(second.steps) / untilSwitch(first.steps)).toFixed(2)}x); ` +
      `restart + health ${appRestart(first.steps)} -> ${appRestart(second.steps)} ms (the first has no running app to stop)`);

    // Version bump: lib/hello_phoenix-0.1.0 becomes lib/hello_phoenix-0.2.0 (and releases/0.2.0).
    await sh(conn, `rm -rf /tmp/bench-empty /tmp/bench-prev /tmp/bench-seeded && cp -a ${cache} /tmp/bench-prev && cp -a ${cache} /tmp/bench-seeded`);
    const plainBump = await plainRsync(host, ['-az', '--checksum'], c.path, '/tmp/bench-prev');
    await sh(conn, 'rm -rf /tmp/bench-prev && cp -a ' + cache + ' /tmp/bench-prev');
    const engineFlags = ['-a', '--delete', '--checksum', '--compress'];
    const unseeded = await plainRsync(host, engineFlags, c.path, '/tmp/bench-prev');
    const seed = await seedPlan(conn, c.path, '/tmp/bench-seeded');
    const seeded = await plainRsync(host, engineFlags, c.path, '/tmp/bench-seeded');
    const beforeB = await sh(conn, sums(`${DEPLOY_TO}/releases/${relB.id}`));
    const relC = id(c);
    const third = await deploy(host, relC, counter);
    const sentC = third.result.hosts[0].bytesSent ?? 0;
    const intactB = (await sh(conn, sums(`${DEPLOY_TO}/releases/${relB.id}`))) === beforeB;
    const intactA = (await sh(conn, sums(`${DEPLOY_TO}/releases/${relA.id}`))) === before;
    console.log(`  version bump 0.1.0 -> 0.2.0 (+ one module): engine sent ${kb(sentC)} = ${pct(sentC, c.bytes)}; ${secs(third.ms)} (${formatSteps(third.steps)} ms)`);
    console.log(`    same release into copies of the cache: plain rsync -az --checksum ${kb(plainBump.stats.bytesSent)} (${pct(plainBump.stats.bytesSent, c.bytes)}); ` +
      `engine flags without seeding ${kb(unseeded.stats.bytesSent)} (${pct(unseeded.stats.bytesSent, c.bytes)}); ` +
      `with hard-link seeding (${seed}) ${kb(seeded.stats.bytesSent)} (${pct(seeded.stats.bytesSent, c.bytes)})`);
    console.log(`    ratios: engine/plain rsync ${(sentC / plainBump.stats.bytesSent).toFixed(2)}, seeded/unseeded ${(seeded.stats.bytesSent / unseeded.stats.bytesSent).toFixed(3)}`);
    console.log(`  earlier releases unchanged after later deploys (sha256, mode, mtime and size of every file): ${intact && intactA && intactB ? 'yes' : 'NO'}`);
    const c0 = counter.of(`127.0.0.1:${host.port}`);
    console.log(`  over 3 deploys: ${c0.connects} SSH connections, ${c0.execs + c0.channels} round trips (${c0.execs} exec + ${c0.channels} rsync channels), ${c0.http} health GETs`);
    await throughBastion(host, a, b, id);
    console.log('command: npx tsc -p . && node out/bench/transfer.js');
    if (!(intact && intactA && intactB)) process.exitCode = 1;
  } finally {
    await conn?.close();
    await stopHosts([host]);
    await project.cleanup();
  }
}

const untilSwitch = (steps: Record<string, number>) => ['connect', 'lock', 'upload', 'prepare', 'compat', 'migrate', 'switch'].reduce((t, k) => t + (steps[k] ?? 0), 0);
const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];

/**
 * Redeploys of a one-module change (releases A and B in turn) to one host, directly and through one
 * bastion, alternating (the order flips each round so drift on this shared machine hits both routes).
 */
async function throughBastion(direct: BenchHost, a: Manifest, b: Manifest, id: (m: Manifest) => ReleaseToDeploy): Promise<void> {
  const [bastion] = benchHosts('xfer-bastion', 2301, 1);
  const route = await startBastionRoute(bastion, direct);
  try {
    const counter = new Counter();
    const toBastion = (rel: ReleaseToDeploy) => deployWith(async () => ({ ...(await remoteOptions([], counter, route.environment)), release: rel }), rel);
    const toDirect = (rel: ReleaseToDeploy) => deploy(direct, rel, counter);
    await toDirect(id(a)); // the host runs A

    const rounds = 9;
    const runs = { direct: [] as Timed[], bastion: [] as Timed[] };
    for (let i = 0; i < rounds; i++) {
      const m = i % 2 === 0 ? b : a;
      const order: Array<'direct' | 'bastion'> = i % 2 === 0 ? ['direct', 'bastion'] : ['bastion', 'direct'];
      for (const where of order) runs[where].push(await (where === 'direct' ? toDirect : toBastion)(id(m)));
    }
    const sum = (t: Timed[], pick: (x: Timed) => number) => median(t.map(pick));
    const ms = { direct: sum(runs.direct, (t) => t.ms), bastion: sum(runs.bastion, (t) => t.ms) };
    const bytes = { direct: sum(runs.direct, (t) => t.result.hosts[0].bytesSent ?? 0), bastion: sum(runs.bastion, (t) => t.result.hosts[0].bytesSent ?? 0) };
    const step = (name: string) => `${name} ${sum(runs.direct, (t) => t.steps[name] ?? 0)} -> ${sum(runs.bastion, (t) => t.steps[name] ?? 0)} ms`;
    const ratio = ms.bastion / ms.direct;
    console.log(`  the same host through one bastion (ProxyJump over an --internal network) vs directly, one-module redeploys, median of ${rounds} each:`);
    console.log(`    redeploy ${secs(ms.direct)} direct, ${secs(ms.bastion)} through the bastion = ${ratio.toFixed(2)}x (goal <= 1.20x): ${ratio <= 1.2 ? 'met' : 'NOT met'}`);
    const switchMs = { direct: sum(runs.direct, (t) => untilSwitch(t.steps)), bastion: sum(runs.bastion, (t) => untilSwitch(t.steps)) };
    console.log(`    until current is switched (without the app's restart and boot): ${switchMs.direct} ms direct, ${switchMs.bastion} ms through the bastion = ${(switchMs.bastion / switchMs.direct).toFixed(2)}x`);
    console.log(`    bytes sent ${kb(bytes.direct)} direct, ${kb(bytes.bastion)} through the bastion; steps (direct -> bastion): ${step('connect')}, ${step('upload')}, ${step('health')}`);
    const behind = counter.of(route.alias);
    console.log(`    SSH connections through the bastion: ${behind.connects} for ${rounds} deploys (one chain per deploy; rsync and health go through it)`);
  } finally {
    await route.stop();
  }
}

runBench(main);
