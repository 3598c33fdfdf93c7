import assert from 'node:assert/strict';
import { parseDockerfile, rootStage, runsMixRelease, sourceRangeOf, type ParsedDockerfile } from '../../../src/core/versions/dockerfile';
import { parseImageReference } from '../../../src/core/versions/imageTags';
import { DOCKERFILE } from './fixtures';

/** Source range of the OTP part of a stage's resolved image. */
function otpSource(parsed: ParsedDockerfile, index: number) {
  const stage = parsed.stages[index];
  const otp = parseImageReference(stage.image.value).otp!;
  return sourceRangeOf(parsed, stage.image, otp.start, otp.end);
}

describe('parseDockerfile', () => {
  it('resolves the phx.gen.release shape through nested ARG defaults', () => {
    const parsed = parseDockerfile(DOCKERFILE);
    assert.equal(parsed.stages.length, 2);
    const [builder, runner] = parsed.stages;
    assert.equal(builder.name, 'builder');
    assert.equal(builder.image.value, 'hexpm/elixir:1.16.2-erlang-26.2.5-debian-bookworm-20240612-slim');
    assert.equal(builder.imageText, '${BUILDER_IMAGE}');
    assert.deepEqual(builder.imageRange, { line: 9, column: 6, endLine: 9, endColumn: 22 });
    assert.equal(runner.name, undefined);
    assert.equal(runner.image.value, 'debian:bookworm-20240612-slim');
    // The OTP characters come from `ARG OTP_VERSION=26.2.5` on line 3.
    assert.deepEqual(otpSource(parsed, 0), { line: 3, column: 17, endLine: 3, endColumn: 23 });
    assert.deepEqual(parsed.globalArgs.map((a) => a.name), ['ELIXIR_VERSION', 'OTP_VERSION', 'DEBIAN_VERSION', 'BUILDER_IMAGE', 'RUNNER_IMAGE']);
    assert.ok(builder.runs.some(runsMixRelease));
    assert.ok(!runner.runs.some(runsMixRelease));
    assert.deepEqual(parsed.buildKitFeatures, []);
  });

  it('substitutes $VAR, ${VAR:-default} and ${VAR:+alt}, tracing defaults to their text', () => {
    const text = [
      'ARG OTP=26.2.5',
      'ARG EMPTY',
      'FROM hexpm/erlang:$OTP-alpine-3.19.1 AS a',
      'FROM hexpm/erlang:${MISSING:-25.3.2.12}-alpine-3.18.6 AS b',
      'FROM erlang:${OTP:+27}-alpine AS c',
      'FROM erlang:${EMPTY:-24}${EMPTY:+x} AS d',
    ].join('\n');
    const parsed = parseDockerfile(text);
    assert.deepEqual(parsed.stages.map((s) => s.image.value), [
      'hexpm/erlang:26.2.5-alpine-3.19.1', 'hexpm/erlang:25.3.2.12-alpine-3.18.6', 'erlang:27-alpine', 'erlang:24',
    ]);
    assert.deepEqual(otpSource(parsed, 0), { line: 1, column: 9, endLine: 1, endColumn: 15 });
    assert.deepEqual(otpSource(parsed, 1), { line: 4, column: 30, endLine: 4, endColumn: 39 });
    assert.deepEqual(parsed.stages.map((s) => s.missingArgs), [[], [], [], []]);
  });

  it('reports ARGs without a value used by FROM', () => {
    const parsed = parseDockerfile('ARG BUILDER_IMAGE\nFROM ${BUILDER_IMAGE} AS builder\nFROM $RUNNER\n');
    assert.deepEqual(parsed.stages[0].missingArgs, ['BUILDER_IMAGE']);
    assert.equal(parsed.stages[0].image.value, '');
    assert.deepEqual(parsed.stages[1].missingArgs, ['RUNNER']);
  });

  it('links stages built FROM earlier stages, case-insensitively', () => {
    const parsed = parseDockerfile('FROM hexpm/elixir:1.16.2-erlang-26.2.5-debian-bookworm-20240612-slim AS Build\nfrom build as RELEASE\nRUN mix release\nFROM release\n');
    assert.deepEqual(parsed.stages.map((s) => s.name), ['build', 'release', undefined]);
    assert.deepEqual(parsed.stages.map((s) => s.baseStage), [undefined, 0, 1]);
    assert.equal(rootStage(parsed, parsed.stages[2]).index, 0);
    assert.ok(parsed.stages[1].runs.some(runsMixRelease));
  });

  it('joins continuations, skips comments inside them and handles CRLF and --platform', () => {
    const text = '# syntax note\r\nFROM --platform=$BUILDPLATFORM \\\r\n  # the builder\r\n  hexpm/elixir:1.16.2-erlang-26.2.5-alpine-3.19.1 \\\r\n  AS build\r\nRUN mix do deps.get, \\\r\n  release --overwrite\r\n';
    const parsed = parseDockerfile(text);
    const stage = parsed.stages[0];
    assert.equal(stage.platform, '$BUILDPLATFORM');
    assert.equal(stage.name, 'build');
    assert.equal(stage.image.value, 'hexpm/elixir:1.16.2-erlang-26.2.5-alpine-3.19.1');
    assert.deepEqual(stage.imageRange, { line: 4, column: 3, endLine: 4, endColumn: 50 });
    assert.deepEqual(otpSource(parsed, 0), { line: 4, column: 30, endLine: 4, endColumn: 36 });
    assert.deepEqual(stage.fromRange, { line: 2, column: 1, endLine: 5, endColumn: 11 });
    assert.ok(stage.runs.some(runsMixRelease));
  });

  it('honours the escape directive', () => {
    const parsed = parseDockerfile('# escape=`\nARG V=26.2.5\nFROM erlang:${V} `\n  AS build\n');
    assert.equal(parsed.stages[0].image.value, 'erlang:26.2.5');
    assert.equal(parsed.stages[0].name, 'build');
  });

  it('removes quotes from ARG values; single quotes stop substitution', () => {
    const parsed = parseDockerfile(`ARG A="x y"\nARG B='\${A}'\nARG C=\${A}-z D=$C\nFROM alpine:3.19\nARG A\nARG E=1\n`);
    const values = Object.fromEntries(parsed.globalArgs.map((a) => [a.name, a.value?.value]));
    assert.deepEqual(values, { A: 'x y', B: '${A}', C: 'x y-z', D: 'x y-z' });
    assert.deepEqual(parsed.stages[0].args.map((a) => [a.name, a.value?.value]), [['A', 'x y'], ['E', '1']]);
  });

  it('reads ENV in both forms, substituting the stage\'s ARGs and earlier ENVs', () => {
    const text = 'FROM ubuntu:bionic\nARG OTP=22.3.4\nENV ELIXIR_VERSION=1.9.4 \\\n    OTP_VERSION="$OTP" LANG=C.UTF-8\nENV MIX_HOME /opt/mix home\nENV BOTH=${ELIXIR_VERSION}-x\n';
    const env = parseDockerfile(text).stages[0].env;
    assert.deepEqual(env.map((e) => [e.name, e.value.value]), [
      ['ELIXIR_VERSION', '1.9.4'], ['OTP_VERSION', '22.3.4'], ['LANG', 'C.UTF-8'], ['MIX_HOME', '/opt/mix home'], ['BOTH', '1.9.4-x'],
    ]);
    assert.deepEqual(env[0].range, { line: 3, column: 5, endLine: 3, endColumn: 25 });
    assert.deepEqual(env[3].range, { line: 5, column: 5, endLine: 5, endColumn: 27 });
    assert.deepEqual(parseDockerfile('ENV A=1\n').stages, []);
  });

  it('detects BuildKit-only features with their ranges', () => {
    const text = 'FROM alpine:3.19\nRUN --mount=type=cache,target=/root/.mix mix deps.get\nRUN --network=none true\nRUN <<EOF\nmix release\nEOF\nCOPY <<EOF /x\nhi\nEOF\n';
    const parsed = parseDockerfile(text);
    assert.deepEqual(parsed.buildKitFeatures.map((f) => [f.feature, f.range.line, f.range.column, f.range.endColumn]), [
      ['run-mount', 2, 5, 41], ['run-network', 3, 5, 19], ['heredoc', 4, 5, 10], ['heredoc', 7, 6, 11],
    ]);
    // The heredoc body is part of the RUN, not instructions of its own.
    assert.ok(parsed.stages[0].runs[2].text.includes('mix release'));
    assert.equal(parsed.stages.length, 1);
  });

  it('recognises release commands and not look-alikes', () => {
    const run = (text: string) => runsMixRelease({ text, range: { line: 1, column: 1, endLine: 1, endColumn: 1 } });
    assert.ok(run('mix release'));
    assert.ok(run('MIX_ENV=prod mix release --overwrite'));
    assert.ok(run('mix distillery.release --env=prod'));
    assert.ok(run('["mix", "release"]'));
    assert.ok(run('mix do compile, release'));
    assert.ok(!run('mix release.init'));
    assert.ok(!run('mix compile && echo release'));
  });

  it('survives junk and empty input', () => {
    assert.deepEqual(parseDockerfile('').stages, []);
    assert.doesNotThrow(() => parseDockerfile('FROM\nFROM ${\nARG =\nFROM $\u0000 AS\n\\\n'));
    assert.doesNotThrow(() => parseDockerfile('FROM a \\'));
  });
});
