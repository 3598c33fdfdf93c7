import assert from 'node:assert/strict';
import { builderImageTag, buildLabels, cacheVolumeNames, releaseReuseKey } from '../../../src/core/releaseBuild/keys';
import { branchSlug, defaultCacheRoot, projectKey } from '../../../src/core/git/cacheDir';

describe('build: cache keys and names', () => {
  const base = { commit: 'a'.repeat(40), app: 'shop', mixEnv: 'prod', dockerfilePath: 'Dockerfile', dockerfileTarget: 'builder', dockerfileText: 'FROM x AS builder\n' };

  it('reuses a release only for the same commit, app, MIX_ENV and Dockerfile', () => {
    const key = releaseReuseKey(base);
    assert.equal(releaseReuseKey({ ...base }), key);
    for (const change of [{ commit: 'b'.repeat(40) }, { app: 'admin' }, { mixEnv: 'staging' }, { dockerfileText: 'FROM y AS builder\n' },
      { dockerfileTarget: 'other' }, { dockerfilePath: 'docker/Dockerfile' }]) {
      assert.notEqual(releaseReuseKey({ ...base, ...change }), key, JSON.stringify(change));
    }
  });

  it('names volumes per project and branch, homes also per builder image', () => {
    const a = cacheVolumeNames('shop-123', 'main', 'sha256:abcdef0123456789');
    const b = cacheVolumeNames('shop-123', 'feature/x', 'sha256:abcdef0123456789');
    const c = cacheVolumeNames('shop-123', 'main', 'sha256:99990123456789');
    assert.notEqual(a.build, b.build);
    assert.equal(a.build, c.build);
    assert.notEqual(a.mixHome, c.mixHome);
    for (const name of Object.values(b)) assert.match(name, /^[a-z0-9][a-z0-9_.-]+$/);
    assert.match(builderImageTag('Shop-123', 'Feature/X'), /^[a-z0-9_./-]+:[a-z0-9_.-]+$/);
    assert.notEqual(branchSlug('feature/x'), branchSlug('feature_x'));
    assert.equal(buildLabels('p', 'main', { extra: '1' }).extra, '1');
  });

  it('puts the cache under XDG_CACHE_HOME when set, else ~/.cache', () => {
    const key = projectKey('/tmp/some project');
    assert.match(key, /^some_project-[0-9a-f]{12}$/);
    assert.equal(defaultCacheRoot('/tmp/some project', { XDG_CACHE_HOME: '/x/cache' }), `/x/cache/phoenix-deploy/${key}`);
    assert.match(defaultCacheRoot('/tmp/some project', {}), /\/\.cache\/phoenix-deploy\/some_project-/);
  });
});
