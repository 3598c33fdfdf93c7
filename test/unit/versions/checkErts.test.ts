import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkProject, checkProjectDir, readProjectFiles } from '../../../src/core/versions/check';
import { REPO_ROOT } from '../../support/paths';
import { DEPLOY_YML, MIX_EXS, at, project, summary } from './fixtures';

const DISTILLERY = 'use Distillery.Releases.Config, default_environment: Mix.env()\n\nenvironment :prod do\n  set include_erts: false\nend\n\nrelease :my_app do\n  set version: current_version(:my_app)\nend\n';

describe('checkProject: ERTS', () => {
  it('erts-not-included for include_erts: false in mix.exs, with a fix', () => {
    const findings = checkProject(project({ mixExs: MIX_EXS.replace('include_erts: true', 'include_erts: false') }));
    assert.deepEqual(summary(findings), ['erts-not-included error mix.exs:12:18-12:37']);
    assert.deepEqual(findings[0].fix?.map((f) => `${f.title} ${at(f)} ${f.newText}`), ['Set include_erts: true mix.exs:12:18-12:37 include_erts: true']);
  });

  it('looks only at the release that is deployed', () => {
    const mixExs = MIX_EXS.replace('my_app: [include_erts: true, strip_beams: true]', 'my_app: [],\n        tools: [include_erts: false]');
    assert.deepEqual(checkProject(project({ mixExs })), []);
    const deployYml = DEPLOY_YML.replace('app: my_app', 'app: tools');
    assert.deepEqual(summary(checkProject(project({ mixExs, deployYml }))), ['erts-not-included error mix.exs:13:17-13:36']);
  });

  it('a computed include_erts is unknown, a path is embedded ERTS', () => {
    const computed = checkProject(project({ mixExs: MIX_EXS.replace('include_erts: true', 'include_erts: erts_path()') }));
    assert.deepEqual(summary(computed), ['version-unknown info mix.exs:12:18-12:43']);
    assert.deepEqual(checkProject(project({ mixExs: MIX_EXS.replace('include_erts: true', 'include_erts: "/opt/erts"') })), []);
  });

  it('Distillery: rel/config.exs decides when it exists (build.tool auto)', () => {
    const findings = checkProject(project({ distilleryConfig: DISTILLERY }));
    assert.deepEqual(summary(findings), ['erts-not-included error rel/config.exs:4:7-4:26']);
    assert.match(findings[0].message, /environment :prod/);
  });

  it('Distillery: follows build.mix_env and build.tool', () => {
    const staging = DEPLOY_YML.replace('  dockerfile: Dockerfile\n', '  dockerfile: Dockerfile\n  mix_env: staging\n');
    assert.deepEqual(checkProject(project({ distilleryConfig: DISTILLERY, deployYml: staging })), []);
    const mixTool = DEPLOY_YML.replace('  dockerfile: Dockerfile\n', '  dockerfile: Dockerfile\n  tool: mix\n');
    assert.deepEqual(checkProject(project({ distilleryConfig: DISTILLERY, deployYml: mixTool })), []);
    const distilleryTool = DEPLOY_YML.replace('  dockerfile: Dockerfile\n', '  dockerfile: Dockerfile\n  tool: distillery\n');
    const falseInMix = MIX_EXS.replace('include_erts: true', 'include_erts: false');
    assert.deepEqual(summary(checkProject(project({ distilleryConfig: DISTILLERY.replace('false', 'true'), mixExs: falseInMix, deployYml: distilleryTool }))), []);
  });

  it('Distillery on Elixir >= 1.9 (where `mix release` exists too): no finding when include_erts is true', () => {
    const mixExs = MIX_EXS.replace('"~> 1.15"', '"~> 1.9"').replace(/\n      releases: \[\n.*\n      \]/, '');
    const config = DISTILLERY.replace('false', 'true').replace('end\n\nrelease', '  set vm_args: "rel/vm.args"\nend\n\nrelease');
    assert.deepEqual(summary(checkProject(project({ mixExs, distilleryConfig: config, distilleryVmArgs: { 'rel/vm.args': true } }))), []);
    assert.deepEqual(summary(checkProject(project({ mixExs, distilleryConfig: DISTILLERY }))), ['erts-not-included error rel/config.exs:4:7-4:26'], 'include_erts: false stays an error');
  });

  it('Distillery: `set vm_args:` naming a file that does not exist is an error at its string', () => {
    const config = DISTILLERY.replace('false', 'true').replace('end\n\nrelease', '  set vm_args: "rel/vm.args"\nend\n\nrelease');
    const findings = checkProject(project({ distilleryConfig: config, distilleryVmArgs: { 'rel/vm.args': false } }));
    assert.deepEqual(summary(findings), ['file-missing error rel/config.exs:5:16-5:29']);
    assert.match(findings[0].message, /vm_args "rel\/vm\.args" does not exist/);
    // An environment's own vm_args wins over the release's, as Distillery applies them.
    const both = config.replace('  set version:', '  set vm_args: "rel/other.args"\n  set version:');
    assert.deepEqual(summary(checkProject(project({ distilleryConfig: both, distilleryVmArgs: { 'rel/vm.args': true, 'rel/other.args': false } }))), []);
  });

  it('reads whether the vm_args files exist: the Distillery fixture is clean, a missing file is found', async () => {
    assert.deepEqual(await checkProjectDir(join(REPO_ROOT, 'test', 'fixtures', 'distillery')), []);
    const dir = mkdtempSync(join(tmpdir(), 'pd23-vmargs-'));
    try {
      mkdirSync(join(dir, 'rel'));
      writeFileSync(join(dir, 'rel', 'config.exs'), 'environment :prod do\n  set include_erts: true\n  set vm_args: "rel/vm.args"\nend\n');
      assert.deepEqual((await readProjectFiles(dir)).distilleryVmArgs, { 'rel/vm.args': false });
      assert.deepEqual(summary(await checkProjectDir(dir)), ['file-missing error rel/config.exs:3:16-3:29']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
