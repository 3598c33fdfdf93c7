import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { appLines, appSaysCommand, appSaysSource } from '../../../src/core/appSays/read';
import { decodeByteLists, extractAppSays } from '../../../src/core/appSays/extract';
import type { EnvironmentConfig } from '../../../src/core/config/types';
import { renderCommand } from '../../../src/core/shell';
import { REPO_ROOT } from '../../support/paths';

/** Captured from a real release (Elixir 1.14, OTP 25) whose runtime.exs raises on a missing DATABASE_URL. */
const fixture = (name: string) => readFileSync(path.join(REPO_ROOT, 'test/unit/appSays/fixtures', name), 'utf8');

describe('appSays: the app\'s own words out of its log', () => {
  it('a boot that fails in runtime.exs leads with the exception, once, with no term dump or stack frame', () => {
    const says = extractAppSays(fixture('boot-database-url-missing.txt'));
    assert.deepEqual(says, [
      '** (RuntimeError) environment variable DATABASE_URL is missing.',
      'For example: ecto://USER:PASS@HOST/DATABASE',
      'ERROR! Config provider Config.Reader failed with:',
    ]);
  });

  it('the migration\'s output (bin/migrate under the same runtime.exs) says the same, once', () => {
    const says = extractAppSays(fixture('migrate-database-url-missing.txt'));
    assert.equal(says[0], '** (RuntimeError) environment variable DATABASE_URL is missing.');
    assert.equal(says.filter((l) => l.includes('DATABASE_URL')).length, 1);
    assert.ok(says.every((l) => !/<<\d|#\{|erl_crash|erl_eval/.test(l)), says.join('\n'));
  });

  it('journald\'s copy of a slot\'s boot (an error report\'s term, one entry per line): the exception, never the term\'s pieces', () => {
    // The lines a slot's journal held on a real systemd host (test/integration/managed/firstDeploy), trimmed.
    assert.deepEqual(extractAppSays(fixture('journal-boot-raises.txt')), [
      '** (RuntimeError) DATABASE_URL must be an ecto:// URL',
      'ERROR! Config provider Config.Reader failed with:',
    ]);
  });

  it('when the halting release lost its own print of the exception, the dump\'s message leads', () => {
    const out = fixture('migrate-database-url-missing.txt').split('\n').filter((l) => !l.startsWith('** (') && !l.startsWith('For example')).join('\n');
    assert.deepEqual(extractAppSays(`${out}\ndone`).slice(0, 3), [
      'environment variable DATABASE_URL is missing.', 'For example: ecto://USER:PASS@HOST/DATABASE', 'ERROR! Config provider Config.Reader failed with:',
    ]);
  });

  it('a crash loop (systemd restarts it every 2 s) repeats itself; each line is shown once', () => {
    const once = fixture('boot-database-url-missing.txt');
    assert.deepEqual(extractAppSays([once, once, once].join('\n')), extractAppSays(once));
  });

  it('a term dump alone is decoded to its message, never shown raw', () => {
    const dump = `Runtime terminating during boot ({#{message=><<${[...Buffer.from('environment variable SECRET_KEY_BASE is missing.')].join(',')}>>,'__exception__'=>true},[{erl_eval,do_apply,7}]})`;
    assert.deepEqual(extractAppSays([dump, 'Crash dump is being written to: erl_crash.dump...done']), ['environment variable SECRET_KEY_BASE is missing.']);
  });

  it('Phoenix left the server off: its warning comes before the info lines around it', () => {
    const log = [
      'Starting shop 0.1.0',
      '01:02:03.456 [info] Running ShopWeb.Endpoint with Bandit 1.5.7 at :: (http)',
      '01:02:03.457 [warning] Configuration :server was not enabled for ShopWeb.Endpoint, http/https services won\'t start',
    ];
    assert.equal(extractAppSays(log)[0], '01:02:03.457 [warning] Configuration :server was not enabled for ShopWeb.Endpoint, http/https services won\'t start');
  });

  it('an application that exits with {:shutdown, …} leads with it; the node-name clash too', () => {
    const log = [
      '01:02:03.000 [info] booting',
      '01:02:03.100 [notice] Application shop exited: Shop.Application.start(:normal, []) returned an error: shutdown: failed to start child: ShopWeb.Endpoint',
      '    ** (EXIT) {:shutdown, {:failed_to_start_child, {:ranch_listener_sup, ShopWeb.Endpoint.HTTP}, :eaddrinuse}}',
    ];
    const says = extractAppSays(log);
    assert.match(says[0], /\{:shutdown, \{:failed_to_start_child/);
    assert.match(says[1], /Application shop exited/);
    assert.equal(extractAppSays(['Protocol \'inet_tcp\': the name shop@127.0.0.1 seems to be in use by another Erlang node', 'ok'])[0],
      'Protocol \'inet_tcp\': the name shop@127.0.0.1 seems to be in use by another Erlang node');
  });

  it('byte lists decode only when they are text', () => {
    assert.equal(decodeByteLists('x <<104,105>> y'), 'x "hi" y');
    assert.equal(decodeByteLists('<<255,254>>'), '<<255,254>>');
  });

  it('keeps at most a screenful', () => {
    assert.equal(extractAppSays(Array.from({ length: 50 }, (_, i) => `line ${i}`)).length, 8);
  });
});

describe('appSays: where the words are read on a host', () => {
  const base: EnvironmentConfig = { name: 'production', deployTo: '/opt/shop', hosts: [], keepReleases: 3, ssh: {} };

  it('a managed unit: its journal since the start, on the host\'s clock', () => {
    const source = appSaysSource({ ...base, service: 'systemd' }, 'shop@green.service', 10_000, 40_500)!;
    assert.deepEqual(source, { kind: 'journal', unit: 'shop@green.service', sinceSeconds: 33 });
    assert.match(renderCommand(appSaysCommand(source)), /journalctl .* -u shop@green\.service --lines=400 --since=-33s$/);
  });

  it('an unmanaged host: the logs: command, run in deploy_to; neither: nothing to read', () => {
    const source = appSaysSource({ ...base, logs: { command: ['tail', '-n', '200', 'log/current'] } }, undefined, 0)!;
    assert.equal(renderCommand(appSaysCommand(source)), 'cd -- /opt/shop && tail -n 200 log/current');
    assert.equal(appSaysSource(base, undefined, 0), undefined);
  });

  it('journal entries: the app\'s own, not systemd\'s', () => {
    const entry = (message: string, extra = {}) => JSON.stringify({ __REALTIME_TIMESTAMP: '1', MESSAGE: message, _SYSTEMD_UNIT: 'shop@green.service', ...extra });
    const lines = appLines({ kind: 'journal', unit: 'shop@green.service', sinceSeconds: 9 },
      [entry('boom'), entry('shop@green.service: Main process exited, code=exited, status=1/FAILURE', { UNIT: 'shop@green.service', _SYSTEMD_UNIT: 'init.scope' })].join('\n'));
    assert.deepEqual(lines, ['boom']);
  });
});
