/**
 * Host resolution with the real OpenSSH client (`ssh -G`): Include, Match, Host wildcards, the
 * User that only a config sets (also when it equals the local user), caching, and errors.
 *   npx tsc -p . && node out/test/support/runLayer.js integration openssh
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { resolveTargets } from '../../src/core/fleet/local';
import type { EnvironmentConfig } from '../../src/core/config/types';
import { createSshLookup } from '../../src/core/ssh/openssh';

describe('ssh -G (the real OpenSSH client)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pd12-openssh-'));
  const config = join(dir, 'ssh_config');
  const local = userInfo().username;
  writeFileSync(join(dir, 'key'), 'not read by resolution\n');
  writeFileSync(join(dir, 'extra.conf'), `IdentityFile ${dir}/key\nUserKnownHostsFile ${dir}/known_hosts\n`);
  writeFileSync(config, [
    'Host web-*',
    '  User ops',
    '  ProxyJump jump',
    `  Include ${dir}/extra.conf`, // after a Host line: belongs to that block
    'Host web-1',
    '  HostName 10.9.0.1',
    'Host same-as-local',
    `  User ${local}`,
    'Match host plain-match',
    '  Port 2299',
    'Host jump',
    '  HostName 127.0.0.1',
    '  Port 2400',
    '',
  ].join('\n'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  const env = (hosts: EnvironmentConfig['hosts'], configFile = config): EnvironmentConfig => ({
    name: 'production', deployTo: '/opt/app', hosts, restart: ['true'], keepReleases: 3, ssh: { configFile },
  });

  it('resolves a wildcard block with User, ProxyJump and an Included file, and the alias\'s HostName', async () => {
    const [t] = await resolveTargets(env([{ host: 'web-1', primary: true }]));
    assert.deepEqual(t.target, { host: '10.9.0.1', port: 22, user: 'ops' });
    assert.deepEqual([t.sources.user, t.sources.hostName, t.identityFiles, t.knownHostsFile], ['ssh config', 'ssh config', [`${dir}/key`], `${dir}/known_hosts`]);
    assert.deepEqual(t.jumps.map((j) => [j.alias, j.target.host, j.target.port, j.target.user]), [['jump', '127.0.0.1', 2400, local]]);
  });

  it('tells a configured User equal to the local user from no User at all, and Match blocks apply', async () => {
    const [same, none, match] = await resolveTargets(env([
      { host: 'same-as-local', primary: true }, { host: 'nowhere', primary: false }, { host: 'plain-match', primary: false }]));
    assert.deepEqual([same.target.user, same.sources.user], [local, 'ssh config']);
    assert.deepEqual([none.target.user, none.sources.user], ['deploy', 'default']);
    assert.deepEqual([match.target.port, match.sources.port], [2299, 'ssh config']);
  });

  it('lets deploy.yml win over the config (passed to OpenSSH as -l and -p)', async () => {
    const [t] = await resolveTargets(env([{ host: 'web-1', user: 'root', userFrom: 'environment', port: 2222, primary: true }]));
    assert.deepEqual([t.target.user, t.target.port, t.sources.user, t.key], ['root', 2222, 'deploy.yml environment', 'web-1:2222']);
  });

  it('runs ssh -G once per distinct destination in a run, and config_file none reads no config', async () => {
    const log = join(dir, 'calls');
    const counting = join(dir, 'ssh');
    writeFileSync(counting, `#!/bin/sh\necho "$*" >> ${log}\nexec ssh "$@"\n`);
    chmodSync(counting, 0o755);
    const lookup = createSshLookup({ configFile: config, sshBinary: counting });
    await resolveTargets(env([{ host: 'web-1', primary: true }, { host: 'web-2', primary: false }]), { lookup });
    const calls = readFileSync(log, 'utf8').trim().split('\n');
    // web-1 and web-2: the sentinel run, then the real one; the shared bastion once.
    assert.equal(calls.length, 5, calls.join('\n'));
    assert.equal(calls.filter((c) => c.endsWith('-- jump')).length, 1);
    const [t] = await resolveTargets(env([{ host: 'web-1', primary: true }], 'none'));
    assert.deepEqual([t.target.host, t.target.user, t.jumps.length], ['web-1', 'deploy', 0]);
  });

  it('names the host and the file when OpenSSH cannot read the config', async () => {
    await assert.rejects(resolveTargets(env([{ host: 'web-1', primary: true }], join(dir, 'missing'))),
      (e: Error) => /^ssh -G could not resolve web-1 with .*missing: .*No such file/.test(e.message));
    writeFileSync(join(dir, 'bad'), 'Host x\n  NoSuchOption yes\n');
    await assert.rejects(resolveTargets(env([{ host: 'x', primary: true }], join(dir, 'bad'))), /Bad configuration option: nosuchoption/i);
  });
});
