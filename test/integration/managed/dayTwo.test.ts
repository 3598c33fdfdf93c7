/**
 * Day-two operations on real systemd + nginx hosts that setup prepared, through the bundled CLI:
 * logs (the app's boot line from both hosts; --follow), rpc, console in a PTY (driven by `script`),
 * env (set, then a deploy; --restart under load), and deploy hooks from deploy.yml.
 *   npx tsc -p . && node scripts/bundle.mjs && node out/test/support/runLayer.js integration managed/dayTwo
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDeploy } from '../../../src/core/deploy';
import { requireConfig, requireEnvironment } from '../../../src/core/project/loadConfig';
import type { PlanEvent } from '../../../src/core/plan/types';
import { runSetup } from '../../../src/core/setup';
import { renderCommand } from '../../../src/core/shell';
import { runCli, type CliRun } from '../../support/cli';
import { get, startLoad } from '../../support/load';
import { REPO_ROOT, SANDBOX_KEY, SANDBOX_KNOWN_HOSTS } from '../../support/paths';
import { release, releases, type Releases } from '../faults/support';
import { D, SERVER_NAME, deployOptions, environment, onHost, setupOptions, startHosts, stopHosts, type ManagedTestHost } from './support';

const HOSTS: ManagedTestHost[] = [{ name: 'pd15-d1', ssh: 2481, http: 8071 }, { name: 'pd15-d2', ssh: 2482, http: 8072 }];
const KEYS = HOSTS.map((h) => `127.0.0.1:${h.ssh}`);
const CLI = join(REPO_ROOT, 'dist', 'cli.js');
const never = new AbortController().signal;
const WORK = mkdtempSync(join(tmpdir(), 'pd15-daytwo-'));
const PROJECT = join(WORK, 'project');
const CACHE = join(WORK, 'cache');
/** Every character a shell or systemd could misread. */
const TRICKY = `it's "quoted" $HOME \`id\` back\\slash; #hash ~tilde\nsecond line  `;

/** config/deploy.yml for the two hosts, with hooks that record what they were given. */
function writeProject(): void {
  mkdirSync(join(PROJECT, 'config'), { recursive: true });
  mkdirSync(join(PROJECT, 'scripts'));
  writeFileSync(join(PROJECT, 'scripts', 'record'), '#!/bin/sh\nprintf "%s %s %s\\n" "$1" "$PHOENIX_DEPLOY_RELEASE" "$PHOENIX_DEPLOY_ENV" >> hooks.log\n');
  chmodSync(join(PROJECT, 'scripts', 'record'), 0o755);
  // The three environments deploy the same two hosts; they differ in their hooks.
  const environmentYaml = (name: string, hooks: string) => `  ${name}:
    user: deploy
    deploy_to: ${D}
    hosts:
${HOSTS.map((h) => `      - { host: 127.0.0.1, port: ${h.ssh} }`).join('\n')}
    migrate: bin/migrate
    service: systemd
    strategy: blue_green
    ports: [4001, 4002]
    proxy: { listen: 80, server_name: ${SERVER_NAME} }
    health: { path: /health, expect: 200, timeout: 20 }
    drain_timeout: 5
    ssh: { identity_file: ${SANDBOX_KEY}, known_hosts: ${SANDBOX_KNOWN_HOSTS}, config_file: none }
${hooks}`;
  writeFileSync(join(PROJECT, 'config', 'deploy.yml'), `app: hello_phoenix
environments:
${environmentYaml('production', '')}${environmentYaml('hooked', `    hooks:
      before_deploy: [ { local: ./scripts/record before_deploy } ]
      after_switch:
        - { remote: mkdir ${D}/shared/after-switch-ran }
        - { remote: printenv PHOENIX_DEPLOY_HOST PHOENIX_DEPLOY_ROLE PHOENIX_DEPLOY_RELEASE }
`)}${environmentYaml('failing', `    hooks:
      after_prepare: [ { remote: "test -e no-such-asset" } ]
`)}`);
}

const cli = (args: string[], limitMs?: number): Promise<CliRun> => runCli(CACHE, [...args, '--cwd', PROJECT], undefined, limitMs);
const asDeploy = (h: ManagedTestHost, script: string) => onHost(h, `su deploy -c ${renderCommand([script])}`);

/** A CLI command in a pseudo-terminal (util-linux `script`), driven like a person: wait for text, then type. */
class Terminal {
  private readonly child: ChildProcessWithoutNullStreams;
  output = '';
  readonly exited: Promise<number | null>;

  constructor(args: string[]) {
    this.child = spawn('script', ['-qfec', renderCommand([process.execPath, CLI, ...args]), '/dev/null'], { env: { ...process.env, XDG_CACHE_HOME: CACHE } });
    this.child.stdout.on('data', (d: Buffer) => (this.output += d.toString()));
    this.child.stderr.on('data', (d: Buffer) => (this.output += d.toString()));
    this.exited = new Promise((resolve) => this.child.on('close', (code) => resolve(code)));
  }

  async waitFor(pattern: RegExp, since = 0, ms = 60_000): Promise<string> {
    const deadline = Date.now() + ms;
    while (!pattern.test(this.output.slice(since))) {
      if (Date.now() > deadline) throw new Error(`no ${pattern} in:\n${this.output.slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    return this.output;
  }

  type(text: string): number {
    const at = this.output.length;
    this.child.stdin.write(text);
    return at;
  }

  kill(): void {
    this.child.kill('SIGKILL');
  }
}

describe('day-two operations on real systemd + nginx hosts (integration)', function () {
  this.timeout(600_000);
  let rel: Releases;
  const ids: Record<string, string> = {};

  before(async () => {
    writeProject();
    [rel] = await Promise.all([releases(), startHosts(HOSTS)]);
    const env = environment(HOSTS);
    const setup = await runSetup(await setupOptions(env), () => undefined, never);
    assert.ok(setup.ok, setup.error);
    await Promise.all(HOSTS.map((h) => asDeploy(h, `printf '# written by ops\\nSECRET_KEY_BASE=keep-me\\n' > ${D}/shared/env`)));
    const a = release(rel.a);
    ids.a = a.id;
    const deployed = await runDeploy(await deployOptions(env, a), () => undefined, never);
    assert.ok(deployed.ok, deployed.error);
  });

  after(async () => {
    await stopHosts(HOSTS);
    rmSync(WORK, { recursive: true, force: true });
  });

  it('logs --lines shows the app\'s own boot line from both hosts, each prefixed with its host, in time order', async () => {
    const r = await cli(['logs', '--lines', '200']);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    for (const key of KEYS) {
      const boot = new RegExp(`^${key.replace(/\./g, '\\.')} \\| \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} (blue|green) hello_phoenix 0\\.1\\.0 \\(hello\\) listening on 127\\.0\\.0\\.1:400[12]$`);
      assert.ok(lines.some((l) => boot.test(l)), `${key}'s boot line in:\n${r.stdout.slice(-2000)}`);
    }
    const times = lines.map((l) => / \| (\S+ \S+) /.exec(l)![1]);
    assert.deepEqual(times, [...times].sort(), 'merged in time order');
  });

  it('logs --follow shows a line the app writes after the command started, then stops on Ctrl-C and leaves nothing running', async () => {
    const marker = `pd15-follow-${randomBytes(4).toString('hex')}`;
    const follow = spawn(process.execPath, [CLI, 'logs', '--follow', '--lines', '1', '--cwd', PROJECT], { env: { ...process.env, XDG_CACHE_HOME: CACHE } });
    let out = '';
    follow.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => follow.on('close', resolve));
    try {
      for (let i = 0; i < 300 && out.split('\n').length < 3; i++) await new Promise((r) => setTimeout(r, 100)); // both hosts' backlogs shown
      assert.ok(!out.includes(marker));
      // The app's own node writes the line to its stdout (journald), not to this rpc's.
      const wrote = await cli(['rpc', '--all', `IO.puts(:user, "${marker}")`]);
      assert.equal(wrote.code, 0, wrote.stderr);
      for (let i = 0; i < 200 && KEYS.some((k) => !out.includes(`${k} | `) || !new RegExp(`${k.replace(/\./g, '\\.')} \\| .* ${marker}`).test(out)); i++) await new Promise((r) => setTimeout(r, 100));
      for (const key of KEYS) assert.match(out, new RegExp(`${key.replace(/\./g, '\\.')} \\| \\S+ \\S+ (blue|green) ${marker}`));
      follow.kill('SIGINT');
      assert.equal(await exited, 0);
    } finally {
      follow.kill('SIGKILL');
    }
    await new Promise((r) => setTimeout(r, 1000));
    for (const h of HOSTS) assert.equal(await onHost(h, 'pgrep -u deploy journalctl || echo none'), 'none');
  });

  it('rpc returns the running version from both hosts, each under its name; a failing expression exits 1', async () => {
    const r = await cli(['rpc', '--all', 'IO.puts(HelloPhoenix.version() <> " " <> HelloPhoenix.Greeting.message())']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, KEYS.map((k) => `==> ${k} <==\n0.1.0 hello\n`).join(''));
    const failed = await cli(['rpc', '--host', KEYS[1], 'raise "boom"']);
    assert.equal(failed.code, 1);
    assert.match(failed.stdout, /^==> 127\.0\.0\.1:2482 \(failed: exit 1\) <==/);
    assert.match(failed.stderr, /RuntimeError\) boom/);
  });

  it('console: IEx on the live node in a PTY; an expression is answered, Ctrl-C reaches IEx, the cookie is never printed or on our command lines', async () => {
    const cookie = `pd15cookie${randomBytes(8).toString('hex')}`;
    const set = await runCli(CACHE, ['env', 'set', `RELEASE_COOKIE=${cookie}`, '--restart', '--yes', '--cwd', PROJECT]);
    assert.equal(set.code, 0, set.stderr);
    const term = new Terminal(['console', '--cwd', PROJECT]);
    try {
      await term.waitFor(/iex\(hello_phoenix_(blue|green)@pd15-d1\)1> /);
      const ps = await onHost(HOSTS[0], 'ps -eo args');
      const sessionLines = ps.split('\n').filter((l) => l.includes('bin/hello_phoenix') || l.startsWith('sh -c') || l.includes('sshd: deploy'));
      assert.ok(sessionLines.length > 0, ps);
      assert.deepEqual(sessionLines.filter((l) => l.includes(cookie)), [], 'not on the command line this tool sent');
      let at = term.type('Enum.sum([40, 2])\r');
      await term.waitFor(/\n42\r*\n/, at);
      at = term.type('\x03');
      await term.waitFor(/BREAK: \(a\)bort/, at);
      term.type('a\r');
      assert.equal(await term.exited, 0);
      assert.ok(!term.output.includes(cookie), 'the cookie is never printed');
    } finally {
      term.kill();
    }
    const health = await cli(['rpc', 'IO.puts(:still_running)']);
    assert.match(health.stdout, /still_running/, 'aborting the remote shell left the app running');
  });

  it('env set, then a deploy: the app sees the exact value; env list does not print it; other lines kept, mode 0600', async () => {
    // KEY without =: the value comes from stdin, never from a command line.
    const piped = execFileSync(process.execPath, [CLI, 'env', 'set', 'PD15_NOTE', '--yes', '--json', '--cwd', PROJECT],
      { input: `${TRICKY}\n`, env: { ...process.env, XDG_CACHE_HOME: CACHE }, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
    assert.deepEqual(JSON.parse(piped).hosts.map((h: { changes: unknown }) => h.changes), KEYS.map(() => [{ key: 'PD15_NOTE', action: 'add' }]));
    assert.ok(!piped.includes('quoted'), 'the value is not in --json');
    for (const h of HOSTS) {
      assert.equal(await onHost(h, `stat -c '%U %a' ${D}/shared/env`), 'deploy 600');
      assert.match(await onHost(h, `cat ${D}/shared/env`), /^# written by ops\nSECRET_KEY_BASE=keep-me\nRELEASE_COOKIE=\S+\nPD15_NOTE="it's/);
      // A shell reading the file (as migrations and the console do) sees exactly the value.
      assert.equal(await asDeploy(h, `set -a; . ${D}/shared/env; printf '%s|' "$PD15_NOTE"`), `${TRICKY}|`);
    }
    const list = await cli(['env', 'list']);
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, /^PD15_NOTE +\*{8} {2}all hosts$/m);
    assert.ok(!list.stdout.includes('quoted') && !list.stdout.includes('keep-me'));
    const b = release(rel.b);
    ids.b = b.id;
    const deployed = await runDeploy(await deployOptions(environment(HOSTS), b), () => undefined, never);
    assert.ok(deployed.ok, deployed.error);
    const seen = await cli(['rpc', '--all', 'IO.write(System.get_env("PD15_NOTE") <> "|")']);
    assert.equal(seen.stdout, KEYS.map((k) => `==> ${k} <==\n${TRICKY}|\n`).join(''), 'systemd handed the app exactly the value a shell reads');
  });

  it('env set --restart on blue/green applies now without a failed request; unset removes the key', async () => {
    const loads = HOSTS.map((h) => startLoad(h.http, SERVER_NAME, 50));
    await new Promise((r) => setTimeout(r, 500));
    const r = await cli(['env', 'set', 'PD15_NOW=applied', '--restart', '--yes']);
    await new Promise((r2) => setTimeout(r2, 500));
    const reports = await Promise.all(loads.map((l) => l.stop()));
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /\[\d+\/\d+\] Switch nginx to the new slot/);
    assert.deepEqual(reports.flatMap((x) => x.failed), []);
    assert.ok(reports.every((x) => x.total >= 50));
    assert.equal((await cli(['rpc', '--all', 'IO.puts(System.get_env("PD15_NOW"))'])).stdout, KEYS.map((k) => `==> ${k} <==\napplied\n`).join(''));
    assert.equal(await onHost(HOSTS[0], `readlink ${D}/current`), `releases/${ids.b}`, 'the same release, restarted');
    assert.equal(await onHost(HOSTS[0], `grep -c . ${D}/deploys.log`), await onHost(HOSTS[0], `grep -c '"kind"' ${D}/deploys.log`));
    const unset = await cli(['env', 'unset', 'PD15_NOW', '--yes']);
    assert.equal(unset.code, 0, unset.stderr);
    assert.equal(await onHost(HOSTS[1], `grep -c PD15_NOW ${D}/shared/env || true`), '0');
  });

  it('env push warns when the dotenv file is tracked by git', async () => {
    const repo = join(WORK, 'dotenv');
    mkdirSync(repo);
    writeFileSync(join(repo, '.env.production'), 'export PD15_PUSHED="from a file"\n');
    execFileSync('git', ['init', '-q'], { cwd: repo });
    execFileSync('git', ['add', '.env.production'], { cwd: repo });
    const r = await cli(['env', 'push', join(repo, '.env.production'), '--yes']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /\.env\.production is tracked by git, so its secrets are in the repository's history/);
    assert.equal(await asDeploy(HOSTS[0], `set -a; . ${D}/shared/env; printf %s "$PD15_PUSHED"`), 'from a file');
  });

  it('hooks from deploy.yml: a local before_deploy gets the release id; a remote after_switch runs once per host', async () => {
    const env = requireEnvironment(await requireConfig(PROJECT), 'hooked');
    const a = release(rel.a);
    const events: PlanEvent[] = [];
    const result = await runDeploy({ ...(await deployOptions(env, a)), projectDir: PROJECT }, (e) => events.push(e), never);
    assert.ok(result.ok, result.error);
    assert.deepEqual(result.warnings, [], 'mkdir would fail on a second run on the same host');
    assert.equal(readFileSync(join(PROJECT, 'hooks.log'), 'utf8'), `before_deploy ${a.id} hooked\n`);
    const steps = events.flatMap((e) => (e.type === 'step-start' ? [e.step] : []));
    assert.deepEqual(steps.slice(0, 3), ['before_deploy', 'identity', 'connect'], 'the hook runs first; blue/green checks the slot identity locally before connecting');
    assert.deepEqual(steps.slice(steps.indexOf('switch'), steps.indexOf('switch') + 2), ['switch', 'after_switch']);
    for (const [i, h] of HOSTS.entries()) {
      assert.equal(await onHost(h, `test -d ${D}/shared/after-switch-ran && echo ran`), 'ran');
      const said = events.filter((e): e is Extract<PlanEvent, { type: 'output' }> => e.type === 'output' && e.step === 'after_switch' && e.host === KEYS[i]).map((e) => e.text).join('');
      assert.equal(said, `${KEYS[i]}\n${i === 0 ? 'primary' : 'secondary'}\n${a.id}\n`);
    }
    ids.hooked = a.id;
  });

  it('a failing remote after_prepare leaves current, the slots and nginx exactly as they were', async () => {
    const env = requireEnvironment(await requireConfig(PROJECT), 'failing');
    const state = () => Promise.all(HOSTS.map((h) => onHost(h, `readlink ${D}/current ${D}/slots/blue ${D}/slots/green; cat /etc/nginx/phoenix-deploy/hello_phoenix/upstream.conf; systemctl is-active hello_phoenix@blue hello_phoenix@green || true`)));
    const before = await state();
    const b = release(rel.b);
    const result = await runDeploy({ ...(await deployOptions(env, b)), projectDir: PROJECT }, () => undefined, never);
    assert.deepEqual([result.ok, result.failedStep], [false, 'after_prepare']);
    assert.match(result.error ?? '', /the after_prepare hook `test -e no-such-asset` failed on 127\.0\.0\.1:2481 \(exit 1\).*nothing was switched and the new release is removed/);
    assert.deepEqual(await state(), before);
    for (const h of HOSTS) {
      assert.equal(await onHost(h, `readlink ${D}/current`), `releases/${ids.hooked}`);
      assert.equal(await onHost(h, `test -e ${D}/releases/${b.id} && echo left || echo removed`), 'removed');
    }
    assert.match((await get(HOSTS[0].http, SERVER_NAME)).body, /^ok 0\.1\.0 hello/);
  });
});
