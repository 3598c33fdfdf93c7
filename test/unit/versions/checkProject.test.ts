import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { checkProject, checkProjectDir, describeBuilder, readProjectFiles } from '../../../src/core/versions/check';
import { DEPLOY_YML, DOCKERFILE, at, project, summary } from './fixtures';

const EXAMPLE = resolve(__dirname, '../../../../examples/hello_phoenix');
const D12 = { family: 'debian', release: '12', codename: 'bookworm' };

describe('checkProject: the project as a whole', () => {
  it('the example app at examples/hello_phoenix yields no findings', async () => {
    const files = await readProjectFiles(EXAMPLE);
    assert.ok(files.toolVersions && files.dockerfile && files.mixExs && files.deployYml, 'reads all the files');
    assert.equal(files.dockerfilePath, 'Dockerfile');
    assert.equal(files.distilleryConfig, undefined);
    assert.deepEqual(await checkProjectDir(EXAMPLE), []);
  });

  it('describes the example builder for the probe', async () => {
    const builder = describeBuilder(await readProjectFiles(EXAMPLE));
    assert.deepEqual(builder, {
      image: 'hexpm/elixir:1.14.0-erlang-25.2.3-debian-bookworm-20250520-slim',
      stage: 'builder', otp: '25.2.3', elixir: '1.14.0', os: D12,
      range: { file: 'Dockerfile', line: 12, column: 6, endLine: 12, endColumn: 22 },
    });
  });

  it('works with any subset of files, and with none', () => {
    assert.deepEqual(checkProject({}), []);
    assert.deepEqual(checkProject({ toolVersions: 'erlang 26.2.5\n' }), []);
    assert.deepEqual(checkProject({ dockerfile: DOCKERFILE }), []);
    assert.deepEqual(checkProject({ mixExs: project().mixExs }), []);
    assert.deepEqual(checkProject(project({ deployYml: undefined, mixExs: undefined })), []);
  });

  it('includes config-invalid findings from deploy.yml', () => {
    const findings = checkProject(project({ deployYml: DEPLOY_YML.replace('    os: debian-12\n', '    os: debian-12\n    colour: blue\n') }));
    assert.deepEqual(summary(findings), ['config-invalid error config/deploy.yml:8:5-8:11']);
  });

  it('build.target picks the builder; a target that is not a stage is config-invalid', () => {
    const dockerfile = 'FROM node:20 AS assets\nRUN npm ci\nFROM hexpm/elixir:1.15.7-erlang-26.1.2-debian-bookworm-20231009-slim AS build\nRUN mix release\nFROM debian:bookworm-slim\n';
    const withTarget = (target: string) => DEPLOY_YML.replace('  dockerfile: Dockerfile\n', `  dockerfile: Dockerfile\n  target: ${target}\n`);
    const built = checkProject(project({ dockerfile, deployYml: withTarget('build'), toolVersions: 'erlang 26.1.2\n' }));
    assert.deepEqual(built, []);
    const missing = checkProject(project({ dockerfile, deployYml: withTarget('release'), toolVersions: 'erlang 26.1.2\n' }));
    assert.deepEqual(summary(missing), ['config-invalid error config/deploy.yml:4:11-4:18']);
    assert.equal(missing[0].message, 'build.target "release" is not a stage of Dockerfile; its stages are: assets, build');
  });

  it('without build.target, the stage that runs `mix release` builds, not the first one', () => {
    const dockerfile = 'FROM node:20 AS assets\nRUN npm ci\nFROM hexpm/elixir:1.15.7-erlang-26.1.2-debian-bookworm-20231009-slim AS build\nRUN mix release\nFROM debian:bookworm-slim\n';
    const findings = checkProject(project({ dockerfile, toolVersions: 'erlang 26.2.5\n' }));
    assert.deepEqual(summary(findings), ['erlang-mismatch error .tool-versions:1:8-1:14', 'erlang-mismatch error Dockerfile:3:33-3:39']);
  });

  it('without a release command, the first stage builds; a single-stage file has no runner', () => {
    const dockerfile = 'FROM hexpm/elixir:1.16.2-erlang-26.2.5-debian-bookworm-20240612-slim\nWORKDIR /app\n';
    assert.deepEqual(checkProject(project({ dockerfile })), []);
  });

  it('a runner that grows out of the builder stage is not compared with it', () => {
    const dockerfile = 'FROM hexpm/elixir:1.16.2-erlang-26.2.5-debian-bookworm-20240612-slim AS build\nFROM build AS release\nRUN mix release\nFROM release\n';
    assert.deepEqual(checkProject(project({ dockerfile })), []);
  });

  it('a `FROM scratch` export stage is not a runner', () => {
    const dockerfile = `${DOCKERFILE}\nFROM scratch AS export\nCOPY --from=builder /app/_build/prod/rel /\n`;
    assert.deepEqual(checkProject(project({ dockerfile })), []);
  });

  it('reads the Dockerfile named by build.dockerfile, and reports findings against that path', () => {
    const deployYml = DEPLOY_YML.replace('dockerfile: Dockerfile', 'dockerfile: docker/Release.Dockerfile');
    const findings = checkProject({ ...project({ deployYml, toolVersions: 'erlang 25.3.2\n' }) });
    assert.deepEqual(summary(findings), ['erlang-mismatch error .tool-versions:1:8-1:14', 'erlang-mismatch error docker/Release.Dockerfile:3:17-3:23']);
    assert.deepEqual(findings[0].fix?.map((f) => `${f.title} ${at(f)}`), [
      'Use OTP 25.3.2 in docker/Release.Dockerfile docker/Release.Dockerfile:3:17-3:23',
      'Use erlang 26.2.5 in .tool-versions .tool-versions:1:8-1:14',
    ]);
  });

  it('sorts findings by file and position', () => {
    const findings = checkProject(project({
      toolVersions: 'erlang 25.3.2\nelixir 1.15.7-otp-25\n',
      deployYml: DEPLOY_YML.replace('debian-12', 'debian-11'),
    }));
    const keys = findings.map((f) => [f.file, f.line, f.column] as const);
    const sorted = [...keys].sort((a, b) => a[0].localeCompare(b[0]) || a[1] - b[1] || a[2] - b[2]);
    assert.deepEqual(keys, sorted);
    assert.deepEqual([...new Set(findings.map((f) => f.code))].sort(), ['elixir-mismatch', 'erlang-mismatch', 'os-mismatch']);
  });

  it('with probed image contents: the probe stands in for the tag, and a lying tag is reported', () => {
    const image = { image: 'local/builder:latest', otp: '25.2.3', elixir: '1.16.2', os: D12 };
    const findings = checkProject(project(), { image });
    assert.deepEqual(summary(findings), [
      'erlang-mismatch error .tool-versions:1:8-1:14',
      'erlang-mismatch error Dockerfile:3:17-3:23',
      'erlang-mismatch error Dockerfile:9:6-9:22',
    ]);
    assert.match(findings[0].message, /pins erlang 26\.2\.5, but the build image local\/builder:latest \(probed\) builds with OTP 25\.2\.3/);
    assert.equal(findings[1].message, 'The Dockerfile says OTP 26.2.5, but the image local/builder:latest has OTP 25.2.3 (probed)');
    // The probed builder side sits on the FROM, since the tag does not state its OTP.
    assert.deepEqual(findings[0].related?.map(at), ['Dockerfile:9:6-9:22']);
  });

  it('with probed contents that agree, findings keep their precise ranges and fixes', () => {
    const image = { image: 'x', otp: '26.2.5', elixir: '1.16.2', os: D12 };
    assert.deepEqual(checkProject(project(), { image }), []);
    const findings = checkProject(project({ toolVersions: 'erlang 26.1\n' }), { image });
    assert.deepEqual(summary(findings), ['erlang-mismatch error .tool-versions:1:8-1:12', 'erlang-mismatch error Dockerfile:3:17-3:23']);
    assert.deepEqual(findings[0].fix?.map((f) => f.title), ['Use OTP 26.1 in Dockerfile', 'Use erlang 26.2.5 in .tool-versions']);
  });

  it('a probe resolves what a tag does not say', () => {
    const dockerfile = 'FROM elixir:1.16 AS build\nRUN mix release\n';
    assert.equal(checkProject(project({ dockerfile })).filter((f) => f.code === 'version-unknown').length, 2);
    const image = { image: 'elixir:1.16', otp: '26.2.5', elixir: '1.16.2', os: { family: 'debian', release: '11', codename: 'bullseye' } };
    const findings = checkProject(project({ dockerfile }), { image });
    assert.deepEqual(summary(findings), ['os-mismatch error config/deploy.yml:7:9-7:18', 'os-mismatch error Dockerfile:1:6-1:17']);
  });
});
