import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { missingSettingsMessage } from '../../../src/core/deploy/steps/settings';
import { envKeysCommand, parseEnvKeys } from '../../../src/core/settings/remote';
import { GEN_RELEASE_RUNTIME } from '../../support/phxGenRelease';
import { envCallAt, fixCommand, requiredSettings } from '../../../src/core/settings/required';
import { settingsFindings } from '../../../src/core/check/settingsProbe';

/** phx.new's runtime.exs (examples/shop's, through test/support/phxGenRelease.ts), plus the other shapes a project's config takes. */
const PHX_RUNTIME = `${GEN_RELEASE_RUNTIME}
# System.get_env("NOT_REQUIRED") || raise "x" in a comment is not code.
if config_env() == :prod do
  config :shop, :mailer_key, System.fetch_env!("MAILER_KEY")
  config :shop, :workers, System.get_env("WORKERS") |> String.to_integer()
end
`;

describe('settings: what a release cannot boot without (runtime.exs, read statically)', () => {
  it('finds fetch_env!, `|| raise` over two lines and a value piped into a function that raises on nil, at the token', () => {
    const found = requiredSettings(PHX_RUNTIME, 'config/runtime.exs');
    assert.deepEqual(found.map((s) => [s.key, s.line, s.how]), [
      ['DATABASE_URL', 28, 'or raise'],
      ['SECRET_KEY_BASE', 50, 'or raise'],
      ['MAILER_KEY', 74, 'fetch_env!'],
      ['WORKERS', 75, 'raises on nil'],
    ]);
    const db = found[0];
    const line = PHX_RUNTIME.split('\n')[db.line - 1];
    assert.equal(line.slice(db.column, db.endColumn), 'System.get_env("DATABASE_URL")');
  });

  it('a default, a test or a comment requires nothing', () => {
    assert.deepEqual(requiredSettings('x = System.get_env("A") || "d"\nif System.get_env("B"), do: 1\n# System.fetch_env!("C")\ny = System.get_env("D", "x")', 'f'), []);
    assert.deepEqual(requiredSettings('p = String.to_integer(System.get_env("PORT"))', 'f').map((s) => s.key), ['PORT']);
  });

  it('says the exact command for each key; secrets are generated, never typed', () => {
    assert.equal(fixCommand('DATABASE_URL', 'production'), 'phoenix-deploy env set DATABASE_URL=… --env production');
    assert.equal(fixCommand('SECRET_KEY_BASE', 'staging'), 'phoenix-deploy env set SECRET_KEY_BASE --generate --env staging');
    const [db, secret] = requiredSettings(PHX_RUNTIME, 'releases/0.1.0/runtime.exs');
    const message = missingSettingsMessage(new Map([['web1:22', [db, secret]], ['web2:22', [db]]]), 'production');
    assert.equal(message, [
      'shared/env lacks settings the release cannot start without; nothing was uploaded.',
      'web1:22: DATABASE_URL, SECRET_KEY_BASE',
      'web2:22: DATABASE_URL',
      'Set them with:',
      '  phoenix-deploy env set DATABASE_URL=… --env production',
      '  phoenix-deploy env set SECRET_KEY_BASE --generate --env production',
      '(the release\'s releases/0.1.0/runtime.exs:28 DATABASE_URL (or raise); releases/0.1.0/runtime.exs:50 SECRET_KEY_BASE (or raise))',
    ].join('\n'));
  });
});

describe('settings: the keys of shared/env, read on the host (the real script, run by sh)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pd21b-keys-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const run = (text: string | undefined, names = '') => {
    const file = path.join(dir, 'env');
    rmSync(file, { force: true });
    if (text !== undefined) writeFileSync(file, text);
    const [cmd, ...args] = envKeysCommand(file, names) as string[];
    return execFileSync(cmd, args, { encoding: 'utf8' });
  };

  it('prints keys only: no value reaches the output', () => {
    const out = run('DATABASE_URL="ecto://u:s3cret@db/shop"\n# COMMENTED=1\nexport POOL_SIZE=10\nPHX_HOST=shop.example.com\n', 'shop.example.com www.shop.example.com');
    assert.ok(!out.includes('s3cret') && !out.includes('shop.example.com'), out);
    assert.deepEqual(parseEnvKeys(out), { exists: true, keys: ['DATABASE_URL', 'POOL_SIZE', 'PHX_HOST'], phxHost: 'same' });
  });

  it('PHX_HOST other than the proxy\'s name, or unset; no file at all', () => {
    assert.equal(parseEnvKeys(run('PHX_HOST=example.com\n', 'shop.example.com'))?.phxHost, 'differs');
    assert.equal(parseEnvKeys(run('A=1\n', 'shop.example.com'))?.phxHost, 'unset');
    assert.equal(parseEnvKeys(run('A=1\n'))?.phxHost, undefined);
    assert.deepEqual(parseEnvKeys(run(undefined)), { exists: false, keys: [] });
  });
});

describe('settings: findings at the token for check --probe and the editor', () => {
  const env = { name: 'production', deployTo: '/opt/shop', hosts: [], keepReleases: 3, ssh: {}, proxy: { listen: 80, serverName: 'shop.example.com' } };

  it('one error per missing key naming its hosts, at System.get_env("X"); PHX_HOST off the proxy\'s name, a warning', () => {
    const settings = { required: requiredSettings(PHX_RUNTIME, 'config/runtime.exs').slice(0, 2), phxHost: envCallAt(PHX_RUNTIME, 'config/runtime.exs', 'PHX_HOST') };
    const findings = settingsFindings(settings, [
      { host: 'web1:22', keys: { exists: true, keys: ['SECRET_KEY_BASE'], phxHost: 'same' } },
      { host: 'web2:22', keys: { exists: false, keys: [], phxHost: 'unset' } },
    ], env);
    assert.deepEqual(findings.map((f) => [f.code, f.severity, f.line, f.column, f.endColumn, f.setting.key, f.setting.hosts.join()]), [
      ['setting-missing', 'error', 28, 5, 35, 'DATABASE_URL', 'web1:22,web2:22'],
      ['setting-missing', 'error', 50, 5, 38, 'SECRET_KEY_BASE', 'web2:22'],
      ['phx-host-mismatch', 'warning', 56, 10, 36, 'PHX_HOST', 'web2:22'],
    ]);
    assert.match(findings[0].message, /Set it: phoenix-deploy env set DATABASE_URL=… --env production$/);
    assert.deepEqual(settingsFindings(settings, [{ host: 'web1:22', keys: { exists: true, keys: ['DATABASE_URL', 'SECRET_KEY_BASE'], phxHost: 'same' } }], env), []);
  });
});
