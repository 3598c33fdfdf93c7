/**
 * Distillery releases on real systemd + nginx hosts (Debian 11, as in the Distillery era), next to
 * `mix release` ones: the restart strategy (without health:) and blue/green, each with a deploy, a
 * crash-on-boot deploy and a rollback; console and rpc on the live slot; the release dir untouched
 * by running; a switch between the two tools in both directions.
 *   npx tsc -p . && node out/test/support/runLayer.js integration managed/distillery
 */
import assert from 'node:assert/strict';
import type { EnvironmentConfig } from '../../../src/core/config/types';
import { runDeploy, runRollback } from '../../../src/core/deploy';
import { readLogs, type LogLine } from '../../../src/core/logs';
import { openConsole, runRpc } from '../../../src/core/node';
import { runSetup } from '../../../src/core/setup';
import { BULLSEYE_HOST, distilleryReleases, localDigest, RELEASE_DIGEST_SH, type DistilleryReleases } from '../../support/distillery';
import { get } from '../../support/load';
import { release } from '../faults/support';
import { D, SERVER_NAME, deployOptions, environment, onHost, remote, run, setupOptions, startHosts, stopHosts, type ManagedTestHost } from './support';

const never = new AbortController().signal;
const served = async (h: ManagedTestHost) => (await get(h.http, SERVER_NAME)).body.trim();
/** Without health: the restart returns before the app listens; what nginx serves once it does. */
async function servedSoon(h: ManagedTestHost): Promise<string> {
  let body = '';
  for (let i = 0; i < 60 && !body.startsWith('ok '); i++) {
    body = await served(h).catch(() => '');
    if (!body.startsWith('ok ')) await new Promise((r) => setTimeout(r, 250));
  }
  return body;
}
const DISTILLERY_MIGRATE = ['bin/hello_phoenix', 'migrate'];
const migrations = (h: ManagedTestHost) => onHost(h, `cat ${D}/shared/migrations.log 2>/dev/null || true`);
const writeEnv = (h: ManagedTestHost) => onHost(h, `printf 'MIGRATIONS_LOG=${D}/shared/migrations.log\\n' > ${D}/shared/env && chown deploy:deploy ${D}/shared/env`);
/** A fresh bullseye host set up by the tool for `env`, with a migrations log in shared/env. */
async function prepare(h: ManagedTestHost, env: EnvironmentConfig): Promise<DistilleryReleases> {
  const [releases] = await Promise.all([distilleryReleases(), startHosts([h], { SYSTEMD_HOST_IMAGE: BULLSEYE_HOST })]);
  const setup = await runSetup(await setupOptions(env), () => undefined, never);
  assert.ok(setup.ok, setup.error);
  await writeEnv(h);
  return releases;
}
/** The command lines of the BEAMs running on the host. */
const beams = (h: ManagedTestHost) => onHost(h, 'ps -eo args | grep "[b]eam.smp" || true');

describe('Distillery releases on real systemd + nginx hosts (bullseye; integration)', function () {
  this.timeout(900_000);
  let rel: DistilleryReleases;

  describe('restart strategy, no health:', () => {
    const HOST: ManagedTestHost = { name: 'pd23-r1', ssh: 2660, http: 8660 };
    const env: EnvironmentConfig = environment([HOST], {
      os: 'debian-11', strategy: 'restart', ports: [4000], drainTimeout: undefined, health: undefined, migrate: DISTILLERY_MIGRATE,
    });
    const ids: Record<string, string> = {};

    before(async () => {
      rel = await prepare(HOST, env);
    });
    after(() => stopHosts([HOST]));

    it('the fixture behaves as Distillery: `start` returns at once and leaves the VM under run_erl; `foreground` stays attached', async () => {
      await run('docker', ['cp', rel.a, `${HOST.name}:/tmp/pd23-fixture`]);
      const out = await onHost(HOST, [
        'cd /tmp/pd23-fixture && printf -- "-name fixture@127.0.0.1\\n-setcookie c\\n" > /tmp/pd23-vm.args',
        'export PORT=4700 RELEASE_MUTABLE_DIR=/tmp/pd23-state VMARGS_PATH=/tmp/pd23-vm.args',
        's=$(date +%s); bin/hello_phoenix start; echo "start: $? after $(( $(date +%s) - s ))s"',
        'for i in $(seq 1 60); do bin/hello_phoenix ping >/dev/null 2>&1 && break; sleep 0.5; done',
        'bin/hello_phoenix ping; ps -o args= -p "$(bin/hello_phoenix pid)"; ps -eo comm | grep -c "^run_erl"',
        'bin/hello_phoenix stop; timeout 8 bin/hello_phoenix foreground >/dev/null 2>&1; echo "foreground: $?"; ls /tmp/pd23-state',
      ].join('\n'));
      assert.match(out, /^start: 0 after [0-3]s$/m);
      assert.match(out, /^pong$/m);
      assert.match(out, /beam\.smp .*-- foreground/);
      assert.match(out, /^1$/m, 'one run_erl');
      assert.match(out, /^foreground: 124$/m, 'foreground ran until timeout stopped it');
      assert.match(out, /WARNING_README/);
    });

    it('deploys a Distillery release: the unit runs `foreground` and stays active; `bin/<app> migrate` ran; state outside the release', async () => {
      const a = release(rel.a);
      ids.a = a.id;
      const result = await runDeploy(await deployOptions(env, a), () => undefined, never);
      assert.ok(result.ok, result.error);
      assert.equal(await servedSoon(HOST), 'ok 0.1.0 hello');
      assert.equal(await onHost(HOST, 'systemctl is-active hello_phoenix.service'), 'active');
      assert.match(await beams(HOST), /-- foreground/);
      assert.equal(await migrations(HOST), '0.1.0 hello');
      assert.equal(await onHost(HOST, `test -e ${D}/releases/${a.id}/var && echo var || echo none`), 'none');
      assert.match(await onHost(HOST, `ls ${D}/tmp/service`), /^vm\.args$/m, 'Distillery\'s generated vm.args, outside the release');
      const rpc = await runRpc(await remote(env), 'IO.puts(node())', (await remote(env)).targets, never);
      assert.deepEqual(rpc.map((r) => [r.ok, r.stdout.trim()]), [[true, 'hello_phoenix@127.0.0.1']]);
    });

    it('a release that crashes on boot fails the deploy (its unit did not stay active) and rolls back, without health:', async () => {
      const result = await runDeploy(await deployOptions(env, release(rel.crash)), () => undefined, never);
      assert.equal(result.ok, false);
      assert.equal(result.failedStep, 'health');
      assert.match(result.error ?? '', /hello_phoenix\.service did not stay active after its start/);
      assert.match(result.error ?? '', /Rolled back automatically/);
      assert.equal(await onHost(HOST, `readlink ${D}/current`), `releases/${ids.a}`);
      assert.equal(await servedSoon(HOST), 'ok 0.1.0 hello');
    });

    it('switches Distillery → mix release (start), then rolls back mix release → Distillery (foreground)', async () => {
      const m = release(rel.mix);
      const result = await runDeploy(await deployOptions({ ...env, migrate: ['bin/migrate'] }, m), () => undefined, never);
      assert.ok(result.ok, result.error);
      assert.doesNotMatch(await beams(HOST), /-- foreground/);
      assert.equal(await onHost(HOST, 'systemctl is-active hello_phoenix.service'), 'active');
      assert.equal(await servedSoon(HOST), 'ok 0.1.0 hello');
      const back = await runRollback({ ...(await remote(env)), healthIntervalMs: 300 }, () => undefined, never);
      assert.ok(back.ok, back.error);
      assert.equal(back.release, ids.a);
      assert.match(await beams(HOST), /-- foreground/);
      assert.equal(await onHost(HOST, 'systemctl is-active hello_phoenix.service'), 'active');
      assert.equal(await servedSoon(HOST), 'ok 0.1.0 hello');
    });
  });

  describe('blue/green', () => {
    const HOST: ManagedTestHost = { name: 'pd23-bg1', ssh: 2661, http: 8661 };
    const env: EnvironmentConfig = environment([HOST], { os: 'debian-11', migrate: DISTILLERY_MIGRATE });
    const ids: Record<string, string> = {};

    before(async () => {
      rel = await prepare(HOST, env);
      const a = release(rel.a);
      ids.a = a.id;
      const first = await runDeploy(await deployOptions(env, a), () => undefined, never);
      assert.ok(first.ok, first.error);
      assert.equal(await served(HOST), 'ok 0.1.0 hello');
    });
    after(() => stopHosts([HOST]));

    it('two Distillery slots run side by side under their own node names; the new one takes over', async () => {
      const b = release(rel.b);
      ids.b = b.id;
      let sideBySide: Promise<string> | undefined;
      const result = await runDeploy(await deployOptions(env, b), (e) => {
        if (e.type === 'step-start' && e.step === 'route') sideBySide = onHost(HOST, `${D}/slots/green/erts-*/bin/epmd -names`);
      }, never);
      assert.ok(result.ok, result.error);
      const names = await sideBySide!;
      assert.match(names, /name hello_phoenix_blue at port/);
      assert.match(names, /name hello_phoenix_green at port/);
      assert.equal(await served(HOST), 'ok 0.1.0 bonjour');
      assert.equal(await onHost(HOST, 'systemctl is-active hello_phoenix@blue.service'), 'active');
      assert.match(await onHost(HOST, `cat ${D}/tmp/blue/slot.vm.args`), /^-name hello_phoenix_blue@127\.0\.0\.1$/m);
    });

    it('rpc, console (remote_console) and logs reach the live slot', async () => {
      const options = await remote(env);
      const rpc = await runRpc(options, 'IO.puts(node())', options.targets, never);
      assert.deepEqual(rpc.map((r) => [r.ok, r.stdout.trim()]), [[true, 'hello_phoenix_blue@127.0.0.1']]);
      let output = '';
      const session = await openConsole(options, options.targets[0], { rows: 40, cols: 120 }, (d) => { output += d.toString('utf8'); }, never);
      const waitFor = async (re: RegExp) => {
        for (let i = 0; i < 200 && !re.test(output); i++) await new Promise((r) => setTimeout(r, 100));
        assert.match(output, re);
      };
      try {
        await waitFor(/iex\(hello_phoenix_blue@127\.0\.0\.1\)1> /);
        session.write('Enum.sum([40, 2])\r');
        await waitFor(/\n42\r?\n/);
        session.write('\x03');
        await waitFor(/BREAK: \(a\)bort/);
        session.write('a\r');
        assert.equal(await session.exited, 0);
      } finally {
        session.close();
      }
      const lines: LogLine[] = [];
      const logs = await readLogs(options, { targets: options.targets, lines: 200 }, (l) => lines.push(l), never);
      assert.ok(logs.every((r) => r.ok), JSON.stringify(logs));
      assert.ok(lines.some((l) => l.unit === 'hello_phoenix@blue.service' && /hello_phoenix 0\.1\.0 \(bonjour\) listening on 127\.0\.0\.1:4001/.test(l.message)),
        lines.map((l) => `${l.unit} ${l.message}`).join('\n'));
    });

    it('the release dir is byte-for-byte what was uploaded after it ran', async () => {
      const onHostDigest = await onHost(HOST, `sh -c '${RELEASE_DIGEST_SH}' sh ${D}/releases/${ids.b}`);
      assert.equal(onHostDigest, (await localDigest(rel.b)).trim());
    });

    it('a crash-on-boot release never takes traffic; rollback returns to the previous Distillery release', async () => {
      const crash = await runDeploy(await deployOptions(env, release(rel.crash)), () => undefined, never);
      assert.equal(crash.ok, false);
      assert.equal(crash.failedStep, 'health');
      assert.equal(await served(HOST), 'ok 0.1.0 bonjour');
      const back = await runRollback({ ...(await remote(env)), healthIntervalMs: 300 }, () => undefined, never);
      assert.ok(back.ok, back.error);
      assert.equal(back.release, ids.a);
      assert.equal(await served(HOST), 'ok 0.1.0 hello');
    });

    it('switches Distillery → mix release in a slot, and back (rollback) to Distillery', async () => {
      const m = release(rel.mix);
      const result = await runDeploy(await deployOptions({ ...env, migrate: ['bin/migrate'] }, m), () => undefined, never);
      assert.ok(result.ok, result.error);
      assert.equal(await served(HOST), 'ok 0.1.0 hello');
      const live = (await onHost(HOST, 'grep -h "live slot" /etc/nginx/phoenix-deploy/hello_phoenix/upstream.conf')).includes('blue') ? 'blue' : 'green';
      assert.doesNotMatch(await onHost(HOST, `ps -o args= -p $(systemctl show -p MainPID --value hello_phoenix@${live}.service)`), /foreground/);
      const back = await runRollback({ ...(await remote(env)), healthIntervalMs: 300 }, () => undefined, never);
      assert.ok(back.ok, back.error);
      assert.equal(await served(HOST), 'ok 0.1.0 hello');
      const options = await remote(env);
      const rpc = await runRpc(options, 'IO.puts(:erlang.system_info(:otp_release))', options.targets, never);
      assert.deepEqual(rpc.map((r) => [r.ok, r.stdout.trim()]), [[true, '23']]);
    });
  });
});
