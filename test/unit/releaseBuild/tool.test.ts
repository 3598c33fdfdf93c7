import assert from 'node:assert/strict';
import { distilleryVersionFromLock, selectReleaseTool } from '../../../src/core/releaseBuild/tool';

const lock = (version: string) =>
  `%{\n  "artificery": {:hex, :artificery, "0.4.3", "0bc4260f988dcb9dda4b23f9fc3c6c8b99a6220a331534fdf5bf2fd0d4333b02", [:mix], [], "hexpm"},\n` +
  `  "distillery": {:hex, :distillery, "${version}", "a34e1ba6a7ae9ac9a3b5e8f4d0f0c3bb3b1f2a7b4e0d8f5b2e2a6d9f0e1c3b4a", [:mix], [{:artificery, "~> 0.2", [hex: :artificery, repo: "hexpm", optional: false]}], "hexpm"},\n}\n`;

describe('build tool selection', () => {
  it('uses mix release without rel/config.exs, naming the release when mix.exs declares it', () => {
    const choice = selectReleaseTool({ configured: 'auto', hasRelConfig: false, mixEnv: 'prod', releaseName: 'shop' });
    assert.equal(choice.tool, 'mix');
    assert.deepEqual(choice.command, ['mix', 'release', 'shop', '--overwrite']);
    assert.deepEqual(selectReleaseTool({ configured: 'auto', hasRelConfig: false, mixEnv: 'prod' }).command, ['mix', 'release', '--overwrite']);
  });

  it('reads the Distillery version from mix.lock', () => {
    assert.equal(distilleryVersionFromLock(lock('2.1.1')), '2.1.1');
    assert.equal(distilleryVersionFromLock(lock('1.5.5')), '1.5.5');
    assert.equal(distilleryVersionFromLock('%{"plug": {:hex, :plug, "1.14.0", "x", [:mix], [], "hexpm"}}'), undefined);
  });

  it('uses `mix distillery.release --env=<env>` for Distillery 2.x', () => {
    const choice = selectReleaseTool({ configured: 'auto', hasRelConfig: true, mixLock: lock('2.1.1'), mixEnv: 'staging' });
    assert.equal(choice.tool, 'distillery');
    assert.equal(choice.distilleryVersion, '2.1.1');
    assert.deepEqual(choice.command, ['mix', 'distillery.release', '--env=staging']);
  });

  it('uses `mix release --env=<env>` for Distillery 1.x', () => {
    const choice = selectReleaseTool({ configured: 'auto', hasRelConfig: true, mixLock: lock('1.5.5'), mixEnv: 'prod' });
    assert.deepEqual(choice.command, ['mix', 'release', '--env=prod']);
    assert.match(choice.reason, /1\.5\.5 \(1\.x\)/);
  });

  it('assumes Distillery 2.x when mix.lock does not say, and says so', () => {
    const choice = selectReleaseTool({ configured: 'auto', hasRelConfig: true, mixEnv: 'prod' });
    assert.deepEqual(choice.command, ['mix', 'distillery.release', '--env=prod']);
    assert.match(choice.reason, /assuming 2\.x/);
  });

  it('lets build.tool override the detection both ways', () => {
    assert.equal(selectReleaseTool({ configured: 'mix', hasRelConfig: true, mixLock: lock('2.1.1'), mixEnv: 'prod' }).tool, 'mix');
    const forced = selectReleaseTool({ configured: 'distillery', hasRelConfig: false, mixLock: lock('1.5.5'), mixEnv: 'prod' });
    assert.deepEqual(forced.command, ['mix', 'release', '--env=prod']);
  });
});
