import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { parseDeployConfig } from '../../../src/core/config/load';
import { detectProject } from '../../../src/core/scaffold/detect';
import { deployConfigTemplate, dockerfileTemplate } from '../../../src/core/scaffold/templates';
import { checkProject, readProjectFiles } from '../../../src/core/versions/check';

const EXAMPLE = path.resolve(__dirname, '../../../../examples/hello_phoenix');

describe('Create Deploy Config', () => {
  it('detects the example app: release, stages and OS', async () => {
    const facts = detectProject(await readProjectFiles(EXAMPLE));
    assert.equal(facts.app, 'hello_phoenix');
    assert.equal(facts.hasRelease, true);
    assert.deepEqual(facts.stages, ['builder', 'release']);
    assert.equal(facts.target, 'release');
    assert.equal(facts.os, 'debian-12');
    assert.deepEqual([facts.erlang, facts.elixir], ['25.2.3', '1.14.0']);
    assert.deepEqual(facts.missing, []);
  });

  it('writes a template that is valid config/deploy.yml', async () => {
    const facts = detectProject(await readProjectFiles(EXAMPLE));
    const loaded = parseDeployConfig(deployConfigTemplate(facts));
    assert.deepEqual(loaded.findings, []);
    assert.equal(loaded.config?.app, 'hello_phoenix');
    assert.equal(loaded.config?.environments.production.os, 'debian-12');
    assert.equal(loaded.config?.environments.production.deployTo, '/opt/hello_phoenix');
  });

  it('a Distillery project: its release counts, and migrate is its custom `migrate` command', async () => {
    const facts = detectProject(await readProjectFiles(path.resolve(__dirname, '../../../../test/fixtures/distillery')));
    assert.equal(facts.hasRelease, true);
    assert.equal(facts.migrate, 'bin/hello_phoenix migrate');
    assert.ok(!facts.missing.some((m) => /releases: entry/.test(m)), facts.missing.join('; '));
    const loaded = parseDeployConfig(deployConfigTemplate(facts));
    assert.deepEqual(loaded.findings, []);
    assert.deepEqual(loaded.config?.environments.production.migrate, ['bin/hello_phoenix', 'migrate']);
    assert.equal(detectProject(await readProjectFiles(EXAMPLE)).migrate, undefined, 'a mix release keeps bin/migrate');
    assert.match(deployConfigTemplate(detectProject(await readProjectFiles(EXAMPLE))), /\n {4}migrate: bin\/migrate {7}# run/);
  });

  it('says what is missing in a bare project; no releases: key is not missing (mix release works without one)', () => {
    const facts = detectProject({ mixExs: 'defmodule A.MixProject do\n  def project, do: [app: :a, version: "0.1.0"]\nend\n' });
    assert.equal(facts.app, 'a');
    assert.equal(facts.hasRelease, false);
    assert.equal(facts.missing.length, 1);
    assert.match(facts.missing[0], /no Dockerfile/);
  });

  it('writes a phx.gen.release-shaped Dockerfile that agrees with .tool-versions', () => {
    const toolVersions = 'erlang 26.2.5\nelixir 1.16.3-otp-26\n';
    const facts = detectProject({ toolVersions });
    const dockerfile = dockerfileTemplate(facts);
    assert.match(dockerfile, /ARG OTP_VERSION=26\.2\.5/);
    assert.match(dockerfile, /ARG ELIXIR_VERSION=1\.16\.3/);
    const findings = checkProject({ toolVersions, dockerfile }).filter((f) => f.severity !== 'info');
    assert.deepEqual(findings, []);
  });
});
