/**
 * Zero downtime as a LiveView user sees it, on real systemd + nginx hosts: the previous release's
 * digested assets keep answering after a switch (404 once cleanup removed it), 200 WebSocket
 * clients per host move to the new slot without holding the deploy, a 12 s request still finishes,
 * uploads live in shared/ across deploys and a rollback, and WebSockets work over TLS.
 *   npx tsc -p . && node out/test/support/runLayer.js integration managed/zeroDowntime
 */
import assert from 'node:assert/strict';
import * as http from 'node:http';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PlanEvent } from '../../../src/core/plan/types';
import { runDeploy, runRollback, type DeployResult } from '../../../src/core/deploy';
import { runSetup } from '../../../src/core/setup';
import { digestStatic } from '../../support/digest';
import { get, startLoad, type LoadReport } from '../../support/load';
import { REPO_ROOT } from '../../support/paths';
import { startSocketPool, type SocketPool } from '../../support/socketPool';
import { connectSocket } from '../../support/webSocket';
import { IMAGE, release } from '../faults/support';
import { D, SERVER_NAME, deployOptions, environment, onHost, remote, run, setupOptions, startHosts, stopHosts, type ManagedTestHost } from './support';

const HOSTS: ManagedTestHost[] = [{ name: 'pd22-z1', ssh: 2640, http: 8645, https: 8647 }, { name: 'pd22-z2', ssh: 2641, http: 8646 }];
const RATE = 50; // requests per second, per host
const SOCKETS = 200; // per host
const UPLOADS = { path: 'priv/static/uploads', line: 12 };
const env = environment(HOSTS, { keepReleases: 2, drainTimeout: 20, sharedPaths: [UPLOADS] });
const never = new AbortController().signal;
const WORK = mkdtempSync(join(tmpdir(), 'pd22-zd-'));
process.on('exit', () => rmSync(WORK, { recursive: true, force: true }));

interface Variant { dir: string; greeting: string; js: string }

/** The example app three ways, each with its own app.js (so its own digest) and robots.txt. */
async function buildVariants(): Promise<Record<'a' | 'b' | 'c' | 'ships', Variant>> {
  const greetings = { a: 'hello', b: 'bonjour', c: 'salut' };
  const js: Record<string, string> = {};
  for (const [name, greeting] of Object.entries(greetings)) {
    const dir = join(WORK, 'src', name);
    cpSync(join(REPO_ROOT, 'examples', 'hello_phoenix'), dir, { recursive: true, filter: (p) => !/[\\/](_build|deps)([\\/]|$)/.test(p) });
    const greetingFile = join(dir, 'lib/hello_phoenix/greeting.ex');
    writeFileSync(greetingFile, readFileSync(greetingFile, 'utf8').replace('"hello"', `"${greeting}"`));
    writeFileSync(join(dir, 'priv/static/assets/app.js'), `// ${name}\nconsole.log("${greeting}");\n`);
    writeFileSync(join(dir, 'priv/static/robots.txt'), `User-agent: *\nDisallow: /${greeting}\n`);
    js[name] = digestStatic(join(dir, 'priv/static'))['assets/app.js'];
  }
  await run('docker', ['run', '--rm', '--network', 'none', '-v', `${join(WORK, 'src')}:/src`, '-e', 'MIX_ENV=prod', '-e', 'LANG=C.UTF-8', IMAGE,
    'sh', '-c', 'set -e; for d in a b c; do cd /src/$d && mix release --overwrite --quiet; done'], { maxBuffer: 64 * 1024 * 1024 });
  const rel = (name: string) => join(WORK, 'src', name, '_build', 'prod', 'rel', 'hello_phoenix');
  // a, shipping a file where the shared path goes: refused at prepare.
  const ships = join(WORK, 'ships');
  cpSync(rel('a'), ships, { recursive: true, verbatimSymlinks: true });
  mkdirSync(join(ships, 'lib/hello_phoenix-0.1.0/priv/static/uploads'), { recursive: true });
  writeFileSync(join(ships, 'lib/hello_phoenix-0.1.0/priv/static/uploads/logo.png'), 'not really a png\n');
  return {
    a: { dir: rel('a'), greeting: 'hello', js: js.a },
    b: { dir: rel('b'), greeting: 'bonjour', js: js.b },
    c: { dir: rel('c'), greeting: 'salut', js: js.c },
    ships: { dir: ships, greeting: 'hello', js: js.a },
  };
}

const failures = (reports: LoadReport[]) => reports.flatMap((r, i) => r.failed.map((f) => `${HOSTS[i].name} at ${f.at} ms: ${f.status ?? f.error}`));
const served = async (path = '/health') => Promise.all(HOSTS.map((h) => get(h.http, SERVER_NAME, path).then((r) => [r.status, r.body.trim()] as const)));
const statusOf = async (path: string) => Promise.all(HOSTS.map((h) => get(h.http, SERVER_NAME, path).then((r) => r.status)));
const ok = (r: DeployResult) => assert.ok(r.ok, r.error);

interface Measured { result: DeployResult; ms: number; routedAt: number; reports: LoadReport[]; slower: Array<{ status: number; body: string }>; steps: string }

/** A deploy or rollback under load; `slower` fires a 12 s request at each host when the route starts. `routedAt`: Date.now() when nginx switched. */
async function measured(op: (emit: (e: PlanEvent) => void) => Promise<DeployResult>, slower = false): Promise<Measured> {
  const loads = HOSTS.map((h) => startLoad(h.http, SERVER_NAME, RATE));
  await new Promise((r) => setTimeout(r, 300));
  const long: Array<Promise<{ status: number; body: string }>> = [];
  let routedAt = 0;
  const started = Date.now();
  const begun = new Map<string, number>();
  const steps: string[] = [];
  const result = await op((e) => {
    if (e.type === 'step-start') begun.set(e.step, Date.now());
    if (e.type === 'step-end') steps.push(`${e.step} ${Date.now() - begun.get(e.step)!}`);
    if (e.type === 'step-start' && e.step === 'route' && slower) for (const h of HOSTS) long.push(get(h.http, SERVER_NAME, '/slower', 40_000));
    if (e.type === 'step-end' && e.step === 'route') routedAt = Date.now();
  });
  const ms = Date.now() - started;
  await new Promise((r) => setTimeout(r, 300));
  return { result, ms, routedAt, reports: await Promise.all(loads.map((l) => l.stop())), slower: await Promise.all(long), steps: `steps ms: ${steps.join(', ')}` };
}

/** Every client of every pool greeted by `greeting` after the switch: the slowest one's delay, ms. */
function allMoved(pools: SocketPool[], greeting: string, routedAt: number): number {
  const delays = pools.flatMap((p) => {
    const since = routedAt - (Date.now() - p.now());
    return p.firstGreeted(new RegExp(`^release 0\\.1\\.0 ${greeting} `), since).map((at) => (at === undefined ? Infinity : at - since));
  });
  return Math.max(...delays);
}

describe('zero downtime as a user sees it: assets, sockets, uploads (real systemd + nginx hosts)', function () {
  this.timeout(900_000);
  let v: Awaited<ReturnType<typeof buildVariants>>;
  const ids: string[] = [];
  const deploy = async (variant: Variant, emit: (e: PlanEvent) => void = () => undefined) => {
    const r = release(variant.dir);
    ids.push(r.id);
    return runDeploy(await deployOptions(env, r), emit, never);
  };
  const numbers: string[] = [];

  before(async () => {
    [v] = await Promise.all([buildVariants(), startHosts(HOSTS)]);
    const setup = await runSetup(await setupOptions(env), () => undefined, never);
    assert.ok(setup.ok, setup.error);
    ok(await deploy(v.a));
    assert.deepEqual(await served(), [[200, 'ok 0.1.0 hello'], [200, 'ok 0.1.0 hello']]);
  });

  after(async () => {
    if (numbers.length > 0) console.log(`      ${numbers.join('\n      ')}`);
    await stopHosts(HOSTS);
  });

  it('setup made the shared path, owned by the deploy user; the release links it; an upload written via :code.priv_dir lands there', async () => {
    for (const h of HOSTS) {
      assert.equal(await onHost(h, `stat -c %U ${D}/shared/priv/static/uploads`), 'deploy');
      assert.equal(await onHost(h, `readlink ${D}/releases/${ids[0]}/lib/hello_phoenix-0.1.0/priv/static/uploads`), `${D}/shared/priv/static/uploads`);
      assert.deepEqual(await post(h, '/upload/first.txt', `uploaded on ${h.name}`), { status: 200, body: 'stored /uploads/first.txt' });
      assert.equal(await onHost(h, `cat ${D}/shared/priv/static/uploads/first.txt`), `uploaded on ${h.name}`);
    }
  });

  it('after a switch the previous release\'s digested assets answer 200 through nginx; undigested paths serve the live release', async () => {
    const { result, ms, reports, steps } = await measured((emit) => deploy(v.b, emit));
    ok(result);
    numbers.push(`deploy with no socket: ${(ms / 1000).toFixed(1)} s; ${steps}`);
    (globalThis as Record<string, unknown>).pd22NoSocketMs = ms;
    assert.deepEqual(failures(reports), []);
    assert.deepEqual(await statusOf(`/${v.a.js}`), [200, 200], 'the page of release a still loads its app.js');
    assert.deepEqual(await statusOf(`/${v.b.js}`), [200, 200]);
    assert.deepEqual((await served(`/${v.a.js}`)).map(([, body]) => body), ['// a\nconsole.log("hello");', '// a\nconsole.log("hello");']);
    assert.deepEqual(await served('/robots.txt'), [[200, 'User-agent: *\nDisallow: /bonjour'], [200, 'User-agent: *\nDisallow: /bonjour']]);
  });

  it(`deploy with ${SOCKETS} WebSockets per host: every client on the new slot within 10 s, none refused, 0 failed requests`, async () => {
    const pools = await Promise.all(HOSTS.map((h) => startSocketPool(h.http, SERVER_NAME, SOCKETS)));
    try {
      assert.ok(pools.every((p) => p.greetings.length === SOCKETS && p.greetings.every((g) => g.text.startsWith('release 0.1.0 bonjour '))));
      const { result, ms, routedAt, reports, steps } = await measured((emit) => deploy(v.c, emit));
      ok(result);
      await new Promise((r) => setTimeout(r, 2000));
      const moved = allMoved(pools, 'salut', routedAt);
      const none = (globalThis as Record<string, unknown>).pd22NoSocketMs as number;
      numbers.push(`deploy with ${SOCKETS} sockets per host: ${(ms / 1000).toFixed(1)} s (${(ms / none).toFixed(2)}× the deploy with none), all sockets on the new release ${(moved / 1000).toFixed(1)} s after the switch; ${steps}`);
      assert.deepEqual(failures(reports), []);
      assert.deepEqual(pools.flatMap((p) => p.failures), [], 'no reconnect refused');
      assert.ok(moved <= 10_000, `every client on the new slot within 10 s of the switch (slowest: ${moved} ms)`);
    } finally {
      for (const p of pools) p.stop();
    }
  });

  it('the assets of a release cleanup removed answer 404; those of kept releases 200', async () => {
    for (const h of HOSTS) assert.equal(await onHost(h, `test -e ${D}/releases/${ids[0]} && echo kept || echo removed`), 'removed');
    assert.deepEqual(await statusOf(`/${v.a.js}`), [404, 404]);
    assert.deepEqual(await statusOf(`/${v.b.js}`), [200, 200]);
    assert.deepEqual(await statusOf(`/${v.c.js}`), [200, 200]);
  });

  it(`rollback with ${SOCKETS} WebSockets per host: the same guarantees`, async () => {
    const pools = await Promise.all(HOSTS.map((h) => startSocketPool(h.http, SERVER_NAME, SOCKETS)));
    try {
      const { result, ms, routedAt, reports } = await measured(async (emit) => runRollback({ ...(await remote(env)), healthIntervalMs: 300 }, emit, never));
      ok(result);
      assert.equal(result.release, ids[1]);
      await new Promise((r) => setTimeout(r, 2000));
      const moved = allMoved(pools, 'bonjour', routedAt);
      numbers.push(`rollback with ${SOCKETS} sockets per host: ${(ms / 1000).toFixed(1)} s, all sockets on the previous release ${(moved / 1000).toFixed(1)} s after the switch`);
      assert.deepEqual(failures(reports), []);
      assert.deepEqual(pools.flatMap((p) => p.failures), []);
      assert.ok(moved <= 10_000, `every client on the new slot within 10 s of the switch (slowest: ${moved} ms)`);
      assert.deepEqual(await statusOf(`/${v.c.js}`), [200, 200], 'the rolled-back-from release\'s assets too');
    } finally {
      for (const p of pools) p.stop();
    }
  });

  it('the upload answers 200 after two more deploys and a rollback: through nginx and on the live slot of each host', async () => {
    for (const h of HOSTS) {
      assert.deepEqual(await get(h.http, SERVER_NAME, '/uploads/first.txt').then((r) => [r.status, r.body]), [200, `uploaded on ${h.name}`]);
      // The app itself, on its live port (the other slot than the one that stored it two switches ago).
      const port = (await onHost(h, 'grep -h "server 127" /etc/nginx/phoenix-deploy/hello_phoenix/upstream.conf')).match(/:(\d+);/)![1];
      assert.equal(await onHost(h, `curl -s -f http://127.0.0.1:${port}/uploads/first.txt`), `uploaded on ${h.name}`);
      // Both slots' releases (green stored it two switches ago, blue serves now) see the one file.
      for (const slot of ['blue', 'green']) {
        assert.equal(await onHost(h, `cat ${D}/slots/${slot}/lib/hello_phoenix-0.1.0/priv/static/uploads/first.txt`), `uploaded on ${h.name}`);
      }
    }
  });

  it('a shared path where the release ships files is refused at prepare, with its deploy.yml line', async () => {
    const result = await deploy(v.ships);
    assert.equal(result.ok, false);
    assert.equal(result.failedStep, 'prepare');
    assert.match(result.error ?? '', /config\/deploy\.yml:12: shared path priv\/static\/uploads: the release ships files there \(\.gitkeep, logo\.png\)/);
    assert.deepEqual(await served(), [[200, 'ok 0.1.0 bonjour'], [200, 'ok 0.1.0 bonjour']]);
  });

  it(`a 12 s request in flight at the switch still finishes on the old release, with ${SOCKETS} WebSockets per host connected`, async () => {
    const pools = await Promise.all(HOSTS.map((h) => startSocketPool(h.http, SERVER_NAME, SOCKETS)));
    try {
      const { result, ms, routedAt, reports, slower } = await measured((emit) => deploy(v.c, emit), true);
      ok(result);
      await new Promise((r) => setTimeout(r, 2000));
      const moved = allMoved(pools, 'salut', routedAt);
      numbers.push(`deploy with a 12 s request and ${SOCKETS} sockets per host: ${(ms / 1000).toFixed(1)} s, all sockets on the new release ${(moved / 1000).toFixed(1)} s after the switch`);
      assert.deepEqual(slower.map((r) => [r.status, r.body.trim()]), [[200, 'slow 0.1.0 bonjour'], [200, 'slow 0.1.0 bonjour']]);
      assert.deepEqual(failures(reports), []);
      assert.deepEqual(pools.flatMap((p) => p.failures), []);
      assert.ok(Number.isFinite(moved), 'every client reached the new release');
    } finally {
      for (const p of pools) p.stop();
    }
  });

  it('WebSockets over TLS: nginx passes Host and X-Forwarded-Proto https', async () => {
    const [h1] = HOSTS;
    const dir = join(WORK, 'tls');
    mkdirSync(dir);
    await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', `/CN=${SERVER_NAME}`, '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')]);
    await onHost(h1, 'mkdir -p /etc/ssl/pd22');
    for (const f of ['cert.pem', 'key.pem']) await run('docker', ['cp', join(dir, f), `${h1.name}:/etc/ssl/pd22/${f}`]);
    const tls = environment([h1], { keepReleases: 2, drainTimeout: 20, sharedPaths: [UPLOADS], proxy: { listen: 80, serverName: SERVER_NAME, tls: { certificate: '/etc/ssl/pd22/cert.pem', key: '/etc/ssl/pd22/key.pem', listen: 443 } } });
    const setup = await runSetup(await setupOptions(tls), () => undefined, never);
    assert.ok(setup.ok, setup.error);
    // `systemctl reload nginx` returns before the master has opened 443: retry the first connections briefly.
    let socket: Awaited<ReturnType<typeof connectSocket>> | undefined;
    for (let i = 0; i < 20 && !socket; i++) {
      socket = await connectSocket(h1.https!, SERVER_NAME, '/socket', 10_000, true).catch(async (e: Error) => {
        if (i === 19) throw new Error(`${e.message}\n${await onHost(h1, 'ss -ltn; tail -n 5 /var/log/nginx/error.log')}`);
        await new Promise((r) => setTimeout(r, 500));
        return undefined;
      });
    }
    socket!.close();
    assert.match(socket!.greeting, new RegExp(`^release 0\\.1\\.0 salut \\d+ host=${SERVER_NAME.replace(/\./g, '\\.')} proto=https$`));
    const plain = await connectSocket(HOSTS[1].http, SERVER_NAME);
    plain.close();
    assert.match(plain.greeting, /host=shop\.example\.test proto=http$/);
  });
});

function post(h: ManagedTestHost, path: string, body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: h.http, path, method: 'POST', headers: { Host: SERVER_NAME, 'Content-Length': Buffer.byteLength(body) }, agent: false },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text.trim() }));
      });
    req.on('error', reject);
    req.end(body);
  });
}
