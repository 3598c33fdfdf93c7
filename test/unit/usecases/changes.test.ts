import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { changesSinceLive, liveRelease } from '../../../src/core/usecases/changes';
import { branchSlug, defaultCacheRoot } from '../../../src/core/git/cacheDir';
import type { HostReleases } from '../../../src/core/deploy';
import type { DeployConfig } from '../../../src/core/config/types';

const host = (key: string, primary: boolean, current: string | undefined, commit?: string, ok = true): HostReleases => ({
  host: key, primary, ok, locked: false, recent: [], history: [],
  releases: current ? [{ id: current, current: true, valid: true, commit }, { id: 'old', current: false, valid: true }] : [],
});

describe('use case: what changes since the live release', () => {
  it('the live release is the primary\'s current, only when the primary answered', () => {
    assert.equal(liveRelease([host('b', false, 'r2'), host('a', true, 'r1')])?.id, 'r1');
    assert.equal(liveRelease([host('a', true, 'r1', undefined, false), host('b', false, 'r2')]), undefined);
    assert.equal(liveRelease([host('a', true, undefined)]), undefined);
  });

  it('lists the commits between the live release and the new one, from the build checkout; nothing live: none', async () => {
    const cache = mkdtempSync(path.join(os.tmpdir(), 'pd-changes-'));
    const saved = process.env.XDG_CACHE_HOME;
    process.env.XDG_CACHE_HOME = cache;
    try {
      const projectDir = path.join(cache, 'project');
      const config = { branch: 'main', environments: {} } as unknown as DeployConfig;
      const checkout = path.join(defaultCacheRoot(projectDir), 'checkouts', branchSlug('main'));
      mkdirSync(checkout, { recursive: true });
      const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd: checkout, encoding: 'utf8' }).trim();
      git('init', '-q');
      const commit = (msg: string) => {
        writeFileSync(path.join(checkout, 'f'), msg);
        git('add', 'f');
        git('commit', '-q', '-m', msg);
        return git('rev-parse', 'HEAD');
      };
      const live = commit('live one');
      commit('add the shop');
      const head = commit('fix the cart');
      const changes = await changesSinceLive(projectDir, config, [host('a', true, 'r1', live)], head);
      assert.equal(changes.live?.id, 'r1');
      assert.deepEqual(changes.changes.map((c) => c.replace(/^\w+ /, '')), ['fix the cart', 'add the shop']);
      assert.deepEqual((await changesSinceLive(projectDir, config, [host('a', true, undefined)], head)).changes, []);
      assert.deepEqual((await changesSinceLive(projectDir, config, [host('a', true, 'r1', 'deadbeef')], head)).changes, ['(could not list commits since deadbee)']);
    } finally {
      if (saved === undefined) delete process.env.XDG_CACHE_HOME;
      else process.env.XDG_CACHE_HOME = saved;
    }
  });
});
