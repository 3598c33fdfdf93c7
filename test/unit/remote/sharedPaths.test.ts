/** The prepare scripts for shared_paths and static links, run by the real sh against a real directory tree. */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readlinkSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { remotePaths } from '../../../src/core/remote/paths';
import { linkSharedPathsCommand, parseSharedRefusal, syncStaticCommand } from '../../../src/core/remote/sharedPaths';
import { drainCommand, procNetAddress } from '../../../src/core/remote/slots';
import type { Command } from '../../../src/core/shell';

const ID = (n: number) => `2026020${n}T000000Z-0.1.0-abc123${n}`;
const sh = (c: Command) => spawnSync(c[0] as string, c.slice(1) as string[], { encoding: 'utf8' });

describe('remote: shared_paths and the static dirs of kept releases (real sh)', () => {
  let root: string;
  beforeEach(() => { root = mkdtempSync(join(tmpdir(), 'pd22-shared-')); });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  function release(n: number, files: Record<string, string>): void {
    for (const [path, body] of Object.entries(files)) {
      const full = join(root, 'releases', ID(n), path);
      mkdirSync(join(full, '..'), { recursive: true });
      if (path.endsWith('/')) mkdirSync(full, { recursive: true }); else writeFileSync(full, body);
    }
  }

  it('links priv/… into the app\'s lib dir and other entries at the root, replacing an empty dir or a lone .gitkeep', () => {
    release(1, { 'lib/shop-0.1.0/priv/static/uploads/.gitkeep': '', 'lib/shop-0.1.0/priv/static/app.js': 'x', 'storage/': '' });
    const paths = remotePaths(root);
    const r = sh(linkSharedPathsCommand(paths, ID(1), 'shop', [{ path: 'priv/static/uploads' }, { path: 'storage' }, { path: 'tmp/cache' }])!);
    assert.equal(r.status, 0, r.stderr + r.stdout);
    const rel = join(root, 'releases', ID(1));
    assert.equal(readlinkSync(join(rel, 'lib/shop-0.1.0/priv/static/uploads')), `${root}/shared/priv/static/uploads`);
    assert.equal(readlinkSync(join(rel, 'storage')), `${root}/shared/storage`);
    assert.equal(readlinkSync(join(rel, 'tmp/cache')), `${root}/shared/tmp/cache`);
    assert.ok(existsSync(`${root}/shared/priv/static/uploads`) && existsSync(`${root}/shared/tmp/cache`), 'the shared dirs are made when missing');
  });

  it('refuses a place where the release ships files, naming the entry and what is there', () => {
    release(1, { 'lib/shop-0.1.0/priv/static/uploads/logo.png': 'png', 'lib/shop-0.1.0/priv/static/uploads/.gitkeep': '' });
    const r = sh(linkSharedPathsCommand(remotePaths(root), ID(1), 'shop', [{ path: 'priv/static/uploads' }])!);
    assert.equal(r.status, 6);
    assert.deepEqual(parseSharedRefusal(r.stdout), { entry: 'priv/static/uploads', reason: 'ships', found: ['.gitkeep', 'logo.png'] });
    assert.ok(existsSync(join(root, 'releases', ID(1), 'lib/shop-0.1.0/priv/static/uploads/logo.png')), 'nothing was removed');
  });

  it('links static/0… to the newest releases with a cache_manifest.json, and unlinks removed ones', () => {
    release(1, { 'lib/shop-0.1.0/priv/static/cache_manifest.json': '{}' });
    release(2, { 'lib/shop-0.1.0/priv/static/robots.txt': 'no manifest: works as before' });
    release(3, { 'lib/shop-0.1.0/priv/static/cache_manifest.json': '{}' });
    const sync = () => sh(syncStaticCommand(remotePaths(root), 'shop', 4));
    assert.equal(sync().status, 0);
    assert.deepEqual(readdirSync(join(root, 'static')).sort(), ['0', '1']);
    assert.equal(readlinkSync(join(root, 'static/0')), `${root}/releases/${ID(3)}/lib/shop-0.1.0/priv/static`);
    assert.equal(readlinkSync(join(root, 'static/1')), `${root}/releases/${ID(1)}/lib/shop-0.1.0/priv/static`);
    rmSync(join(root, 'releases', ID(1)), { recursive: true });
    assert.match(sync().stdout, /static 1/);
    assert.deepEqual(readdirSync(join(root, 'static')), ['0']);
  });

  it('the drain tells ordinary requests from long-lived ones by the address nginx connects from', () => {
    assert.equal(procNetAddress('127.0.0.2'), '0200007F:');
    const slot = { port: 4001 } as Parameters<typeof drainCommand>[0];
    assert.deepEqual(drainCommand(slot, 30, ['12', 'x']).slice(4), ['4001', '30', '0200007F:', '12']);
  });
});
