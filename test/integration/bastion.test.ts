/**
 * Hosts reachable only through bastions, through the real CLI (dist/cli.js), real `ssh -G` and a
 * test ssh_config (an Included file, a Host wildcard block carrying User and ProxyJump, per-alias
 * HostName). Topology (scripts/testbed/hosts.sh; this machine talks only to 127.0.0.1:2400):
 *
 *   127.0.0.1:2400 ─ pd12-bastion ─┬─ pd12-app1, pd12-app2          (network pd12-net-a, --internal)
 *                                  └─ pd12-bastion2 ─ pd12-deep1    (network pd12-net-b, --internal)
 *
 * On the app hosts the key logs in only as `ops` (a second name for the deploy account), which only
 * the ssh config's User names: a tool that ignored it would log in as `deploy` and be refused.
 *   npx tsc -p . && node scripts/bundle.mjs && node out/test/support/runLayer.js integration bastion
 */
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseDeployConfig } from '../../src/core/config/load';
import { resolveTargets } from '../../src/core/fleet/local';
import { opensshArgs } from '../../src/core/ssh/opensshCommand';
import { removeProject, runCli } from '../support/cli';
import { REPO_ROOT, SANDBOX_KEY } from '../support/paths';
import { copyExample } from '../support/workspace';

const run = promisify(execFile);
const HOSTS_SH = join(REPO_ROOT, 'scripts', 'testbed', 'hosts.sh');
const BASTION_PORT = 2400;
const NETS = ['pd12-net-a', 'pd12-net-b'];
const APPS = ['pd12-app1', 'pd12-app2', 'pd12-deep1'];
const D = '/opt/hello_phoenix';
const env = { ...process.env, HOST_CONTAINER_PREFIX: '' }; // containers are named pd12-…
const hosts = (...args: string[]) => run('bash', [HOSTS_SH, ...args], { env });
const onHost = async (name: string, script: string) => (await run('docker', ['exec', name, 'sh', '-c', script])).stdout.trim();

/** A second login name for the deploy account (same uid, so files and sudo stay the same); only it accepts the key. */
const OPS_ONLY = [
  'useradd -o -u "$(id -u deploy)" -g deploy -M -d /home/ops -s /bin/bash ops',
  'install -d -m 755 -o deploy -g deploy /home/ops && install -d -m 700 -o deploy -g deploy /home/ops/.ssh',
  'mv /home/deploy/.ssh/authorized_keys /home/ops/.ssh/authorized_keys',
  `echo 'ops ALL=(root) NOPASSWD: /usr/bin/sv restart *, /usr/bin/sv stop *, /usr/bin/sv start *' > /etc/sudoers.d/ops && chmod 440 /etc/sudoers.d/ops`,
  `mkdir -p ${D}/shared && printf 'MIGRATIONS_LOG=${D}/shared/migrations.log\\n' > ${D}/shared/env && chown -R deploy:deploy ${D}/shared`,
  'sv stop hello_phoenix >/dev/null || true',
].join(' && ');

describe('hosts behind bastions (ProxyJump), through the CLI and the real ssh -G', function () {
  this.timeout(600000);
  const dir = mkdtempSync(join(tmpdir(), 'pd12-bastion-'));
  const sshConfig = join(dir, 'ssh_config');
  const knownHosts = join(dir, 'known_hosts');
  let project = '';
  const cli = (...args: string[]) => runCli(join(dir, 'xdg'), [...args, '--cwd', project]);
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=bastion@example.invalid', ...args], { cwd: project, stdio: 'pipe' });
  const current = (name: string) => onHost(name, `readlink ${D}/current || echo none`);
  const health = (name: string) => onHost(name, 'curl -s -m 5 http://127.0.0.1:4000/health || echo down');
  const logLines = (name: string) => onHost(name, `wc -l < ${D}/deploys.log 2>/dev/null || echo 0`);
  /** known_hosts: the bastion plain under [127.0.0.1]:2400, the hosts behind it hashed, under the HostName OpenSSH checks. */
  const writeKnownHosts = async () => {
    const bastion = await hosts('host-key', 'pd12-bastion');
    const behind = await Promise.all(['pd12-bastion2', ...APPS].map(async (n) => `${n} ${(await hosts('host-key', n)).stdout.trim()}`));
    const hashed = join(dir, 'behind');
    writeFileSync(hashed, `${behind.join('\n')}\n`);
    execFileSync('ssh-keygen', ['-q', '-H', '-f', hashed], { stdio: 'ignore' });
    writeFileSync(knownHosts, `[127.0.0.1]:${BASTION_PORT} ${bastion.stdout.trim()}\n${readFileSync(hashed, 'utf8')}`);
  };

  before(async () => {
    for (const net of NETS) await hosts('network', net);
    await hosts('start', 'pd12-bastion', String(BASTION_PORT), 'bookworm');
    await hosts('attach', 'pd12-bastion', 'pd12-net-a');
    await hosts('start-internal', 'pd12-bastion2', 'pd12-net-a');
    await hosts('attach', 'pd12-bastion2', 'pd12-net-b');
    await Promise.all([hosts('start-internal', 'pd12-app1', 'pd12-net-a'), hosts('start-internal', 'pd12-app2', 'pd12-net-a'),
      hosts('start-internal', 'pd12-deep1', 'pd12-net-b')]);
    await writeKnownHosts(); // waits for every sshd, so the accounts can be changed next
    await Promise.all(APPS.map((n) => onHost(n, OPS_ONLY)));

    writeFileSync(join(dir, 'bastions.conf'), `Host bastion\n  HostName 127.0.0.1\n  Port ${BASTION_PORT}\n  User deploy\nHost bastion2\n  HostName pd12-bastion2\n  User deploy\n`);
    writeFileSync(sshConfig, [
      `Include ${dir}/bastions.conf`,
      'Host deep-1',
      '  HostName pd12-deep1',
      '  ProxyJump bastion,bastion2',
      'Host pc-1',
      '  HostName pd12-app1',
      '  ProxyCommand nc %h %p',
      'Host app-* deep-* pc-*',
      '  User ops',
      '  ProxyJump bastion',
      'Host app-1',
      '  HostName pd12-app1',
      'Host app-2',
      '  HostName pd12-app2',
      'Host *',
      `  IdentityFile ${SANDBOX_KEY}`,
      `  UserKnownHostsFile ${knownHosts}`,
      '',
    ].join('\n'));

    project = await copyExample('pd12-project-');
    const common = (hostLines: string, extra = '') => `    deploy_to: ${D}\n    os: debian-12\n    hosts:\n${hostLines}\n${extra}` +
      '    migrate: bin/migrate\n    restart: sudo sv restart hello_phoenix\n' +
      '    health: { url: "http://127.0.0.1:4000/health", expect: 200, timeout: 60 }\n' +
      `    keep_releases: 3\n    ssh: { config_file: ${sshConfig} }\n`;
    writeFileSync(join(project, 'config', 'deploy.yml'), 'app: hello_phoenix\nrepo: origin\nbranch: main\nbuild:\n  dockerfile: Dockerfile\n  target: builder\nenvironments:\n' +
      `  production:\n${common('      - { host: app-1, primary: true }\n      - app-2')}` +
      `  deep:\n${common('      - deep-1')}` +
      `  written_user:\n${common('      - app-1', '    user: deploy\n')}` +
      `  proxy_command:\n${common('      - pc-1')}`);
    const central = join(dir, 'central.git');
    execFileSync('git', ['init', '-q', '--bare', '-b', 'main', central]);
    git('init', '-q', '-b', 'main');
    git('add', '-A');
    git('commit', '-qm', 'Example app');
    git('remote', 'add', 'origin', central);
    git('push', '-q', 'origin', 'main');
  });

  after(async () => {
    if (project) removeProject(project);
    await hosts('stop', 'pd12-bastion', 'pd12-bastion2', ...APPS).catch(() => undefined);
    await hosts('rm-network', ...NETS).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it('--dry-run prints, per alias, the resolved user, host name, port and jump chain, and where each came from', async () => {
    const r = await cli('deploy', '--dry-run');
    assert.equal(r.code, 0, r.stderr);
    const app1 = r.stdout.split('\n').filter((l) => l.startsWith('   app-1: '));
    assert.match(app1[0], /^   app-1: ssh ops@pd12-app1 -p 22 \(known_hosts .*known_hosts as pd12-app1; ssh-agent, then .*id_ed25519\) via bastion$/);
    assert.match(app1[1], /user ops \(ssh config\), host name pd12-app1 \(ssh config\), port 22 \(default\), .*jump chain bastion \(ssh config ProxyJump\)/);
    assert.match(app1[2], /jump 1: bastion = deploy@127\.0\.0\.1 -p 2400 \(known_hosts .* as \[127\.0\.0\.1\]:2400;/);
    assert.match(r.stdout, /   app-2: ssh ops@pd12-app2 -p 22 .* via bastion/);
    const deep = await cli('deploy', '--dry-run', '--env', 'deep');
    assert.match(deep.stdout, /   deep-1: ssh ops@pd12-deep1 -p 22 .* via bastion, bastion2/);
    assert.match(deep.stdout, /jump chain bastion → bastion2/);
    assert.match(deep.stdout, /jump 2: bastion2 = deploy@pd12-bastion2 -p 22 \(known_hosts .* as pd12-bastion2;/);
  });

  it('deploys through the bastion, as the ssh config\'s User; releases lists both hosts', async () => {
    const r = await cli('deploy', '--yes');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /connected via bastion, host key SHA256:/);
    for (const name of ['pd12-app1', 'pd12-app2']) {
      assert.match(await current(name), /^releases\/\d{8}T\d{6}Z-0\.1\.0-[0-9a-f]{7}$/);
      assert.equal(await health(name), 'ok 0.1.0 hello');
      assert.match(await onHost(name, `tail -n 1 ${D}/deploys.log`), /"outcome":"success"/);
    }
    const listed = await cli('releases', '--json');
    assert.equal(listed.code, 0, listed.stderr);
    const body = JSON.parse(listed.stdout) as { hosts: Array<{ host: string; ok: boolean; current?: string }> };
    assert.deepEqual(body.hosts.map((h) => [h.host, h.ok, h.current !== undefined]), [['app-1', true, true], ['app-2', true, true]]);
  });

  it('the User matters: deploy.yml\'s written user wins, and deploy is refused on these hosts', async () => {
    const r = await cli('releases', '--env', 'written_user');
    assert.equal(r.code, 1);
    assert.match(r.stdout, /app-1.*unreachable: deploy@pd12-app1:22 \(app-1 via bastion\) refused authentication/);
  });

  it('redeploys and rolls back through the bastion (one chain per host: rsync and health go through it)', async () => {
    const first = await current('pd12-app1');
    const file = join(project, 'lib', 'hello_phoenix', 'greeting.ex');
    writeFileSync(file, readFileSync(file, 'utf8').replace('"hello"', '"bonjour"'));
    git('commit', '-qam', 'Say bonjour');
    git('push', '-q', 'origin', 'main');
    const r = await cli('deploy', '--yes', '--json');
    assert.equal(r.code, 0, r.stderr);
    const result = JSON.parse(r.stdout) as { hosts: Array<{ host: string; bytesSent: number }> };
    assert.ok(result.hosts.every((h) => h.bytesSent > 0), r.stdout);
    assert.equal(await health('pd12-app2'), 'ok 0.1.0 bonjour');
    const back = await cli('rollback', '--yes');
    assert.equal(back.code, 0, back.stderr);
    assert.equal(await current('pd12-app1'), first);
    assert.equal(await current('pd12-app2'), first);
    assert.equal(await health('pd12-app1'), 'ok 0.1.0 hello');
  });

  it('check --probe reads each host through the bastion', async () => {
    const r = await cli('check', '--probe', '--json');
    const codes = (JSON.parse(r.stdout) as { diagnostics: Array<{ code: string }> }).diagnostics.map((d) => d.code);
    assert.ok(!codes.includes('host-unreachable') && !codes.includes('host-os-mismatch'), r.stdout);
    assert.match(r.stderr, /probe: app-1: Debian GNU\/Linux 12 \(bookworm\)/);
    assert.match(r.stderr, /probe: app-2: Debian GNU\/Linux 12 \(bookworm\)/);
  });

  it('deploys through a chain of two bastions', async () => {
    const r = await cli('deploy', '--yes', '--env', 'deep');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /connected via bastion, bastion2/);
    assert.equal(await health('pd12-deep1'), 'ok 0.1.0 bonjour');
  });

  it('the editor\'s SSH terminal command line (OpenSSH, -J the same bastions) reaches the same hosts', async () => {
    const config = parseDeployConfig(readFileSync(join(project, 'config', 'deploy.yml'), 'utf8')).config!;
    for (const [envName, expected] of [['production', ['pd12-app1', 'pd12-app2']], ['deep', ['pd12-deep1']]] as const) {
      const targets = await resolveTargets(config.environments[envName]);
      for (const [i, t] of targets.entries()) {
        const args = opensshArgs(t, t.jumps, t.configFile, ['-o', 'StrictHostKeyChecking=yes', '-o', 'BatchMode=yes']);
        assert.equal((await run('ssh', [...args, 'hostname'])).stdout.trim(), expected[i]);
      }
    }
  });

  it('refuses a ProxyCommand clearly instead of ignoring it', async () => {
    const r = await cli('releases', '--env', 'proxy_command');
    assert.equal(r.code, 1);
    assert.match(r.stdout, /pc-1.*the ssh config sets ProxyCommand "nc %h %p", which phoenix-deploy does not run/);
  });

  it('names the bastion whose host key changed', async () => {
    const good = readFileSync(knownHosts, 'utf8');
    const other = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKv31+kQKgLOS2i7lcnneA+8/PC+Ncyxvd+3KS+vBmG6';
    writeFileSync(knownHosts, good.replace(/^\[127\.0\.0\.1\]:2400 .*$/m, `[127.0.0.1]:${BASTION_PORT} ${other}`));
    try {
      const r = await cli('releases');
      assert.equal(r.code, 1);
      assert.match(r.stdout, /app-1.*unreachable: bastion bastion \(127\.0\.0\.1:2400\) on the way to app-1: HOST KEY CHANGED for 127\.0\.0\.1:2400/);
    } finally {
      writeFileSync(knownHosts, good);
    }
  });

  it('refuses a changed host key behind the bastion before anything runs, naming the alias', async () => {
    const before = await Promise.all(['pd12-app1', 'pd12-app2'].map(async (n) => [await current(n), await logLines(n)]));
    await onHost('pd12-app2', 'rm -f /etc/ssh/ssh_host_* && ssh-keygen -q -A && sv restart ssh >/dev/null');
    const r = await cli('deploy', '--yes');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /HOST KEY CHANGED for pd12-app2:22 \(app-2 via bastion\)/);
    assert.match(r.stderr, /failed at connect|\[connect\]|Connect over SSH/);
    const after = await Promise.all(['pd12-app1', 'pd12-app2'].map(async (n) => [await current(n), await logLines(n)]));
    assert.deepEqual(after, before, 'no host switched, and nothing was recorded');
    for (const n of ['pd12-app1', 'pd12-app2']) assert.equal(await onHost(n, `test -e ${D}/deploy.lock && echo locked || echo free`), 'free');
  });
});
