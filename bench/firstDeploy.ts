/**
 * First deploy: from `phoenix-deploy init` to the first HTTPS 200 through nginx, for examples/shop
 * (phx.new + phx.gen.release --docker, Debian 13) on two fresh Debian 13 systemd + nginx hosts with
 * a test-made certificate, through the bundled CLI only: the very commands of the end-to-end test
 * (test/support/shopFirstDeploy.ts), with `build` run on its own after init so the split shows it.
 * Prints the time of init, build, setup, env (three `env set`), deploy (reusing the built release)
 * and the wait for the first 200, and each one's share of the whole, and the build's own steps. One
 * run, fresh hosts, a fresh project (a fresh release store and _build volume; the builder image's
 * layers come from Docker's cache when this machine built the same stages before).
 * SSH ports: benchHosts' 2302-2303, moved by BENCH_PORTS; HTTP and HTTPS: BENCH_FIRST_DEPLOY_WEB_PORTS=FIRST
 * (hosts' http FIRST, FIRST+1, https FIRST+2, FIRST+3; default 8302); BENCH_CONTAINER_PREFIX names the containers.
 *   npx tsc -p . && node scripts/bundle.mjs && node out/bench/firstDeploy.js
 */
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { removeProject, type CliRun } from '../test/support/cli';
import { shopFirstDeploy, ShopProject, startShopHosts, stopShopHosts, type Phase, type ShopHost } from '../test/support/shopFirstDeploy';
import { benchHosts, containerOf, runBench, secs, today } from './support/sandbox';

const PHASES: Phase[] = ['init', 'build', 'setup', 'env', 'deploy', 'first 200'];

function failure(what: string, r: CliRun): Error {
  return new Error(`${what} exited ${r.code}\n${r.stderr.slice(-3000)}\n${r.stdout.slice(-1000)}`);
}

async function main(): Promise<void> {
  const web = Number(process.env.BENCH_FIRST_DEPLOY_WEB_PORTS ?? '8302');
  const hosts: ShopHost[] = benchHosts('first', 2302, 2).map((h, i) => ({ name: containerOf(h), ssh: h.port, http: web + i, https: web + 2 + i }));
  const work = mkdtempSync(path.join(os.tmpdir(), `${process.env.BENCH_CONTAINER_PREFIX ?? 'pd-'}bench-first-`));
  const project = new ShopProject(work);
  try {
    await startShopHosts(hosts);
    const t0 = Date.now();
    const r = await shopFirstDeploy(project, hosts, { buildFirst: true });
    const total = Date.now() - t0;
    for (const [what, run] of [['init', r.init], ['build', r.build], ['setup', r.setup], ...r.env.map((e) => ['env set', e] as const), ['deploy', r.deploy]] as const) {
      if (run && run.code !== 0) throw failure(what, run);
    }
    if (!r.statuses.every((s) => s === 200)) throw new Error(`no 200 over HTTPS after the deploy: ${r.statuses.join(', ')}`);
    console.log(`first deploy of examples/shop to ${hosts.length} fresh Debian 13 systemd + nginx hosts (${hosts.map((h) => `127.0.0.1:${h.ssh}`).join(', ')}), ${today()}, ${os.cpus().length} cores, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
    console.log(`init to the first HTTPS 200 on every host: ${secs(total)}`);
    for (const phase of PHASES) {
      const ms = r.ms[phase] ?? 0;
      console.log(`  ${phase.padEnd(10)} ${secs(ms).padStart(9)}  ${((100 * ms) / total).toFixed(1).padStart(5)}%`);
    }
    const steps = [...(r.build?.stderr ?? '').matchAll(/✓ ([\w-]+) \(([\d.]+ m?s)\)/g)].map((m) => `${m[1]} ${m[2]}`);
    console.log(`  build's steps: ${steps.join(', ')} (build-image is Docker's layer cache when this machine built the same stages before)`);
    console.log('  (deploy reuses the release build made; the sandbox edit of deploy.yml between init and build is not timed)');
    const vars = ['BENCH_PORTS', 'BENCH_CONTAINER_PREFIX', 'BENCH_FIRST_DEPLOY_WEB_PORTS'].filter((k) => process.env[k]).map((k) => `${k}=${process.env[k]} `);
    console.log(`command: ${vars.join('')}npm run bench -- first-deploy`);
  } finally {
    await stopShopHosts(hosts).catch(() => undefined);
    removeProject(project.dir);
    rmSync(work, { recursive: true, force: true });
  }
}

runBench(main);
