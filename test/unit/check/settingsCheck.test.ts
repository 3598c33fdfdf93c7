import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { checkHostSettings } from '../../../src/core/check/settingsCheck';
import { parseDeployConfig } from '../../../src/core/config/load';
import type { EnvironmentConfig } from '../../../src/core/config/types';
import type { ResolvedTarget } from '../../../src/core/ssh/target';
import { fakeConnection, fakeHost, options, type FakeHost } from '../deploy/fakes';

const RUNTIME = [
  'import Config',
  '',
  'if config_env() == :prod do',
  '  database_url =',
  '    System.get_env("DATABASE_URL") ||',
  '      raise "environment variable DATABASE_URL is missing."',
  '',
  '  secret_key_base =',
  '    System.get_env("SECRET_KEY_BASE") ||',
  '      raise "environment variable SECRET_KEY_BASE is missing."',
  'end',
  '',
].join('\n');

const DEPLOY_YML = [
  'app: app',
  'environments:',
  '  production:',
  '    user: deploy',
  '    deploy_to: /opt/app',
  '    restart: sudo sv restart app',
  '    hosts:',
  '      - web1:22',
  '      - web2:22',
  '      - web3:22',
  '',
].join('\n');

describe('checkHostSettings: each host\'s shared/env keys against runtime.exs, for the editor', () => {
  let root: string;
  before(() => {
    root = mkdtempSync(path.join(tmpdir(), 'pd-settings-check-'));
    mkdirSync(path.join(root, 'config'));
    writeFileSync(path.join(root, 'config', 'runtime.exs'), RUNTIME);
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  const loaded = parseDeployConfig(DEPLOY_YML);
  it('reads a valid deploy.yml', () => assert.deepEqual(loaded.findings, []));
  const check = (hosts: FakeHost[], unreachable: string[] = []) => checkHostSettings(root, loaded, async (env: EnvironmentConfig) => ({
    ...options(hosts), environment: env,
    deps: {
      connect: async (t: ResolvedTarget) => {
        if (unreachable.includes(t.target.host)) throw new Error(`cannot connect to ${t.key}: connection refused`);
        return fakeConnection(hosts.find((h) => h.key === t.target.host)!, t);
      },
    },
  }));

  it('the hosts that answered give their findings when one host cannot read its keys; that host is named at its hosts: entry', async () => {
    const hosts = [
      fakeHost('web1', { env: 'DATABASE_URL=ecto://u:p@db/app\n' }),
      fakeHost('web2', { env: 'DATABASE_URL=ecto://u:p@db/app\nexport SECRET_KEY_BASE=abc\n' }),
      fakeHost('web3', { envUnreadable: true }),
    ];
    const result = await check(hosts);
    assert.deepEqual(result.findings.map((f) => [f.code, f.severity, f.file, f.line, f.column, f.endColumn, f.setting]), [
      ['setting-missing', 'error', 'config/runtime.exs', 9, 5, 38, { key: 'SECRET_KEY_BASE', environment: 'production', hosts: ['web1:22'] }],
    ]);
    assert.match(result.findings[0].message, /^SECRET_KEY_BASE is not set in shared\/env on web1:22 \(production\), .*Set it: phoenix-deploy env set SECRET_KEY_BASE --generate --env production$/);
    assert.deepEqual(result.unanswered.map((f) => [f.code, f.severity, f.file, f.line, f.message]), [
      ['host-unreachable', 'warning', 'config/deploy.yml', 10,
        'The settings of host web3:22 (production) could not be read: cannot read the keys of /opt/app/shared/env on web3:22: cannot read /opt/app/shared/env'],
    ]);
    assert.deepEqual(hosts.map((h) => h.closed), [true, true, true], 'every connection closed');
  });

  it('an unreachable host is named too; a host without shared/env lacks every key', async () => {
    const hosts = [fakeHost('web1'), fakeHost('web2', { env: 'SECRET_KEY_BASE=abc\nDATABASE_URL=x\n' }), fakeHost('web3')];
    const result = await check(hosts, ['web1']);
    assert.deepEqual(result.findings.map((f) => [f.setting.key, f.setting.hosts]), [['DATABASE_URL', ['web3:22']], ['SECRET_KEY_BASE', ['web3:22']]]);
    assert.deepEqual(result.unanswered.map((f) => [f.line, f.message]), [[8, 'The settings of host web1:22 (production) could not be read: cannot connect to web1:22: connection refused']]);
  });

  it('an environment whose hosts cannot be resolved is one warning at its hosts: key', async () => {
    const result = await checkHostSettings(root, loaded, async () => {
      throw new Error('ssh -G web1:22: bad ProxyJump');
    });
    assert.deepEqual(result.findings, []);
    assert.deepEqual(result.unanswered.map((f) => [f.line, f.message]), [[8, 'The hosts of production could not be resolved for the settings check: ssh -G web1:22: bad ProxyJump']]);
  });
});
