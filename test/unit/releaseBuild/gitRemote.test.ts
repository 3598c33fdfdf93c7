import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { findWorkTree, resolveRepo } from '../../../src/core/git/remote';

describe('build: resolving repo from config/deploy.yml', () => {
  let root: string;
  let project: string;
  before(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'pd-remote-'));
    mkdirSync(path.join(root, 'central.git'));
    project = path.join(root, 'mono', 'apps', 'shop');
    mkdirSync(project, { recursive: true });
    execFileSync('git', ['init', '-q', path.join(root, 'mono')]);
    execFileSync('git', ['remote', 'add', 'origin', '../central.git'], { cwd: path.join(root, 'mono') });
    execFileSync('git', ['remote', 'add', 'upstream', 'git@example.test:team/shop.git'], { cwd: path.join(root, 'mono') });
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('resolves a remote name to its URL (relative paths against the work tree)', async () => {
    assert.deepEqual(await resolveRepo(project, 'origin'), { url: path.join(root, 'central.git'), configured: 'origin' });
    assert.deepEqual(await resolveRepo(project, 'upstream'), { url: 'git@example.test:team/shop.git', configured: 'upstream' });
  });

  it('takes URLs as they are and paths relative to the project', async () => {
    assert.equal((await resolveRepo(project, 'https://example.test/team/shop.git')).url, 'https://example.test/team/shop.git');
    assert.equal((await resolveRepo(project, 'ssh://git@example.test/shop')).url, 'ssh://git@example.test/shop');
    assert.equal((await resolveRepo(project, '../../../central.git')).url, path.join(root, 'central.git'));
  });

  it('refuses a name that is neither a remote, a URL nor a path', async () => {
    await assert.rejects(resolveRepo(project, 'central'), /repo "central" in config\/deploy\.yml is not a remote of .*mono/);
  });

  it('knows where the project sits in a monorepo', async () => {
    const tree = await findWorkTree(project);
    assert.equal(tree?.prefix, 'apps/shop/');
    assert.equal(await findWorkTree(root), undefined);
  });
});
