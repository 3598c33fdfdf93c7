import assert from 'node:assert/strict';
import { checkProject, type CheckFinding, type ProjectFiles } from '../../../src/core/versions/check';
import { DOCKERFILE, at, project, summary } from './fixtures';

function fixes(finding: CheckFinding): string[] {
  return (finding.fix ?? []).map((f) => `${f.title} | ${at(f)} -> ${f.newText}${f.preferred ? ' (preferred)' : ''}`);
}

/** The phx.gen.release fixture building with other versions. */
function dockerfile(elixir: string, otp: string): string {
  return DOCKERFILE.replace('ELIXIR_VERSION=1.16.2', `ELIXIR_VERSION=${elixir}`).replace('OTP_VERSION=26.2.5', `OTP_VERSION=${otp}`);
}

const DF_ELIXIR = 'Dockerfile:2:20-2:26';
const DF_OTP = 'Dockerfile:3:17-3:23';
const loud = (findings: CheckFinding[]) => findings.filter((f) => f.severity !== 'info');

describe('checkProject: a .tool-versions pin is exactly what asdf installs', () => {
  it('erlang 25.0 against OTP 25.0.4: a patch-level warning on both sides, with fixes in the same format', () => {
    const findings = checkProject(project({ toolVersions: 'erlang 25.0\nelixir 1.14.0-otp-25\n', dockerfile: dockerfile('1.14.0', '25.0.4'), mixExs: undefined }));
    assert.deepEqual(summary(findings), ['erlang-mismatch warning .tool-versions:1:8-1:12', `erlang-mismatch warning ${DF_OTP}`]);
    assert.match(findings[0].message, /pins erlang 25\.0, but .* builds with OTP 25\.0\.4 \(a patch-level difference\)/);
    assert.deepEqual(fixes(findings[0]), [
      `Use OTP 25.0 in Dockerfile | ${DF_OTP} -> 25.0 (preferred)`,
      'Use erlang 25.0.4 in .tool-versions | .tool-versions:1:8-1:12 -> 25.0.4',
    ]);
  });

  it('erlang 26.2.5 against OTP 26.2.5.1 (exact) is a patch-level warning too; against a floating erlang:26 it agrees', () => {
    const hexpm = 'FROM hexpm/erlang:26.2.5.1-debian-bookworm-20240612-slim AS build\nRUN mix release\n';
    assert.deepEqual(summary(loud(checkProject(project({ toolVersions: 'erlang 26.2.5\n', dockerfile: hexpm, deployYml: undefined })))),
      ['erlang-mismatch warning .tool-versions:1:8-1:14', 'erlang-mismatch warning Dockerfile:1:19-1:27']);
    const official = 'FROM erlang:26-slim AS build\nRUN mix release\n';
    assert.deepEqual(loud(checkProject(project({ toolVersions: 'erlang 26.2.5\n', dockerfile: official, deployYml: undefined }))), []);
  });

  it('elixir 1.15 is the tip of a branch build: not pinned, compared with nothing', () => {
    const findings = checkProject(project({ toolVersions: 'erlang 26.2.5\nelixir 1.15\n' }));
    assert.deepEqual(summary(findings), ['version-unknown info .tool-versions:2:8-2:12']);
    assert.match(findings[0].message, /pins elixir 1\.15, which is not one version: asdf installs the tip of the v1\.15 branch build/);
    assert.equal(findings[0].fix, undefined, 'the image builds 1.16.2, which is not a 1.15');
  });

  it('a floating pin that the image version extends gets a fix that pins the image\'s exact version', () => {
    const findings = checkProject(project({ toolVersions: 'erlang 26\nelixir 1.16-otp-26\n' }));
    assert.deepEqual(summary(findings), ['version-unknown info .tool-versions:1:8-1:10', 'version-unknown info .tool-versions:2:8-2:12']);
    assert.match(findings[0].message, /no OTP release is called 26/);
    assert.deepEqual(fixes(findings[0]), ["Pin erlang 26.2.5 (the build image's) in .tool-versions | .tool-versions:1:8-1:10 -> 26.2.5 (preferred)"]);
    assert.deepEqual(fixes(findings[1]), ["Pin elixir 1.16.2 (the build image's) in .tool-versions | .tool-versions:2:8-2:12 -> 1.16.2 (preferred)"]);
  });

  it('reads `v`-prefixed Elixir, compares it, and fixes only the number', () => {
    const text = 'erlang 28.1\nelixir v1.19.4-otp-28';
    assert.deepEqual(checkProject(project({ toolVersions: text, dockerfile: dockerfile('1.19.4', '28.1') })), []);
    const findings = checkProject(project({ toolVersions: text, dockerfile: dockerfile('1.19.3', '28.1') }));
    assert.deepEqual(summary(findings), ['elixir-mismatch warning .tool-versions:2:9-2:15', `elixir-mismatch warning ${DF_ELIXIR}`]);
    assert.deepEqual(fixes(findings[0]), [
      `Use Elixir 1.19.4 in Dockerfile | ${DF_ELIXIR} -> 1.19.4 (preferred)`,
      'Use elixir 1.19.3 in .tool-versions | .tool-versions:2:9-2:15 -> 1.19.3',
    ]);
  });
});

describe('checkProject: mise files', () => {
  const MISE = '[tools]\nerlang = "26.2.5"\nelixir = "1.16.2-otp-26"\nnode = "22"\n';

  it('a mise.toml that agrees with the image has no findings', () => {
    assert.deepEqual(checkProject(project({ toolVersions: undefined, mise: { 'mise.toml': MISE } })), []);
  });

  it('a mismatch in mise.toml gets the same rules, exact ranges inside the quotes, and fixes', () => {
    const findings = checkProject(project({ toolVersions: undefined, mise: { 'mise.toml': MISE.replace('26.2.5', '26.1.2') } }));
    assert.deepEqual(summary(findings), [`erlang-mismatch error ${DF_OTP}`, 'erlang-mismatch error mise.toml:2:11-2:17']);
    assert.match(findings[1].message, /^mise\.toml pins erlang 26\.1\.2, but/);
    assert.deepEqual(fixes(findings[1]), [
      `Use OTP 26.1.2 in Dockerfile | ${DF_OTP} -> 26.1.2 (preferred)`,
      'Use erlang 26.2.5 in mise.toml | mise.toml:2:11-2:17 -> 26.2.5',
    ]);
    const elixir = checkProject(project({ toolVersions: undefined, mise: { 'mise.toml': '[tools.elixir]\nversion = "1.16.3-otp-26"\n' } }));
    assert.deepEqual(summary(elixir), [`elixir-mismatch warning ${DF_ELIXIR}`, 'elixir-mismatch warning mise.toml:2:12-2:18']);
  });

  it('mise precedence: .mise.toml over mise.toml over .tool-versions, per tool; the overridden pin is told', () => {
    const toolVersions = 'erlang 26.2.5\nelixir 1.16.2-otp-26\n';
    const findings = checkProject(project({ toolVersions, mise: { 'mise.toml': '[tools]\nerlang = "26.2.4"\n' } }));
    assert.deepEqual(summary(findings), [
      'pin-shadowed info .tool-versions:1:8-1:14',
      `erlang-mismatch warning ${DF_OTP}`,
      'erlang-mismatch warning mise.toml:2:11-2:17',
    ]);
    const shadowed = findings[0];
    assert.match(shadowed.message, /\.tool-versions pins erlang 26\.2\.5, but mise uses erlang 26\.2\.4 from mise\.toml, which takes precedence \(asdf still reads this line\)/);
    assert.deepEqual(shadowed.related?.map(at), ['mise.toml:2:11-2:17']);
    assert.deepEqual(fixes(shadowed), ['Use erlang 26.2.4 in .tool-versions | .tool-versions:1:8-1:14 -> 26.2.4 (preferred)']);

    const both = checkProject(project({ toolVersions, mise: { 'mise.toml': '[tools]\nerlang = "26.2.4"\n', '.mise.toml': '[tools.erlang]\nversion = "26.2.5"\n' } }));
    assert.deepEqual(summary(both), ['pin-shadowed info mise.toml:2:11-2:17']);
    assert.match(both[0].message, /mise uses erlang 26\.2\.5 from \.mise\.toml/);
  });

  it('an elixir from .tool-versions built for another OTP than mise.toml\'s erlang', () => {
    const findings = checkProject(project({ toolVersions: 'elixir 1.16.2-otp-26\n', mise: { 'mise.toml': '[tools]\nerlang = "27.2"\n' }, dockerfile: dockerfile('1.16.2', '27.2') }));
    assert.deepEqual(summary(findings), ['elixir-otp-mismatch warning .tool-versions:1:19-1:21', 'elixir-otp-mismatch warning mise.toml:2:11-2:15']);
    assert.match(findings[0].message, /compiled for OTP 26, but erlang 27\.2 in mise\.toml is OTP 27/);
  });

  it('a mise prefix floats: information, no comparison', () => {
    const findings = checkProject(project({ toolVersions: undefined, mise: { 'mise.toml': '[tools]\nerlang = "26"\nelixir = "1.16.2-otp-26"\n' } }));
    assert.deepEqual(summary(findings), ['version-unknown info mise.toml:2:11-2:13']);
    assert.match(findings[0].message, /mise installs the newest 26\.x it can find/);
  });

  it('invalid TOML is information at the error, and the other pins are still checked', () => {
    const findings = checkProject(project({ mise: { 'mise.toml': '[tools]\nerlang = "27.2\n' } }));
    assert.deepEqual(findings.map((f) => `${f.code} ${f.severity} ${f.file}:${f.line}`), ['version-unknown info mise.toml:2']);
    assert.match(findings[0].message, /mise\.toml is not valid TOML/);
    const withMismatch = checkProject(project({ toolVersions: 'erlang 26.1.2\n', mise: { 'mise.toml': '[tools\n' } }));
    assert.ok(withMismatch.some((f) => f.code === 'erlang-mismatch' && f.file === '.tool-versions'));
  });
});

describe('checkProject: versions declared with ENV/ARG in images whose tag says nothing', () => {
  const BIONIC = [
    'FROM ubuntu:bionic AS build',
    'ENV ELIXIR_VERSION=1.9.4 \\',
    '    LANG=C.UTF-8',
    'RUN wget -q https://github.com/elixir-lang/elixir/releases/download/v${ELIXIR_VERSION}/Precompiled.zip && mix release',
    '',
  ].join('\n');

  it('shows the declared version as information at its value, and OTP as unknown on the FROM', () => {
    const findings = checkProject(project({ toolVersions: 'erlang 22.3.4\nelixir 1.9.4-otp-22\n', dockerfile: BIONIC, deployYml: undefined, mixExs: undefined }));
    assert.deepEqual(summary(findings), ['version-unknown info Dockerfile:1:6-1:19', 'version-unknown info Dockerfile:2:20-2:25']);
    assert.match(findings[1].message, /^ENV ELIXIR_VERSION declares Elixir 1\.9\.4 for the builder stage "build" \(ubuntu:bionic\), whose tag does not state it, as \.tool-versions pins\..*check --probe/);
    assert.deepEqual(findings[1].related?.map(at), ['.tool-versions:2:8-2:13', 'Dockerfile:1:6-1:19']);
    assert.match(findings[0].message, /Cannot tell which OTP the builder stage "build"/);
  });

  it('never raises an error from such a guess, even when it disagrees with the pin', () => {
    const text = BIONIC.replace('LANG=C.UTF-8', 'OTP_VERSION="21.3.8" LANG=C.UTF-8');
    const findings = checkProject(project({ toolVersions: 'erlang 22.3.4\nelixir 1.10.0-otp-22\n', dockerfile: text, deployYml: undefined, mixExs: undefined }));
    assert.deepEqual(summary(findings), ['version-unknown info Dockerfile:2:20-2:25', 'version-unknown info Dockerfile:3:18-3:24']);
    assert.match(findings[0].message, /declares Elixir 1\.9\.4 .*, but \.tool-versions pins elixir 1\.10\.0/);
    assert.match(findings[1].message, /^ENV OTP_VERSION declares OTP 21\.3\.8 /);
  });

  it('reads a stage ARG and the legacy `ENV NAME value` form, and a parent stage\'s ENV', () => {
    const text = 'FROM ubuntu:jammy AS base\nENV ERLANG_VERSION 25.3.2\nFROM base AS build\nARG ELIXIR_VERSION=v1.15.7\nRUN mix release\n';
    const findings = checkProject(project({ toolVersions: 'erlang 25.3.2\nelixir 1.15.7-otp-25\n', dockerfile: text, deployYml: undefined, mixExs: undefined }));
    assert.deepEqual(summary(findings), ['version-unknown info Dockerfile:2:20-2:26', 'version-unknown info Dockerfile:4:21-4:27']);
  });
});

describe('checkProject: zero false errors on the shapes real projects use', () => {
  const agreeing: Array<[string, Partial<ProjectFiles>]> = [
    ['phx.gen.release ARGs', {}],
    ['.tool-versions without a final newline', { toolVersions: 'erlang 26.2.5\nelixir 1.16.2-otp-26' }],
    ['trailing spaces and CRLF', { toolVersions: 'erlang 26.2.5 \r\nelixir 1.16.2-otp-26  \r\n' }],
    ['# comments and other tools', { toolVersions: '# pinned for prod\nnodejs 20.11.1 # assets\nerlang 26.2.5 # OTP\n\nelixir 1.16.2-otp-26\n' }],
    ['`latest` for a tool that is not checked', { toolVersions: 'erlang 26.2.5\nelixir 1.16.2-otp-26\nnodejs latest\n' }],
    ['official elixir tag on alpine', {
      dockerfile: 'FROM elixir:1.16.2-otp-26-alpine AS build\nRUN mix release\nFROM alpine:3.19\n',
      deployYml: 'app: my_app\nenvironments:\n  production:\n    deploy_to: /opt/my_app\n    os: alpine-3.19\n    hosts: [web1.example.com]\n    restart: sudo systemctl restart my_app\n',
    }],
    ['hexpm on alpine', {
      dockerfile: 'FROM hexpm/elixir:1.16.2-erlang-26.2.5-alpine-3.19.1 AS build\nRUN mix release\nFROM alpine:3.19.1\n',
      deployYml: 'app: my_app\nenvironments:\n  production:\n    deploy_to: /opt/my_app\n    os: alpine-3.19\n    hosts: [web1.example.com]\n    restart: sudo systemctl restart my_app\n',
    }],
    ['hexpm on ubuntu jammy', {
      dockerfile: DOCKERFILE.replace('-debian-${DEBIAN_VERSION}', '-ubuntu-${DEBIAN_VERSION}').replace('bookworm-20240612-slim', 'jammy-20240530').replace('"debian:${DEBIAN_VERSION}"', '"ubuntu:${DEBIAN_VERSION}"'),
      deployYml: 'app: my_app\nenvironments:\n  production:\n    deploy_to: /opt/my_app\n    os: ubuntu-22.04\n    hosts: [web1.example.com]\n    restart: sudo systemctl restart my_app\n',
    }],
    ['mise.toml beside an agreeing .tool-versions', { mise: { 'mise.toml': '[tools]\nerlang = "26.2.5"\nelixir = "1.16.2-otp-26"\n' } }],
  ];
  for (const [shape, files] of agreeing) {
    it(shape, () => assert.deepEqual(summary(loud(checkProject(project(files)))), []));
  }

  it('a builder on ubuntu-resolute (26.04) is compared, not unknown', () => {
    const files = {
      toolVersions: 'erlang 27.3.4\nelixir 1.18.4-otp-27\n',
      dockerfile: 'FROM hexpm/elixir:1.18.4-erlang-27.3.4-ubuntu-resolute-20260401 AS build\nRUN mix release\nFROM ubuntu:resolute-20260401\n',
      deployYml: 'app: my_app\nenvironments:\n  production:\n    deploy_to: /opt/my_app\n    os: ubuntu-26.04\n    hosts: [web1.example.com]\n    restart: sudo systemctl restart my_app\n',
    };
    assert.deepEqual(checkProject(project(files)), []);
    const older = checkProject(project({ ...files, deployYml: files.deployYml.replace('ubuntu-26.04', 'ubuntu-24.04') }));
    // the builder's FROM, deploy.yml's os:, and the final stage's FROM (the hosts' spec)
    assert.deepEqual(older.map((f) => `${f.code} ${f.severity}`), ['os-mismatch error', 'os-mismatch error', 'os-mismatch error']);
  });
});
