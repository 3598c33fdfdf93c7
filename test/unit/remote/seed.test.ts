import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { seedCommand, versionedDirs } from '../../../src/core/remote/seed';
import { renderCommand } from '../../../src/core/shell';

function files(root: string, list: string[]): void {
  for (const rel of list) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), rel);
  }
}

describe('seeding the cache for renamed version directories', () => {
  it('finds lib/<app>-<vsn>, releases/<vsn> and erts-<vsn> in a release', () => {
    const rel = mkdtempSync(path.join(tmpdir(), 'pd-seed-'));
    try {
      files(rel, ['lib/hello_phoenix-0.2.0/ebin/a.beam', 'lib/elixir-1.14.0/ebin/b.beam', 'lib/no_version/x', 'releases/0.2.0/start.boot',
        'releases/start_erl.data', 'erts-13.1.5/bin/beam.smp', 'bin/hello_phoenix']);
      assert.deepEqual(versionedDirs(rel).map((v) => `${v.path} ${v.stem}`).sort(), [
        'erts-13.1.5 erts-', 'lib/elixir-1.14.0 lib/elixir-', 'lib/hello_phoenix-0.2.0 lib/hello_phoenix-', 'releases/0.2.0 releases/',
      ]);
      assert.deepEqual(versionedDirs(path.join(rel, 'missing')), []);
      assert.equal(seedCommand('/c', []), undefined);
      assert.throws(() => seedCommand('/c', [{ path: 'lib/../x-1', stem: 'lib/../x-' }]));
    } finally {
      rmSync(rel, { recursive: true, force: true });
    }
  });

  it('hard-links each missing new dir from the previous version, and leaves everything else alone', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'pd-seed-'));
    try {
      const cache = path.join(root, 'cache');
      files(cache, ['lib/hello_phoenix-0.1.0/ebin/a.beam', 'lib/hello_phoenix_web-9.0.0/x', 'lib/elixir-1.14.0/ebin/b.beam', 'releases/0.1.0/start.boot',
        'erts-13.1.5/bin/beam.smp']);
      const command = seedCommand(cache, [
        { path: 'lib/hello_phoenix-0.2.0', stem: 'lib/hello_phoenix-' },
        { path: 'lib/elixir-1.14.0', stem: 'lib/elixir-' }, // already there: untouched
        { path: 'lib/new_dep-1.0.0', stem: 'lib/new_dep-' }, // nothing to seed from
        { path: 'releases/0.2.0', stem: 'releases/' },
      ])!;
      const out = execFileSync('sh', ['-c', renderCommand(command)], { encoding: 'utf8' });
      assert.match(out, /seeded lib\/hello_phoenix-0\.2\.0 from lib\/hello_phoenix-0\.1\.0/);
      assert.match(out, /seeded releases\/0\.2\.0 from releases\/0\.1\.0/);
      const ino = (rel: string) => statSync(path.join(cache, rel)).ino;
      assert.equal(ino('lib/hello_phoenix-0.2.0/ebin/a.beam'), ino('lib/hello_phoenix-0.1.0/ebin/a.beam'), 'a hard link, not a copy');
      assert.equal(ino('releases/0.2.0/start.boot'), ino('releases/0.1.0/start.boot'));
      assert.throws(() => statSync(path.join(cache, 'lib/new_dep-1.0.0')));
      assert.throws(() => statSync(path.join(cache, 'lib/hello_phoenix_web-0.2.0')), 'a longer app name is another app');
      assert.equal(readFileSync(path.join(cache, 'lib/hello_phoenix-0.1.0/ebin/a.beam'), 'utf8'), 'lib/hello_phoenix-0.1.0/ebin/a.beam');
      // A missing cache (first deploy) is not an error.
      execFileSync('sh', ['-c', renderCommand(seedCommand(path.join(root, 'none'), [{ path: 'erts-1', stem: 'erts-' }])!)]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
