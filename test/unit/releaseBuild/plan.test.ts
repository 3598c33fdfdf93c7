import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createBuildPlan } from '../../../src/core/releaseBuild';
import { acquireBuildLock } from '../../../src/core/releaseBuild/lock';
import type { DeployConfig } from '../../../src/core/config/types';
import { describePlan } from '../../../src/core/plan/runner';

const config: DeployConfig = { app: 'shop', repo: 'origin', branch: 'main', build: { dockerfile: 'Dockerfile', target: 'builder', tool: 'auto', mixEnv: 'prod' }, environments: {} };

describe('build plan', () => {
  it('has the five named steps and describes their exact commands for --dry-run', () => {
    const { plan, state } = createBuildPlan({ projectDir: '/home/dev/shop', config, cacheRoot: '/cache/shop' });
    assert.deepEqual(plan.steps.map((s) => s.name), ['resolve-source', 'detect-tool', 'build-image', 'build-release', 'collect']);
    assert.equal(state.checkoutDir.startsWith('/cache/shop/checkouts/main-'), true);
    const text = describePlan(plan, state);
    assert.match(text, /git -C \/cache\/shop\/checkouts\/main-\w+ fetch --no-tags -- origin \+refs\/heads\/main:refs\/phoenix-deploy\/central/);
    assert.match(text, /docker build --target builder -f Dockerfile -t phoenix-deploy-builder\/shop-\w+:main-\w+ /);
    assert.match(text, /docker run -d --network none -w \/app .* -e MIX_ENV=prod .*-v phoenix-deploy-shop-\w+-main-\w+-build:\/app\/_build /);
    assert.match(text, /docker exec -w \/app <container> mix release --overwrite/);
    const withNetwork = createBuildPlan({ projectDir: '/home/dev/shop', config: { ...config, build: { ...config.build, network: 'bridge' } } });
    assert.match(describePlan(withNetwork.plan, withNetwork.state), /--network bridge/);
  });

  it('allows one build per project and branch at a time; a dead owner\'s lock is taken over', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pd-lock-'));
    try {
      const release = await acquireBuildLock(path.join(dir, 'main.lock'), 'shop (branch main)');
      await assert.rejects(acquireBuildLock(path.join(dir, 'main.lock'), 'shop (branch main)'), /another build of shop \(branch main\) is running \(pid \d+\)/);
      await release();
      await (await acquireBuildLock(path.join(dir, 'main.lock'), 'shop'))();
      writeFileSync(path.join(dir, 'main.lock'), '999999999');
      await (await acquireBuildLock(path.join(dir, 'main.lock'), 'shop'))();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
