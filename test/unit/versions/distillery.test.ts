import assert from 'node:assert/strict';
import { effectiveIncludeErts, effectiveVmArgs, hasCustomCommand, parseDistilleryConfig, vmArgsPaths } from '../../../src/core/versions/distillery';

const CONFIG = `~w(rel plugins *.exs)
|> Path.join()
|> Path.wildcard()
|> Enum.map(&Code.eval_file(&1))

use Distillery.Releases.Config,
    default_release: :default,
    default_environment: Mix.env()

environment :dev do
  set dev_mode: true
  set include_erts: false
  set cookie: :"dev-cookie"
end

environment :prod do
  set include_erts: true
  set include_src: false
  set cookie: :"#{System.get_env("COOKIE")}"
end

environment :staging do
  set include_erts: "/opt/erts-13.1.5"
end

environment :edge do
  set include_erts: System.get_env("ERTS_PATH") || true
end

release :shop do
  set version: current_version(:shop)
  set include_erts: false
  set applications: [:runtime_tools]
end
`;

describe('parseDistilleryConfig', () => {
  const config = parseDistilleryConfig(CONFIG);

  it('reads every environment and release block', () => {
    assert.deepEqual(config.environments.map((e) => [e.name, e.includeErts?.value, e.includeErts?.known]), [
      ['dev', false, true], ['prod', true, true], ['staging', '/opt/erts-13.1.5', true], ['edge', true, false],
    ]);
    assert.deepEqual(config.releases.map((r) => [r.name, r.includeErts?.value]), [['shop', false]]);
    assert.deepEqual(config.environments[0].includeErts?.range, { line: 12, column: 7, endLine: 12, endColumn: 26 });
    assert.deepEqual(config.environments[1].range, { line: 16, column: 13, endLine: 16, endColumn: 18 });
  });

  it('lets an environment override the release, as Distillery does', () => {
    assert.equal(effectiveIncludeErts(config, 'prod', 'shop')?.value, true);
    assert.equal(effectiveIncludeErts(config, 'dev', 'shop')?.value, false);
    // No include_erts in the environment: the release's setting applies.
    const onlyRelease = parseDistilleryConfig('environment :prod do\n  set cookie: :x\nend\nrelease :shop do\n  set include_erts: false\nend\n');
    const setting = effectiveIncludeErts(onlyRelease, 'prod', 'shop');
    assert.equal(setting?.value, false);
    assert.deepEqual(setting?.range, { line: 5, column: 7, endLine: 5, endColumn: 26 });
    assert.equal(effectiveIncludeErts(onlyRelease, 'prod', 'other'), undefined);
    assert.equal(effectiveIncludeErts(onlyRelease, 'prod', undefined)?.value, false);
  });

  it('reads `set(include_erts: …)` and takes the last setting of a block', () => {
    const cfg = parseDistilleryConfig('environment :prod do\n  set(include_erts: true, include_src: false)\n  set include_erts: false\nend');
    assert.equal(cfg.environments[0].includeErts?.value, false);
    assert.equal(cfg.environments[0].includeErts?.range.line, 3);
  });

  it('never throws on junk', () => {
    for (const junk of ['', 'environment :prod do', 'environment :prod do set include_erts:', 'release do end', '\u0000"']) {
      assert.doesNotThrow(() => parseDistilleryConfig(junk), junk);
    }
  });

  it('reads custom commands and vm_args; the environment\'s vm_args wins', () => {
    const cfg = parseDistilleryConfig('environment :prod do\n  set vm_args: "rel/prod.args"\nend\nrelease :shop do\n  set vm_args: "rel/vm.args"\n  set commands: [migrate: "rel/commands/migrate.sh", seed: "rel/commands/seed.sh"]\nend\n');
    assert.deepEqual(cfg.releases[0].commands, ['migrate', 'seed']);
    assert.ok(hasCustomCommand(cfg, 'prod', 'shop', 'migrate'));
    assert.ok(!hasCustomCommand(cfg, 'prod', 'shop', 'rollback'));
    assert.equal(effectiveVmArgs(cfg, 'prod', 'shop')?.path, 'rel/prod.args');
    assert.equal(effectiveVmArgs(cfg, 'staging', 'shop')?.path, 'rel/vm.args');
    assert.deepEqual(vmArgsPaths(cfg), ['rel/prod.args', 'rel/vm.args']);
  });
});
