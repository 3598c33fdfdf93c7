/**
 * Tree refresh (the Servers view and `phoenix-deploy releases`): N hosts × M releases. Counts SSH
 * connections and exec calls per host for listReleases (goal: one round trip per host, hosts in
 * parallel) and times it. Releases are made on the hosts directly (directories with
 * releases/start_erl.data, `current`, deploys.log lines): the listing reads nothing else.
 *   npx tsc -p . && node out/bench/tree.js
 */
import { listReleases } from '../src/core/deploy';
import { makeReleaseId } from '../src/core/release/id';
import {
  benchHosts, connect, Counter, DEPLOY_TO, now, remoteOptions, runBench, sh, startHosts, stopHosts, today, type BenchHost,
} from './support/sandbox';

const SIZES = [1, 2, 4, 8];

async function fill(h: BenchHost, releases: number): Promise<void> {
  const ids = Array.from({ length: releases }, (_, i) => makeReleaseId(new Date(Date.UTC(2026, 0, 1, 0, 0, i)), '0.1.0', (0xa000000 + i).toString(16)));
  const conn = await connect(h);
  try {
    const log = ids.map((id) => JSON.stringify({ kind: 'deploy', id, commit: id.slice(-7), who: 'bench@example.com', when: '2026-01-01T00:00:00.000Z', outcome: 'success', durations: {} })).join('\n');
    await sh(conn, `set -e; d=${DEPLOY_TO}; rm -rf $d/releases; mkdir -p $d/releases; for id in ${ids.join(' ')}; do mkdir -p $d/releases/$id/releases; echo '13.1.5 0.1.0' > $d/releases/$id/releases/start_erl.data; done; ` +
      `ln -sfn releases/${ids[ids.length - 1]} $d/current; cat > $d/deploys.log <<'EOF'\n${log}\nEOF`);
  } finally {
    await conn.close();
  }
}

async function main(): Promise<void> {
  const hosts = benchHosts('tree', 2320, 8);
  try {
    await startHosts(hosts);
    console.log(`tree refresh: listReleases over N sandbox hosts x M releases; ${today()}`);
    const times = new Map<string, number>();
    for (const m of [20, 100]) {
      await Promise.all(hosts.map((h) => fill(h, m)));
      for (const n of SIZES) {
        const counter = new Counter();
        const options = await remoteOptions(hosts.slice(0, n), counter);
        const samples: number[] = [];
        let listed = 0;
        for (let i = 0; i < 5; i++) {
          const t0 = now();
          const result = await listReleases(options);
          samples.push(now() - t0);
          if (!result.every((r) => r.ok && r.releases.length === m)) throw new Error(`listing failed: ${JSON.stringify(result.map((r) => r.error ?? r.releases.length))}`);
          listed = result.length;
        }
        const median = samples.sort((a, b) => a - b)[2];
        times.set(`${n}x${m}`, median);
        const keys = hosts.slice(0, n).map((h) => `127.0.0.1:${h.port}`);
        const execs = keys.map((k) => counter.of(k).execs / 5);
        const conns = keys.map((k) => counter.of(k).connects / 5);
        console.log(`  ${n} host${n > 1 ? 's' : ' '} x ${m} releases: median ${median.toFixed(0)} ms of 5 (each includes connecting) = ${(median / times.get(`1x${m}`)!).toFixed(2)}x 1 host; ` +
          `per host per refresh: ${Math.max(...conns)} connection, ${Math.max(...execs)} exec call(s); ${listed} hosts listed`);
      }
    }
    console.log('command: npx tsc -p . && node out/bench/tree.js');
  } finally {
    await stopHosts(hosts);
  }
}

runBench(main);
