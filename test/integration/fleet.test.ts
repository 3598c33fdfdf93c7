/**
 * Issue 14 on real hosts: six sandbox hosts from an INI inventory (ansible_port per host,
 * ansible_user from [web:vars], and a db group the deploy must not touch), read by the real
 * ansible-inventory and resolved by the real ssh -G; `rollout: { canary: 1, batch: 2, pause: 3 }`.
 * - the switch times on the hosts form the batches 1, 2, 2, 1;
 * - a release that crashes on boot on one host of the third batch ends with all six on the
 *   previous release and answering it, the last batch never switched, and history intact;
 * - a host that stops answering (docker pause) is bounded by the keepalive, reported, and never
 *   holds up the other hosts' work.
 *   npx tsc -p . && node out/test/support/runLayer.js integration fleet
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDeploy, runRollback } from '../../src/core/deploy';
import { readLocks, unlock } from '../../src/core/fleet/locks';
import type { DeployResult, ReleaseToDeploy } from '../../src/core/deploy';
import type { EnvironmentConfig } from '../../src/core/config/types';
import type { PlanEvent } from '../../src/core/plan/types';
import { loadConfigFile } from '../../src/core/project/loadConfig';
import { container, current, D, health, KEY, KNOWN, lastLog, lockState, onHost, options, prepareHost, release, releases, remote, startHost, WORK, writeEnv } from './faults/support';

const WEB = [1, 2, 3, 4, 5, 6].map((n) => ({ name: `pd14-web${n}`, key: `web${n}`, port: 2500 + n }));
const DB = { name: 'pd14-db1', key: 'db1', port: 2507 };
const never = new AbortController().signal;
const PROJECT = mkdtempSync(join(tmpdir(), 'pd14-fleet-'));
after(() => rmSync(PROJECT, { recursive: true, force: true }));

const INVENTORY = `[web]
${WEB.map((h) => `${h.key} ansible_host=127.0.0.1 ansible_port=${h.port}`).join('\n')}

[web:vars]
ansible_user=deploy

[db]
${DB.key} ansible_host=127.0.0.1 ansible_port=${DB.port} ansible_user=deploy
`;

/** When `current` was last renamed into place on a host (the symlink's own mtime, ms). */
const switchedAt = async (name: string) => Math.round(Number(await onHost(name, `stat -c %.3Y ${D}/current`)) * 1000);
/** Seconds the app's runit service has been up. */
const upFor = async (name: string) => Number(/\) (\d+)s/.exec(await onHost(name, 'sv status hello_phoenix'))?.[1] ?? -1);

/** Hosts sorted by time, split where two consecutive switches are more than `gapMs` apart. */
function clusters(times: Array<[string, number]>, gapMs: number): string[][] {
  const sorted = [...times].sort((a, b) => a[1] - b[1]);
  const out: string[][] = [];
  sorted.forEach(([host, t], i) => (i === 0 || t - sorted[i - 1][1] > gapMs ? out.push([host]) : out.at(-1)!.push(host)));
  return out.map((c) => c.sort());
}

describe('a fleet from an Ansible inventory, rolled out in batches (six real hosts)', function () {
  this.timeout(600_000);
  let env: EnvironmentConfig;
  let rel: { a: string; b: string; crashWhereMarked: string };
  let events: PlanEvent[] = [];
  const deploy = async (r: ReleaseToDeploy, emit: (e: PlanEvent) => void = () => undefined): Promise<DeployResult> => {
    events = [];
    return runDeploy(await options(env, r), (e) => { events.push(e); emit(e); }, never);
  };

  before(async () => {
    const built = await releases();
    // A: hello; B: bonjour; then B crashing on boot wherever shared/env sets CRASH_ON_BOOT.
    const crash = join(WORK, 'rel', 'crash-where-marked');
    cpSync(built.b, crash, { recursive: true, verbatimSymlinks: true });
    appendFileSync(join(crash, 'releases/0.1.0/env.sh'), '\nif [ "$RELEASE_COMMAND" = start ] && [ -n "$CRASH_ON_BOOT" ]; then sleep 1; echo "crashing on boot on purpose" >&2; exit 1; fi\n');
    rel = { a: built.a, b: built.b, crashWhereMarked: crash };
    await Promise.all([...WEB, DB].map((h) => startHost(h.name, h.port)));
    await Promise.all(WEB.map((h) => prepareHost(h.name)));
    mkdirSync(join(PROJECT, 'config'));
    mkdirSync(join(PROJECT, 'deploy'));
    writeFileSync(join(PROJECT, 'deploy', 'inventory.ini'), INVENTORY);
    writeFileSync(join(PROJECT, 'config', 'deploy.yml'), `environments:
  production:
    deploy_to: ${D}
    hosts: { inventory: deploy/inventory.ini, group: web }
    rollout: { canary: 1, batch: 2, pause: 3 }
    migrate: bin/migrate
    restart: sudo sv restart hello_phoenix
    health: { url: "http://127.0.0.1:4000/health", expect: 200, timeout: 15 }
    keep_releases: 3
    ssh: { identity_file: ${KEY}, known_hosts: ${KNOWN}, config_file: none }
`);
    const loaded = await loadConfigFile(PROJECT);
    assert.ok(loaded.config, JSON.stringify(loaded.findings));
    env = loaded.config.environments.production;
    const first = await deploy(release(rel.a));
    assert.equal(first.ok, true, first.error);
  });

  it('six hosts from the INI inventory: each its own ansible_port, the user from [web:vars]; the db group untouched', async () => {
    const { targets } = await remote(env);
    assert.deepEqual(targets.map((t) => [t.key, t.target.host, t.target.port, t.target.user, t.sources.port, t.sources.user, t.primary]),
      WEB.map((h, i) => [h.key, '127.0.0.1', h.port, 'deploy', 'inventory', 'inventory', i === 0]));
    for (const h of WEB) assert.equal(await health(h.name), 'ok 0.1.0 hello');
    assert.equal(await onHost(DB.name, `ls -A ${D}; test -e ${D}/deploys.log && echo logged || echo untouched`), 'untouched', 'nothing was written on db1');
  });

  it('rollout { canary: 1, batch: 2, pause: 3 }: the switch times on the hosts form the batches 1, 2, 2, 1', async () => {
    const result = await deploy(release(rel.b));
    assert.equal(result.ok, true, result.error);
    const times = await Promise.all(WEB.map(async (h) => [h.key, await switchedAt(h.name)] as [string, number]));
    console.log(`      switch times (s after the first): ${times.map(([k, t]) => `${k} +${((t - Math.min(...times.map((x) => x[1]))) / 1000).toFixed(2)}`).join(', ')}`);
    assert.deepEqual(clusters(times, 2000), [['web1'], ['web2', 'web3'], ['web4', 'web5'], ['web6']]);
    const byHost = new Map(times);
    // Each later batch switched after the pause and the earlier batch's restart and health check.
    assert.ok(byHost.get('web2')! - byHost.get('web1')! >= 3000 && byHost.get('web6')! - byHost.get('web4')! >= 3000);
    for (const h of WEB) {
      assert.equal(await health(h.name), 'ok 0.1.0 bonjour');
      assert.deepEqual([(await lastLog(h.name)).outcome, (await lastLog(h.name)).batch], ['success', result.hosts.find((x) => x.host === h.key)!.batch]);
    }
    assert.deepEqual(result.hosts.map((h) => h.batch), [1, 2, 2, 3, 3, 4]);
  });

  it('a release that crashes on boot on one host of the third batch: all six end on the previous release, answering it; the last batch never switched', async () => {
    const good = (await current(WEB[0].name)).replace('releases/', '');
    await writeEnv(WEB[3].name, 'CRASH_ON_BOOT=1\\n');
    const web6SwitchedAt = await switchedAt(WEB[5].name);
    const bad = release(rel.crashWhereMarked);
    const started = Date.now();
    const result = await deploy(bad);
    await writeEnv(WEB[3].name);
    assert.equal(result.ok, false);
    assert.deepEqual([result.failedStep, result.rolledBack, result.rollout], ['health', true, { batches: 4, failedBatch: 3 }]);
    assert.match(result.error!, /^batch 3 of 4 \(web4, web5\) failed at health: health check failed\. Rolled back automatically\.\nweb4: http:\/\/127\.0\.0\.1:4000\/health not healthy after 15s/);
    assert.match(result.error!, new RegExp(`web6 → ${good} \\(batch 4, not reached\\)$`));
    for (const h of WEB) {
      assert.equal(await current(h.name), `releases/${good}`, h.key);
      assert.equal(await health(h.name), 'ok 0.1.0 bonjour', `${h.key} answers the previous release`);
      assert.equal(await lockState(h.name), 'free');
      assert.equal(await onHost(h.name, `test -e ${D}/releases/${bad.id} && echo kept || echo removed`), 'removed');
    }
    assert.equal(await switchedAt(WEB[5].name), web6SwitchedAt, 'web6\'s current was never touched');
    assert.ok(await upFor(WEB[5].name) >= Math.floor((Date.now() - started) / 1000) - 1, 'web6 was never restarted');
    assert.deepEqual(await Promise.all(WEB.map(async (h) => [(await lastLog(h.name)).outcome, (await lastLog(h.name)).batch])),
      [['rolled-back', 1], ['rolled-back', 2], ['rolled-back', 2], ['rolled-back', 3], ['rolled-back', 3], ['failed', 4]]);
    assert.deepEqual(events.flatMap((e) => (e.type === 'rolled-back' ? [e.host] : [])).sort(), ['web1', 'web2', 'web3', 'web4', 'web5']);
    // History is intact: a plain rollback returns to A (live before B), not to the release that failed.
    const back = await runRollback(await remote(env), () => undefined, never);
    assert.equal(back.ok, true, back.error);
    for (const h of WEB) assert.equal(await health(h.name), 'ok 0.1.0 hello');
  });

  it('a host that stops answering mid-deploy is bounded by the keepalive and reported; the others\' uploads finish meanwhile', async () => {
    const frozen = WEB[2];
    const before = await Promise.all(WEB.map((h) => current(h.name)));
    const uploaded = new Map<string, number>();
    let pausedAt = 0;
    const result = await deploy(release(rel.b), (e) => {
      if (e.type === 'step-start' && e.step === 'upload') {
        execFileSync('docker', ['pause', container(frozen.name)]);
        pausedAt = Date.now();
      }
      if (e.type === 'host-end' && e.step === 'upload') uploaded.set(e.host, Date.now() - pausedAt);
    }).finally(() => execFileSync('docker', ['unpause', container(frozen.name)]));
    const took = Date.now() - pausedAt;
    console.log(`      frozen host: given up ${(uploaded.get(frozen.key)! / 1000).toFixed(1)} s after the pause, the deploy ended ${(took / 1000).toFixed(1)} s after it; uploads of the others took ${[...uploaded].filter(([k]) => k !== frozen.key).map(([, ms]) => (ms / 1000).toFixed(1)).join(', ')} s`);
    assert.deepEqual([result.ok, result.failedStep], [false, 'upload']);
    assert.match(result.error!, /the SSH connection to web3 was lost during the upload \(.*\) \(it stopped answering: no reply to 3 keepalives 5 s apart\)/);
    const others = WEB.filter((h) => h !== frozen).map((h) => h.key);
    assert.deepEqual(others.map((k) => events.some((e) => e.type === 'host-end' && e.step === 'upload' && e.host === k && e.ok)), others.map(() => true));
    assert.ok(Math.max(...others.map((k) => uploaded.get(k)!)) < uploaded.get(frozen.key)!, 'the others finished before the frozen host was given up');
    assert.ok(uploaded.get(frozen.key)! < 40_000, `given up ${uploaded.get(frozen.key)} ms after it froze`);
    assert.ok(took < 90_000, `the deploy ended ${took} ms after the freeze`);
    const web3 = result.hosts.find((h) => h.host === frozen.key)!;
    assert.ok(web3.unreachable && web3.lockLeft, 'reported unreachable, with its lock left');
    assert.deepEqual(await Promise.all(WEB.map((h) => current(h.name))), before, 'nothing switched anywhere');
    for (const h of WEB.filter((x) => x !== frozen)) assert.equal(await lockState(h.name), 'free');
    // Once it answers again, `unlock` clears its lock and the next deploy converges.
    const shown = new Map((await readLocks(await remote(env))).flatMap((l) => (l.lock ? [[l.host, l.lock.raw] as const] : [])));
    assert.deepEqual([...shown.keys()], [frozen.key]);
    await unlock(await remote(env), shown);
    const again = await deploy(release(rel.b));
    assert.equal(again.ok, true, again.error);
  });
});
