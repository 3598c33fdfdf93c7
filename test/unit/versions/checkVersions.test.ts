import assert from 'node:assert/strict';
import { checkProject, type CheckFinding } from '../../../src/core/versions/check';
import { TOOL_VERSIONS, at, project, summary } from './fixtures';

const TV_ERLANG = '.tool-versions:1:8-1:14';
const TV_ELIXIR = '.tool-versions:2:8-2:14';
const TV_ELIXIR_OTP = '.tool-versions:2:19-2:21';
const DF_ELIXIR = 'Dockerfile:2:20-2:26';
const DF_OTP = 'Dockerfile:3:17-3:23';
const DF_FROM = 'Dockerfile:9:6-9:22';

function fixes(finding: CheckFinding): string[] {
  return (finding.fix ?? []).map((f) => `${f.title} | ${at(f)} -> ${f.newText}${f.preferred ? ' (preferred)' : ''}`);
}

describe('checkProject: versions', () => {
  it('finds nothing in a consistent project', () => {
    assert.deepEqual(checkProject(project()), []);
  });

  it('erlang-mismatch: one error on each side, pointing at each other, with both fixes', () => {
    const findings = checkProject(project({ toolVersions: TOOL_VERSIONS.replace('26.2.5', '26.1.2') }));
    assert.deepEqual(summary(findings), [`erlang-mismatch error ${TV_ERLANG}`, `erlang-mismatch error ${DF_OTP}`]);
    const [tv, df] = findings;
    assert.match(tv.message, /pins erlang 26\.1\.2, but the builder stage "builder" .* builds with OTP 26\.2\.5/);
    assert.match(df.message, /builds with OTP 26\.2\.5, but \.tool-versions pins erlang 26\.1\.2/);
    assert.deepEqual(tv.related?.map((r) => `${at(r)} ${r.message}`), [`${DF_OTP} OTP 26.2.5 is set here`, `${DF_FROM} used by this FROM`]);
    assert.deepEqual(df.related?.map((r) => `${at(r)} ${r.message}`), [`${TV_ERLANG} erlang 26.1.2 is pinned here`, `${DF_FROM} used by this FROM`]);
    const expectedFixes = [
      `Use OTP 26.1.2 in Dockerfile | ${DF_OTP} -> 26.1.2 (preferred)`,
      `Use erlang 26.2.5 in .tool-versions | ${TV_ERLANG} -> 26.2.5`,
    ];
    assert.deepEqual(fixes(tv), expectedFixes);
    assert.deepEqual(fixes(df), expectedFixes);
  });

  it('a pin is exact: a shorter OTP release is a patch-level difference (warning), another minor an error', () => {
    const patch = checkProject(project({ toolVersions: 'erlang 26.2\n' }));
    assert.deepEqual(summary(patch), ['erlang-mismatch warning .tool-versions:1:8-1:12', `erlang-mismatch warning ${DF_OTP}`]);
    assert.match(patch[0].message, /pins erlang 26\.2, but .* builds with OTP 26\.2\.5 \(a patch-level difference\)/);
    assert.deepEqual(summary(checkProject(project({ toolVersions: 'erlang 26.1\n' }))), ['erlang-mismatch error .tool-versions:1:8-1:12', `erlang-mismatch error ${DF_OTP}`]);
    assert.deepEqual(summary(checkProject(project({ toolVersions: 'erlang 25.3.2\n' }))), ['erlang-mismatch error .tool-versions:1:8-1:14', `erlang-mismatch error ${DF_OTP}`]);
  });

  it('a fix writes any OTP release into a hexpm tag, and the image\'s version into the pin', () => {
    const [tv] = checkProject(project({ toolVersions: 'erlang 25.3\n' }));
    assert.deepEqual(fixes(tv), [
      `Use OTP 25.3 in Dockerfile | ${DF_OTP} -> 25.3 (preferred)`,
      'Use erlang 26.2.5 in .tool-versions | .tool-versions:1:8-1:12 -> 26.2.5',
    ]);
  });

  it('elixir-mismatch: a warning on each side, fixing only the version part of `-otp-NN`', () => {
    const findings = checkProject(project({ toolVersions: 'erlang 26.2.5\nelixir 1.16.3-otp-26\n' }));
    assert.deepEqual(summary(findings), [`elixir-mismatch warning ${TV_ELIXIR}`, `elixir-mismatch warning ${DF_ELIXIR}`]);
    assert.deepEqual(fixes(findings[0]), [
      `Use Elixir 1.16.3 in Dockerfile | ${DF_ELIXIR} -> 1.16.3 (preferred)`,
      `Use elixir 1.16.2 in .tool-versions | ${TV_ELIXIR} -> 1.16.2`,
    ]);
    assert.equal(findings[1].related?.[0].message, 'elixir 1.16.3 is pinned here');
  });

  it('elixir-otp-mismatch inside .tool-versions: warnings on both lines', () => {
    const findings = checkProject(project({ toolVersions: 'erlang 26.2.5\nelixir 1.16.2-otp-25\n' }));
    assert.deepEqual(summary(findings), [`elixir-otp-mismatch warning ${TV_ERLANG}`, `elixir-otp-mismatch warning ${TV_ELIXIR_OTP}`]);
    assert.equal(at(findings[0].related![0]), TV_ELIXIR_OTP);
    assert.equal(at(findings[1].related![0]), TV_ERLANG);
    assert.deepEqual(fixes(findings[1]), [`Use elixir 1.16.2-otp-26 in .tool-versions | ${TV_ELIXIR_OTP} -> 26 (preferred)`]);
  });

  it('elixir-otp-mismatch against the image when .tool-versions has no erlang: an error', () => {
    const findings = checkProject(project({ toolVersions: 'elixir 1.16.2-otp-25\n' }));
    assert.deepEqual(summary(findings), [`elixir-otp-mismatch error .tool-versions:1:19-1:21`, `elixir-otp-mismatch error ${DF_OTP}`]);
    assert.match(findings[1].message, /builds with OTP 26\.2\.5, but elixir 1\.16\.2-otp-25 in \.tool-versions is compiled for OTP 25/);
  });

  it('elixir-requirement: mix.exs and every Elixir that fails it', () => {
    const findings = checkProject(project({ mixExs: (text()).replace('~> 1.15', '~> 1.17') }));
    assert.deepEqual(summary(findings), [
      `elixir-requirement warning ${TV_ELIXIR}`,
      `elixir-requirement warning ${DF_ELIXIR}`,
      'elixir-requirement warning mix.exs:8:16-8:23',
    ]);
    const mix = findings[2];
    assert.equal(mix.message, 'mix.exs requires Elixir "~> 1.17", but .tool-versions pins elixir 1.16.2 and the builder stage "builder" (hexpm/elixir:1.16.2-erlang-26.2.5-debian-bookworm-20240612-slim) builds with Elixir 1.16.2');
    assert.deepEqual(mix.related?.map(at), [TV_ELIXIR, DF_ELIXIR]);
    assert.deepEqual(findings[0].related?.map(at), ['mix.exs:8:16-8:23']);
  });

  it('elixir-requirement accepts `and`/`or` requirements that are met, and flags an unreadable one', () => {
    assert.deepEqual(checkProject(project({ mixExs: text().replace('~> 1.15', '>= 1.14.0 and < 2.0.0 or ~> 2.0') })), []);
    const findings = checkProject(project({ mixExs: text().replace('~> 1.15', 'one point fifteen') }));
    assert.deepEqual(summary(findings), ['version-unknown info mix.exs:8:16-8:33']);
  });

  it('version-unknown (info, never an error) for ref:, path: and system', () => {
    const findings = checkProject(project({ toolVersions: 'erlang ref:OTP-26.2.5\nelixir system\n' }));
    assert.deepEqual(summary(findings), ['version-unknown info .tool-versions:1:8-1:22', 'version-unknown info .tool-versions:2:8-2:14']);
    assert.match(findings[0].message, /erlang ref:OTP-26\.2\.5 is built from a git ref/);
    assert.match(findings[1].message, /elixir system uses whatever elixir is installed on this machine/);
    assert.deepEqual(summary(checkProject(project({ toolVersions: 'elixir path:/opt/elixir\n' }))), ['version-unknown info .tool-versions:1:8-1:24']);
  });

  it('version-unknown when the builder image is chosen at build time', () => {
    const dockerfile = 'ARG BUILDER_IMAGE\nFROM ${BUILDER_IMAGE} AS builder\nRUN mix release\n';
    const findings = checkProject(project({ dockerfile, deployYml: undefined }));
    assert.deepEqual(summary(findings), ['version-unknown info Dockerfile:2:6-2:22']);
    assert.match(findings[0].message, /Cannot tell which OTP or Elixir the builder stage "builder" has: ARG BUILDER_IMAGE has no default value/);
    assert.deepEqual(findings[0].related?.map(at), [TV_ERLANG, TV_ELIXIR]);
  });

  it('hexpm/erlang builders: OTP is compared, Elixir is unknown', () => {
    const dockerfile = 'FROM hexpm/erlang:26.2.5-debian-bookworm-20240612-slim AS build\nRUN mix release\n';
    assert.deepEqual(summary(checkProject(project({ dockerfile }))), ['version-unknown info Dockerfile:1:6-1:55']);
    const mismatch = checkProject(project({ dockerfile, toolVersions: 'erlang 25.3.2.12\n' }));
    assert.deepEqual(summary(mismatch), ['erlang-mismatch error .tool-versions:1:8-1:17', 'erlang-mismatch error Dockerfile:1:19-1:25']);
    assert.deepEqual(fixes(mismatch[0])[0], 'Use OTP 25.3.2.12 in Dockerfile | Dockerfile:1:19-1:25 -> 25.3.2.12 (preferred)');
  });

  it('official elixir images: `-otp-NN` is a major, and its fix writes a major', () => {
    const dockerfile = 'FROM elixir:1.16.2-otp-26-slim AS build\nRUN mix release\nFROM debian:bookworm-slim\n';
    assert.deepEqual(checkProject(project({ dockerfile })).filter((f) => f.code !== 'version-unknown'), []);
    const findings = checkProject(project({ dockerfile, toolVersions: 'erlang 25.3.2\nelixir 1.16.2-otp-25\n' }));
    const erlang = findings.filter((f) => f.code === 'erlang-mismatch');
    assert.deepEqual(summary(erlang), ['erlang-mismatch error .tool-versions:1:8-1:14', 'erlang-mismatch error Dockerfile:1:24-1:26']);
    assert.deepEqual(fixes(erlang[0]), ['Use OTP 25 in Dockerfile | Dockerfile:1:24-1:26 -> 25 (preferred)']);
  });

  it('a fix rewrites the FROM tag when the version is written there', () => {
    const dockerfile = 'FROM hexpm/elixir:1.16.2-erlang-26.2.5-debian-bookworm-20240612-slim AS build\nRUN mix release\nFROM debian:bookworm-20240612-slim\n';
    const findings = checkProject(project({ dockerfile, toolVersions: 'erlang 27.0.1\n' }));
    assert.deepEqual(summary(findings), ['erlang-mismatch error .tool-versions:1:8-1:14', 'erlang-mismatch error Dockerfile:1:33-1:39']);
    assert.equal(findings[1].related?.length, 1);
    assert.deepEqual(fixes(findings[0])[0], 'Use OTP 27.0.1 in Dockerfile | Dockerfile:1:33-1:39 -> 27.0.1 (preferred)');
  });

  it('a value built from several ARGs gets its finding on the FROM, without a Dockerfile fix', () => {
    const dockerfile = 'ARG MAJOR=26\nARG MINOR=2.5\nFROM hexpm/erlang:${MAJOR}.${MINOR}-alpine-3.19.1 AS build\n';
    const findings = checkProject(project({ dockerfile, toolVersions: 'erlang 25.3.2\n', deployYml: undefined }));
    assert.deepEqual(summary(findings), ['erlang-mismatch error .tool-versions:1:8-1:14', 'erlang-mismatch error Dockerfile:3:6-3:50']);
    assert.deepEqual(fixes(findings[0]), ['Use erlang 26.2.5 in .tool-versions | .tool-versions:1:8-1:14 -> 26.2.5']);
  });
});

function text(): string {
  return project().mixExs!;
}
