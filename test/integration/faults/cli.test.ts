/**
 * Issue 7 through the real CLI (dist/cli.js) and a real host: fault 4 (the local process is
 * SIGKILLed mid-deploy), deploy.yml values that try to break out of the shell (run for real, then
 * the host and this machine are searched for marker files), and a host whose releases/,
 * deploys.log and `current` hold things the tool did not write.
 *   npx tsc -p . && node scripts/bundle.mjs && node out/test/support/runLayer.js integration faults/cli
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { mapLimit } from '../../../src/core/ssh/parallel';
import { removeProject, runCli } from '../../support/cli';
import { copyExample } from '../../support/workspace';
import { container, current, D, health, KEY, KNOWN, lockState, onHost, prepareHost, startHost, WORK } from './support';

const C1 = { name: 'pd7-c1', port: 2275, key: '127.0.0.1:2275' };
const MARK = `pd7-pwned-${process.pid}`;

/** The bundled CLI with this suite's release store. */
export const cli = (args: string[], onStderr?: (text: string, kill: () => void) => void, limitMs?: number) =>
  runCli(join(WORK, 'xdg'), args, onStderr, limitMs);

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=faults@example.invalid', ...args], { cwd, stdio: 'pipe' });

/** deploy.yml for the example app on C1, with this suite's known_hosts; `extra` lines go into the environment. */
export function deployYml(extra: Record<string, string> = {}): string {
  const env: Record<string, string> = {
    user: 'deploy', deploy_to: D, os: 'debian-12', hosts: `\n      - { host: 127.0.0.1, port: ${C1.port} }`,
    migrate: 'bin/migrate', restart: 'sudo sv restart hello_phoenix',
    health: '{ url: "http://127.0.0.1:4000/health", expect: 200, timeout: 30 }', keep_releases: '3',
    ssh: `{ identity_file: ${KEY}, known_hosts: ${KNOWN} }`, ...extra,
  };
  return `app: hello_phoenix\nrepo: origin\nbranch: main\nbuild:\n  dockerfile: Dockerfile\n  target: builder\nenvironments:\n  production:\n${
    Object.entries(env).map(([k, v]) => `    ${k}: ${v}`).join('\n')}\n`;
}

/** Every marker file on the host and on this machine. */
function markers(): string {
  const local = readdirSync('/tmp').filter((n) => n.startsWith('pd7-pwned'));
  const remote = execFileSync('docker', ['exec', container(C1.name), 'sh', '-c', "find / -xdev -name 'pd7-pwned*' 2>/dev/null; true"], { encoding: 'utf8' }).trim();
  return [...local.map((n) => `local /tmp/${n}`), ...remote.split('\n').filter(Boolean).map((p) => `host ${p}`)].join(', ');
}

describe('faults through the CLI: SIGKILL, hostile deploy.yml, odd remote state', function () {
  this.timeout(300000);
  let dir = '';
  const yml = (text: string) => writeFileSync(join(dir, 'config', 'deploy.yml'), text);
  const push = (greeting: string) => {
    const file = join(dir, 'lib', 'hello_phoenix', 'greeting.ex');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/"[a-z]+"/, JSON.stringify(greeting)));
    git(dir, 'commit', '-qam', `Say ${greeting}`);
    git(dir, 'push', '-q', 'origin', 'main');
  };
  const run = (...args: string[]) => cli([...args, '--cwd', dir]);

  before(async () => {
    await startHost(C1.name, C1.port);
    await prepareHost(C1.name);
    dir = await copyExample('pd7-cli-');
    const central = join(WORK, 'central.git');
    execFileSync('git', ['init', '-q', '--bare', '-b', 'main', central]);
    yml(deployYml());
    git(dir, 'init', '-q', '-b', 'main');
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', 'Example app');
    git(dir, 'remote', 'add', 'origin', central);
    git(dir, 'push', '-q', 'origin', 'main');
    const first = await run('deploy', '--yes');
    assert.equal(first.code, 0, first.stderr);
    assert.equal(await health(C1.name), 'ok 0.1.0 hello');
  });

  after(() => {
    if (dir) removeProject(dir);
  });

  it('deploy --dry-run names the release the deploy will ship: the stored build it reuses, id and all', async () => {
    const deployed = (await current(C1.name)).replace(/^releases\//, '');
    const dry = await run('deploy', '--dry-run');
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, new RegExp(`^Release: ${deployed} \\(the stored build of [0-9a-f]{7}, reused\\)$`, 'm'));
    assert.match(dry.stdout, new RegExp(`^Deploy ${deployed} to production`, 'm'));
    push('hej');
    const fresh = await run('deploy', '--dry-run');
    assert.match(fresh.stdout, /^Release: a new build of [0-9a-f]{7}; its id is <build time>-0\.1\.0-[0-9a-f]{7}, stamped when the build finishes/m);
  });

  it('4. SIGKILL mid-deploy: the stale lock names its holder (pid, host, time) and says it is stale; unlock clears it; the next deploy succeeds', async () => {
    const before = await current(C1.name);
    push('bonjour');
    let killed = false;
    const tunnels = readdirSync('/tmp').filter((n) => n.startsWith('pd-rsh-'));
    const killedRun = await cli(['deploy', '--yes', '--cwd', dir], (text, kill) => {
      if (!killed && /\[5\/11\] Check native libraries/.test(text)) { // after upload and prepare, before any switch
        killed = true;
        kill();
      }
    });
    assert.equal(killedRun.signal, 'SIGKILL', killedRun.stderr);
    // A SIGKILLed process cannot remove its rsync tunnel's temp dir; do it for it.
    for (const n of readdirSync('/tmp').filter((x) => x.startsWith('pd-rsh-') && !tunnels.includes(x))) rmSync(join('/tmp', n), { recursive: true, force: true });
    const holder = JSON.parse(await onHost(C1.name, `readlink ${D}/deploy.lock`)) as { pid: number; host: string; when: string; release: string };
    assert.equal(holder.host, hostname());
    assert.equal(await current(C1.name), before);
    assert.equal(await health(C1.name), 'ok 0.1.0 hello');
    assert.equal(await onHost(C1.name, `test -d ${D}/releases/${holder.release} && echo left || echo none`), 'left', 'killed after prepare');

    const listed = await run('releases');
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, new RegExp(`LOCKED by \\S+ on ${hostname()} pid ${holder.pid} since ${holder.when} deploy ${holder.release}`));
    assert.match(listed.stdout, new RegExp(`lock is stale: it was taken on this machine \\(${hostname()}\\) by pid ${holder.pid}, which is no longer running; clear it with \`phoenix-deploy unlock\``));
    const json = JSON.parse((await run('releases', '--json')).stdout) as { hosts: Array<{ locked: boolean; lockStale?: string; lock?: { pid: number } }> };
    assert.deepEqual([json.hosts[0].locked, json.hosts[0].lock?.pid, /stale/.test(json.hosts[0].lockStale ?? '')], [true, holder.pid, true]);

    const refused = await run('deploy', '--yes');
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, new RegExp(`127\\.0\\.0\\.1:${C1.port} is locked by \\S+ on ${hostname()} pid ${holder.pid} since ${holder.when} deploy ${holder.release}; stale: .* no longer running\\. Clear it with \`phoenix-deploy unlock\``));
    assert.equal(await onHost(C1.name, `readlink ${D}/deploy.lock`), JSON.stringify(holder), 'the refused deploy did not touch the lock');

    const unlocked = await run('unlock', '--yes');
    assert.equal(unlocked.code, 0, unlocked.stderr);
    assert.match(unlocked.stderr, new RegExp(`127\\.0\\.0\\.1:${C1.port}: unlocked \\(held by \\S+ on ${hostname()} pid ${holder.pid} since ${holder.when} deploy ${holder.release}; stale: `));
    assert.equal(await lockState(C1.name), 'free');

    const next = await run('deploy', '--yes');
    assert.equal(next.code, 0, next.stderr);
    assert.match(next.stderr, /was left over by an interrupted deploy; preparing it afresh/);
    assert.equal(await current(C1.name), `releases/${holder.release}`);
    assert.equal(await health(C1.name), 'ok 0.1.0 bonjour');
    // And the same build once more: already current, a no-op that still succeeds.
    const same = await run('deploy', '--yes');
    assert.equal(same.code, 0, same.stderr);
    assert.match(same.stderr, /is already current here; keeping it/);
  });

  it('deploy.yml values with shell syntax where the schema allows them run quoted: no marker file appears', async () => {
    const migrate = `bin/migrate '$(touch /tmp/${MARK}-m1)' '; touch /tmp/${MARK}-m2' '\`touch /tmp/${MARK}-m3\`' "it's" 'say "hi"' 'ünïcødé ✓ ${'x'.repeat(300)}' --help -rf`;
    const restart = `env 'PD7=$(touch /tmp/${MARK}-r1); \`touch /tmp/${MARK}-r2\` && touch ~/${MARK}-r3 | rm -rf ~' sudo sv restart hello_phoenix`;
    const url = `http://127.0.0.1:4000/health#$(touch\${IFS}/tmp/${MARK}-h)'"\`id\``;
    yml(deployYml({ migrate: JSON.stringify(migrate), restart: JSON.stringify(restart), health: `{ url: ${JSON.stringify(url)}, expect: 200, timeout: 30 }` }));
    const check = await run('check', '--json');
    assert.deepEqual(JSON.parse(check.stdout).diagnostics.filter((d: { file: string }) => d.file === 'config/deploy.yml'), []);
    const dry = await run('deploy', '--dry-run');
    assert.equal(dry.code, 0, dry.stderr);
    assert.ok(dry.stdout.includes(`bin/migrate '$(touch /tmp/${MARK}-m1)' '; touch /tmp/${MARK}-m2' '\`touch /tmp/${MARK}-m3\`' 'it'\\''s' 'say "hi"' 'ünïcødé ✓ `), dry.stdout);
    assert.ok(dry.stdout.includes(`timeout -k 5 120 env 'PD7=$(touch /tmp/${MARK}-r1); \`touch /tmp/${MARK}-r2\` && touch ~/${MARK}-r3 | rm -rf ~' sudo sv restart hello_phoenix`), dry.stdout);
    push('hola');
    const deployed = await run('deploy', '--yes');
    assert.equal(deployed.code, 0, deployed.stderr);
    assert.equal(await health(C1.name), 'ok 0.1.0 hola');
    assert.equal((await run('releases')).code, 0);
    assert.equal(await onHost(C1.name, 'test -d /home/deploy/.ssh && echo home-intact'), 'home-intact');
    assert.equal(markers(), '');
    yml(deployYml());
  });

  it('deploy.yml values that could break out are refused by the schema, before any host is contacted', async () => {
    const hostile: Array<[string, string]> = [
      ['deploy_to', JSON.stringify(`/opt/app; touch /tmp/${MARK}-1`)],
      ['deploy_to', JSON.stringify(`/opt/$(touch /tmp/${MARK}-2)`)],
      ['deploy_to', '/opt/../../etc'],
      ['deploy_to', JSON.stringify(`/opt/\`touch /tmp/${MARK}-3\``)],
      ['deploy_to', JSON.stringify('/opt/ünïcødé')],
      ['deploy_to', JSON.stringify(`/opt/${'a'.repeat(300)}`)],
      ['user', JSON.stringify(`deploy; touch /tmp/${MARK}-4`)],
      ['user', JSON.stringify('-oProxyCommand=touch /tmp/x')],
      ['user', JSON.stringify("de'ploy")],
      ['hosts', JSON.stringify([`127.0.0.1; touch /tmp/${MARK}-5`])],
      ['hosts', JSON.stringify([`-oProxyCommand=touch /tmp/${MARK}-6`])],
      ['hosts', JSON.stringify(['127.0.0.1\nevil'])],
      ['migrate', JSON.stringify(`bin/migrate; touch /tmp/${MARK}-7`)],
      ['migrate', JSON.stringify(`bin/migrate $(touch /tmp/${MARK}-8)`)],
      ['migrate', JSON.stringify(`bin/migrate \`touch /tmp/${MARK}-9\``)],
      ['migrate', JSON.stringify(`bin/migrate\ntouch /tmp/${MARK}-10`)],
      ['migrate', JSON.stringify('-rf /')],
      ['restart', JSON.stringify(`sudo sv restart hello_phoenix && touch /tmp/${MARK}-11`)],
      ['restart', JSON.stringify(`sudo sv restart "hello_phoenix$(touch /tmp/${MARK}-12)"`)],
      ['restart', JSON.stringify('sudo sv restart hello_phoenix > /etc/passwd')],
      ['restart', JSON.stringify('sudo sv restart ~/x')],
      ['restart', JSON.stringify("sudo sv restart 'unterminated")],
      ['os', JSON.stringify('debian-12; id')],
      ['health', `{ url: ${JSON.stringify(`http://127.0.0.1:4000/health $(touch /tmp/${MARK}-13)`)} }`],
      ['health', '{ url: "http://[::1" }'],
      ['health', '{ url: "file:///etc/passwd" }'],
      ['keep_releases', JSON.stringify('5; rm -rf ~')],
      ['ssh', '{ identity_file: "/tmp/a\\nb" }'],
    ];
    const settled = await mapLimit(hostile, 4, async ([key, value], i) => {
      const sub = join(WORK, `hostile-${i}`);
      mkdirSync(join(sub, 'config'), { recursive: true });
      const text = deployYml({ [key]: value });
      writeFileSync(join(sub, 'config', 'deploy.yml'), text);
      const line = text.split('\n').findIndex((l) => l.startsWith(`    ${key}:`)) + 1;
      return { key, value, line, check: await cli(['check', '--json', '--cwd', sub]), deploy: await cli(['deploy', '--yes', '--cwd', sub]) };
    });
    for (const s of settled) {
      if (!s.ok) throw s.error;
      const r = s.value;
      const what = `${r.key}: ${r.value}`;
      assert.equal(r.check.code, 1, what);
      const errors = (JSON.parse(r.check.stdout) as { diagnostics: Array<{ file: string; line: number; code: string; severity: string; message: string }> })
        .diagnostics.filter((d) => d.severity === 'error');
      assert.ok(errors.length >= 1 && errors.every((d) => d.code === 'config-invalid' && d.file === 'config/deploy.yml'), `${what}: ${JSON.stringify(errors)}`);
      assert.ok(errors.some((d) => d.line === r.line), `${what}: reported at line ${errors.map((d) => d.line)}, the value is on ${r.line}`);
      assert.equal(r.deploy.code, 2, `${what}: ${r.deploy.stderr}`);
      assert.match(r.deploy.stderr, /^phoenix-deploy deploy: config\/deploy\.yml:\d+:\d+: /, what);
      assert.doesNotMatch(r.deploy.stderr, /\n\s+at .*:\d+:\d+/, `${what}: a stack trace`);
    }
    assert.equal(markers(), '');
  });

  it('broken deploy.yml through check --json and deploy: a diagnostic at a line, exit 1 / 2, never a stack trace', async () => {
    const valid = deployYml();
    const broken: Array<[string, string | undefined, string[]]> = [
      ['malformed YAML', 'environments: [\n', []],
      ['unterminated quote', valid.replace('deploy_to: /opt/hello_phoenix', 'deploy_to: "/opt/hello_phoenix'), []],
      ['wrong types everywhere', 'app: 1\nrepo: []\nbranch: {}\nbuild: x\nenvironments:\n  production:\n    user: 1\n    deploy_to: []\n    hosts: x\n    restart: {}\n    keep_releases: x\n', []],
      ['duplicate keys', valid.replace('    user: deploy\n', '    user: deploy\n    user: root\n'), []],
      ['empty file', '', []],
      ['binary junk', '\u0000\u0001\u00ff\u0007', []],
      ['a 5 MB file', `${'# padding padding padding\n'.repeat(200000)}${valid.replace('keep_releases: 3', 'keep_releases: x')}`, []],
      ['a missing environment', valid, ['--env', 'staging']],
      ['config/deploy.yml is a FIFO', undefined, []],
    ];
    const timings: string[] = [];
    for (const [what, text, extra] of broken) {
      const sub = join(WORK, `broken-${timings.length}`);
      mkdirSync(join(sub, 'config'), { recursive: true });
      if (text === undefined) execFileSync('mkfifo', [join(sub, 'config', 'deploy.yml')]);
      else writeFileSync(join(sub, 'config', 'deploy.yml'), text);
      const started = Date.now();
      const check = await cli(['check', '--json', '--cwd', sub, ...extra]);
      timings.push(`${what} ${Date.now() - started} ms`);
      const deploy = await cli(['deploy', '--yes', '--cwd', sub, ...extra]);
      for (const r of [check, deploy]) assert.doesNotMatch(r.stderr + r.stdout, /\n\s+at .*:\d+:\d+/, `${what}: a stack trace`);
      assert.equal(deploy.code, 2, `${what}: ${deploy.stderr}`);
      if (what === 'a missing environment') {
        assert.equal(check.code, 0, check.stderr); // the file is fine; only the deploy needs the environment
        assert.match(deploy.stderr, /^phoenix-deploy deploy: config\/deploy\.yml has no environment "staging" \(known: production\)\n$/);
        continue;
      }
      assert.equal(check.code, 1, `${what}: ${check.stderr}`);
      const diagnostics = (JSON.parse(check.stdout) as { diagnostics: Array<{ file: string; line: number; code: string }> }).diagnostics;
      assert.ok(diagnostics.some((d) => d.file === 'config/deploy.yml' && d.code === 'config-invalid' && d.line >= 1), `${what}: ${check.stdout}`);
      assert.match(deploy.stderr, /^phoenix-deploy deploy: config\/deploy\.yml:\d+:\d+: \S/, what);
    }
    console.log(`      check --json times (process start included): ${timings.join('; ')}`);
  });

  it('odd remote state: garbage in deploys.log, odd release dirs, a dangling current; releases shows what it could not read', async () => {
    const real = await current(C1.name);
    const odd = ['-rf', `$(touch ${MARK}-dir)`, 'name with spaces', 'ünïcødé', 'new\nline', '20260101T000000Z-0.1.0-abcdef0'];
    for (const name of odd) execFileSync('docker', ['exec', '-u', 'deploy', container(C1.name), 'mkdir', '--', `${D}/releases/${name}`]);
    await onHost(C1.name, `cd ${D} && touch releases/a-file && printf 'garbage\\n{"torn": \\n\\001\\377binary\\n%s\\n' "$(head -c 100000 /dev/zero | tr '\\0' x)" >> deploys.log && ln -sfn releases/20990101T000000Z-9.9.9-fffffff current.tmp && mv -T current.tmp current`);
    try {
      const human = await run('releases');
      assert.equal(human.code, 0, human.stderr);
      assert.match(human.stdout, /current → 20990101T000000Z-9\.9\.9-fffffff \(missing!\)/);
      assert.match(human.stdout, /\? releases\/ holds 5 directories that are not release ids \(left untouched\): /);
      assert.match(human.stdout, /\? deploys\.log has 4 line\(s\) that are not deploy records \(skipped\)/);
      assert.match(human.stdout, /20260101T000000Z-0\.1\.0-abcdef0 {2}0\.1\.0 abcdef0 erts \?/);
      const json = JSON.parse((await run('releases', '--json')).stdout) as { hosts: Array<{ ok: boolean; dangling: boolean; releases: Array<{ id: string; valid: boolean }> }> };
      assert.equal(json.hosts[0].ok, true);
      assert.equal(json.hosts[0].dangling, true);
      // Names are shown with every byte outside [A-Za-z0-9._+:/@-] as `?`, so no name can forge a line.
      const shown = (name: string) => Buffer.from(name).toString('latin1').replace(/[^A-Za-z0-9._+:/@-]/g, '?');
      assert.deepEqual(json.hosts[0].releases.filter((r) => !r.valid).map((r) => r.id).sort(), odd.slice(0, 5).map(shown).sort());
    } finally {
      await onHost(C1.name, `cd ${D} && ln -sfn ${real} current.tmp && mv -T current.tmp current`);
    }
    // A deploy on top of it all works, and leaves what it did not create alone.
    push('hallo');
    const deployed = await run('deploy', '--yes');
    assert.equal(deployed.code, 0, deployed.stderr);
    assert.equal(await health(C1.name), 'ok 0.1.0 hallo');
    for (const name of odd.slice(0, 5)) assert.ok(execFileSync('docker', ['exec', container(C1.name), 'ls', '-d', '--', `${D}/releases/${name}`]).length > 0, name);
    assert.equal(markers(), '');
    assert.ok(!existsSync(join(dir, MARK)));
  });
});
