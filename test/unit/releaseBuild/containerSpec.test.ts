import assert from 'node:assert/strict';
import { planBuildContainer } from '../../../src/core/releaseBuild/containerSpec';

const inputs = { imageId: 'sha256:0123456789abcdef', projectKey: 'shop-1', branch: 'main', mixEnv: 'prod', projectPrefix: '', labels: { l: '1' } };

describe('build: build container', () => {
  it('runs offline in the stage WORKDIR with deps, _build and the homes in volumes', () => {
    const plan = planBuildContainer({ ...inputs, image: { WorkingDir: '/app', Env: ['LANG=C.UTF-8', 'MIX_ENV=prod'] } });
    assert.equal(plan.spec.network, 'none');
    assert.equal(plan.projectDir, '/app');
    assert.deepEqual(plan.spec.volumes.map((v) => v.target), ['/app/deps', '/app/_build', '/root/.mix', '/root/.hex']);
    assert.deepEqual(plan.spec.env, ['MIX_ENV=prod', 'MIX_HOME=/root/.mix', 'HEX_HOME=/root/.hex']);
    assert.deepEqual(plan.warnings, []);
  });

  it('uses build.network, a monorepo prefix, /app by default and the image MIX_HOME', () => {
    const plan = planBuildContainer({ ...inputs, network: 'bridge', projectPrefix: 'apps/shop/', image: { Env: ['MIX_HOME=/opt/mix', 'HOME=/home/b'], User: 'builder' } });
    assert.equal(plan.spec.network, 'bridge');
    assert.equal(plan.sourceRoot, '/app');
    assert.equal(plan.projectDir, '/app/apps/shop');
    assert.deepEqual(plan.spec.volumes.map((v) => v.target), ['/app/apps/shop/deps', '/app/apps/shop/_build', '/opt/mix', '/home/b/.hex']);
    assert.ok(plan.spec.env.includes('LANG=C.UTF-8'));
  });

  it('does not guess the homes of a non-root user without HOME', () => {
    const plan = planBuildContainer({ ...inputs, image: { User: 'builder' } });
    assert.equal(plan.spec.volumes.length, 2);
    assert.match(plan.warnings[0], /not cached/);
  });
});
