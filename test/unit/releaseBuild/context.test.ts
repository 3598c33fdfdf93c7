import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { listContextFiles, SOURCE_COPY_EXCLUDES } from '../../../src/core/docker/context';

describe('build: .dockerignore handling', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'pd-context-'));
    for (const file of ['Dockerfile', 'mix.exs', 'lib/a.ex', '_build/prod/x.beam', 'deps/plug/mix.exs', '.git/HEAD',
      'docs/a.md', 'docs/README.md', 'apps/shop/.git', 'apps/shop/lib/b.ex', 'secret.env']) {
      mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      writeFileSync(path.join(dir, file), file);
    }
    symlinkSync('lib/a.ex', path.join(dir, 'link.ex'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('leaves out ignored files and directories, honours ! exceptions, keeps symlinks', async () => {
    const patterns = '_build/\ndeps/\n.git/\n*.env\ndocs/*.md\n!docs/README.md\n';
    assert.deepEqual(await listContextFiles(dir, patterns),
      ['Dockerfile', 'apps/shop/.git', 'apps/shop/lib/b.ex', 'docs/README.md', 'lib/a.ex', 'link.ex', 'mix.exs']);
  });

  it('always sends the Dockerfile even when .dockerignore lists it', async () => {
    const files = await listContextFiles(dir, 'Dockerfile\n*\n', ['Dockerfile', '.dockerignore']);
    assert.deepEqual(files, ['Dockerfile'], '.dockerignore does not exist here, so it is not added');
  });

  it('copies source without any .git but with everything else', async () => {
    const files = await listContextFiles(dir, SOURCE_COPY_EXCLUDES);
    assert.ok(!files.some((f) => f === '.git/HEAD' || f.endsWith('/.git')), files.join(','));
    assert.ok(files.includes('_build/prod/x.beam'), 'a clean checkout has no _build; nothing else is dropped');
  });
});
