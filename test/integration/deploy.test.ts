/**
 * The deploy engine against real sshd hosts (scripts/testbed/hosts.sh), real rsync and the real
 * example release. Tests run in order and build on each other, like deploys to one environment do.
 *   npx tsc -p . && npx mocha --timeout 600000 out/test/integration/deploy.test.js
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { EnvironmentConfig } from '../../src/core/config/types';
import type { PlanEvent } from '../../src/core/plan/types';
import { makeReleaseId } from '../../src/core/release/id';
import { listReleases, runDeploy, runRollback } from '../../src/core/deploy';
import { readLocks, unlock } from '../../src/core/fleet/locks';
import { resolveTargets } from '../../src/core/fleet/local';
import type { DeployOptions, ReleaseToDeploy } from '../../src/core/deploy';
import { connectTarget } from '../../src/core/ssh/chain';
import { connectSsh, type SshConnection } from '../../src/core/ssh/connection';

const run = promisify(execFile);
const ROOT = join(__dirname, '..', '..', '..');
const SANDBOX = '/var/cache/phoenix-deploy-testbed/sandbox';
const KEY = `${SANDBOX}/id_ed25519`;
const KNOWN = `${SANDBOX}/known_hosts`;
const HOSTS = { web1: 2241, web2: 2242, old: 2243 };
const D = '/opt/hello_phoenix';

function environment(ports: number[], overrides: Partial<EnvironmentConfig> = {}): EnvironmentConfig {
  return {
    name: 'production', user: 'deploy', deployTo: D, os: 'debian-12',
    hosts: ports.map((port, i) => ({ host: '127.0.0.1', port, user: 'deploy', primary: i === 0 })),
    migrate: ['bin/migrate'], restart: ['sudo', 'sv', 'restart', 'hello_phoenix'],
    health: { url: 'http://127.0.0.1:4000/health', expect: 200, timeout: 30 },
    keepReleases: 5, ssh: { identityFile: KEY, knownHosts: KNOWN, configFile: 'none' }, ...overrides,
  };
}

async function buildRelease(dir: string, greeting: string): Promise<string> {
  cpSync(join(ROOT, 'examples', 'hello_phoenix'), dir, { recursive: true });
  const file = join(dir, 'lib', 'hello_phoenix', 'greeting.ex');
  writeFileSync(file, readFileSync(file, 'utf8').replace('"hello"', JSON.stringify(greeting)));
  await run('docker', ['run', '--rm', '--network', 'none', '-v', `${dir}:/src`, '-w', '/src', '-e', 'MIX_ENV=prod', '-e', 'LANG=C.UTF-8',
    'local/elixir-build:1.14.0-otp-25-bookworm', 'mix', 'release', '--overwrite']);
  return join(dir, '_build', 'prod', 'rel', 'hello_phoenix');
}

/** Ids in deploy order: one second apart, so id order is time order as in real builds. */
function releaseMaker() {
  let seconds = 0;
  return (path: string, commit: string): ReleaseToDeploy => {
    const id = makeReleaseId(new Date(Date.UTC(2026, 0, 1, 0, 0, seconds++)), '0.1.0', commit);
    return { id, app: 'hello_phoenix', version: '0.1.0', commit, path };
  };
}

describe('deploy engine (integration)', function () {
  this.timeout(600000);
  const work = mkdtempSync(join(tmpdir(), 'pd-deploy-'));
  const home = mkdtempSync(join(tmpdir(), 'pd-home-')); // no ~/.ssh/config of the machine
  const conns: Record<string, SshConnection> = {};
  const events: PlanEvent[] = [];
  let pathA = '';
  let pathB = '';
  const ids: Record<string, string> = {};
  const release = releaseMaker();

  const sh = async (port: number, script: string) => (await conns[port].exec(['sh', '-c', script])).stdout.trim();
  const current = (port: number) => sh(port, `readlink ${D}/current || echo none`);
  const healthBody = (port: number) => sh(port, 'curl -s http://127.0.0.1:4000/health');
  const identity = { who: 'tester@example.com', developer: 'tester_example.com', localHost: 'ci', pid: process.pid };
  const options = async (rel: ReleaseToDeploy, env = environment([HOSTS.web1, HOSTS.web2])): Promise<DeployOptions> => ({
    environment: env, targets: await resolveTargets(env, { home }), release: rel, healthIntervalMs: 500, identity,
  });
  const emit = (e: PlanEvent) => events.push(e);
  const never = new AbortController().signal;
  const env1 = (port: number, extra = '') => sh(port, `mkdir -p ${D}/shared && printf 'MIGRATIONS_LOG=${D}/shared/migrations.log\\n${extra}' > ${D}/shared/env`);

  before(async () => {
    await Promise.all(Object.entries(HOSTS).map(([name, port]) =>
      run('bash', [join(ROOT, 'scripts/testbed/hosts.sh'), 'start', `pd5-${name}`, String(port), name === 'old' ? 'bullseye' : 'bookworm'])));
    pathA = await buildRelease(join(work, 'a'), 'hello');
    pathB = await buildRelease(join(work, 'b'), 'bonjour');
    for (const port of Object.values(HOSTS)) {
      conns[port] = await connectSsh({ host: '127.0.0.1', port, user: 'deploy' }, { knownHostsFile: KNOWN, identityFiles: [KEY] });
    }
    for (const port of [HOSTS.web1, HOSTS.web2]) {
      await env1(port);
      // runsv would start the app the moment `current` appears and race the deploy's own restart
      // (sv gives up after 7 s while the BEAM boots on a busy machine); a stopped service just starts.
      await sh(port, 'sudo sv stop hello_phoenix');
    }
  });

  after(async () => {
    await Promise.all(Object.values(conns).map((c) => c.close()));
    await run('bash', [join(ROOT, 'scripts/testbed/hosts.sh'), 'stop', ...Object.keys(HOSTS).map((n) => `pd5-${n}`)]);
    await run('docker', ['run', '--rm', '-v', `${work}:/w`, 'local/elixir-build:1.14.0-otp-25-bookworm', 'rm', '-rf', '/w/a', '/w/b']).catch(() => undefined);
    rmSync(work, { recursive: true, force: true });
    rmSync(home, { recursive: true, force: true });
  });

  it('deploys to two hosts: switch on both, migration once on the primary, new version healthy', async () => {
    const rel = release(pathA, 'aaaaaaa');
    ids.a = rel.id;
    const connects: string[] = [];
    const counted: DeployOptions = { ...(await options(rel)), deps: { connect: (t, signal) => {
      connects.push(t.key);
      return connectTarget(t, { signal });
    } } };
    const result = await runDeploy(counted, emit, never);
    assert.equal(result.ok, true, result.error);
    // rsync goes through the tunnel, so this is every SSH connection of the deploy: one per host.
    assert.deepEqual(connects.sort(), ['127.0.0.1:2241', '127.0.0.1:2242']);
    for (const port of [HOSTS.web1, HOSTS.web2]) {
      assert.equal(await current(port), `releases/${rel.id}`);
      assert.equal(await healthBody(port), 'ok 0.1.0 hello');
      assert.equal(await sh(port, `{ test -e ${D}/deploy.lock || test -L ${D}/deploy.lock; } && echo locked || echo free`), 'free');
      const log = JSON.parse(await sh(port, `tail -n 1 ${D}/deploys.log`));
      assert.equal(log.id, rel.id);
      assert.equal(log.outcome, 'success');
      assert.ok(log.durations.switch >= 0);
    }
    // The migration runs under `eval`, where the app is not started, so its line holds just the greeting.
    assert.equal(await sh(HOSTS.web1, `cat ${D}/shared/migrations.log`), '0.1.0 hello');
    assert.equal(await sh(HOSTS.web2, `cat ${D}/shared/migrations.log 2>/dev/null | wc -l`), '0');
  });

  it('redeploys a one-module change sending a small fraction, leaving the previous release byte-identical', async () => {
    const sums = `cd ${D}/releases/${ids.a} && find . -type f -exec sha256sum {} + | sort`;
    const before = await sh(HOSTS.web1, sums);
    const rel = release(pathB, 'bbbbbbb');
    ids.b = rel.id;
    const result = await runDeploy(await options(rel), emit, never);
    assert.equal(result.ok, true, result.error);
    const size = Number(await sh(HOSTS.web1, `du -sb ${D}/releases/${ids.b} | cut -f1`));
    for (const h of result.hosts) {
      const ratio = h.bytesSent! / size;
      console.log(`      ${h.host}: sent ${h.bytesSent} of ${size} bytes (${(ratio * 100).toFixed(2)}%)`);
      assert.ok(ratio < 0.05, `sent ${h.bytesSent} bytes of ${size}`);
    }
    assert.equal(await sh(HOSTS.web1, sums), before);
    for (const port of [HOSTS.web1, HOSTS.web2]) assert.equal(await healthBody(port), 'ok 0.1.0 bonjour');
    assert.deepEqual((await sh(HOSTS.web1, `cat ${D}/shared/migrations.log`)).split('\n').map((l) => l.trim()), ['0.1.0 hello', '0.1.0 bonjour']);
  });

  it('rolls back to the previous release, and the old version answers', async () => {
    const env = environment([HOSTS.web1, HOSTS.web2]);
    const result = await runRollback({ ...(await options(release(pathA, 'ccccccc'), env)), to: undefined }, emit, never);
    assert.equal(result.ok, true, result.error);
    assert.equal(result.release, ids.a);
    for (const port of [HOSTS.web1, HOSTS.web2]) {
      assert.equal(await current(port), `releases/${ids.a}`);
      assert.equal(await healthBody(port), 'ok 0.1.0 hello');
      assert.equal(JSON.parse(await sh(port, `tail -n 1 ${D}/deploys.log`)).kind, 'rollback');
    }
  });

  it('a failed migration switches nothing and removes the new release', async () => {
    await env1(HOSTS.web1, 'FAIL_MIGRATION=1\\n');
    const rel = release(pathB, 'ddddddd');
    const result = await runDeploy(await options(rel), emit, never);
    await env1(HOSTS.web1);
    assert.equal(result.ok, false);
    assert.equal(result.failedStep, 'migrate');
    assert.match(result.error!, /migration failed on 127\.0\.0\.1:2241/);
    assert.match(result.error!, /migration failed on purpose/);
    for (const port of [HOSTS.web1, HOSTS.web2]) {
      assert.equal(await current(port), `releases/${ids.a}`);
      assert.equal(await sh(port, `test -e ${D}/releases/${rel.id} && echo kept || echo gone`), 'gone');
      assert.equal(await sh(port, `{ test -e ${D}/deploy.lock || test -L ${D}/deploy.lock; } && echo locked || echo free`), 'free');
    }
  });

  it('a failed health check rolls every host back automatically and reports the last response', async () => {
    const env = environment([HOSTS.web1, HOSTS.web2], { health: { url: 'http://127.0.0.1:4000/nope', expect: 200, timeout: 12 } });
    const result = await runDeploy(await options(release(pathB, 'eeeeeee'), env), emit, never);
    assert.equal(result.ok, false);
    assert.equal(result.failedStep, 'health');
    assert.equal(result.rolledBack, true);
    assert.match(result.error!, /last response: 404/);
    for (const port of [HOSTS.web1, HOSTS.web2]) {
      assert.equal(await current(port), `releases/${ids.a}`);
      assert.equal(await healthBody(port), 'ok 0.1.0 hello');
      assert.equal(JSON.parse(await sh(port, `tail -n 1 ${D}/deploys.log`)).outcome, 'rolled-back');
    }
  });

  it('refuses while another deploy holds the lock, naming the holder; unlock clears it', async () => {
    await sh(HOSTS.web2, `mkdir ${D}/deploy.lock && echo '{"who":"someone@else","when":"2026-01-01T00:00:00Z","pid":42,"host":"laptop","release":"x"}' > ${D}/deploy.lock/holder.json`);
    const result = await runDeploy(await options(release(pathB, 'fffffff')), emit, never);
    assert.equal(result.ok, false);
    assert.equal(result.failedStep, 'lock');
    assert.match(result.error!, /127\.0\.0\.1:2242 is locked by someone@else on laptop pid 42/);
    assert.equal(await sh(HOSTS.web1, `{ test -e ${D}/deploy.lock || test -L ${D}/deploy.lock; } && echo locked || echo free`), 'free');
    assert.equal(await current(HOSTS.web2), `releases/${ids.a}`);
    const env = environment([HOSTS.web1, HOSTS.web2]);
    const remote = { environment: env, targets: await resolveTargets(env, { home }), identity };
    const locks = await readLocks(remote);
    assert.deepEqual(locks.map((l) => [l.host, l.lock?.holder?.who]), [['127.0.0.1:2241', undefined], ['127.0.0.1:2242', 'someone@else']]);
    const unlocked = await unlock(remote, new Map(locks.flatMap((l) => (l.lock ? [[l.host, l.lock.raw] as const] : []))));
    assert.deepEqual(unlocked.map((u) => [u.host, u.removed, u.holder?.who]), [['127.0.0.1:2242', true, 'someone@else']]);
    assert.equal(await sh(HOSTS.web2, `{ test -e ${D}/deploy.lock || test -L ${D}/deploy.lock; } && echo locked || echo free`), 'free');
  });

  it('blocks a bookworm-built release on a bullseye host before any switch', async () => {
    const rel = release(pathA, '1111111');
    const result = await runDeploy(await options(rel, environment([HOSTS.old])), emit, never);
    assert.equal(result.ok, false);
    assert.equal(result.failedStep, 'compat');
    assert.match(result.error!, /release cannot run on 127\.0\.0\.1:2243/);
    assert.match(result.error!, /erts-13\.1\.5\/bin\/\S+ needs GLIBC_2\.3\d from libc\.so\.6/);
    assert.equal(await current(HOSTS.old), 'none');
    assert.equal(await sh(HOSTS.old, `ls ${D}/releases | wc -l`), '0');
  });

  it('cleanup keeps keep_releases and never the current release or the rollback target', async () => {
    const env = environment([HOSTS.web1, HOSTS.web2], { keepReleases: 2 });
    const c = release(pathB, '2222222');
    const d = release(pathA, '3333333');
    assert.equal((await runDeploy(await options(c, env), emit, never)).ok, true);
    const result = await runDeploy(await options(d, env), emit, never);
    assert.equal(result.ok, true, result.error);
    for (const port of [HOSTS.web1, HOSTS.web2]) {
      assert.equal(await sh(port, `ls ${D}/releases | tr '\\n' ' '`), `${c.id} ${d.id}`);
      assert.equal(await current(port), `releases/${d.id}`);
    }
    const listed = await listReleases({ environment: env, targets: await resolveTargets(env, { home }), identity });
    assert.equal(listed[0].current, d.id);
    assert.equal(listed[0].locked, false);
    assert.deepEqual(listed[0].releases.map((r) => [r.id, r.current, r.erts, r.deployedBy]),
      [[c.id, false, '13.1.5', 'tester@example.com'], [d.id, true, '13.1.5', 'tester@example.com']]);
  });
});
