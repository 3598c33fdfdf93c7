import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { refuseBuildKitSyntax, selectBuildTarget } from '../../../src/core/docker/buildTarget';
import { UserError } from '../../../src/core/errors';

const example = readFileSync(path.join(__dirname, '../../../../examples/hello_phoenix/Dockerfile'), 'utf8');

describe('build: Dockerfile build target', () => {
  it('selects the builder stage of the example and its base image after ARG substitution', () => {
    const target = selectBuildTarget(example, 'Dockerfile', 'builder');
    assert.equal(target.stage.fromRange.line, 12);
    assert.equal(target.baseImage, 'hexpm/elixir:1.14.0-erlang-25.2.3-debian-bookworm-20250520-slim');
    assert.equal(selectBuildTarget(example, 'Dockerfile', 'release').baseImage, target.baseImage, 'FROM builder AS release follows the chain');
  });

  it('defaults the target to the stage named builder', () => {
    assert.equal(selectBuildTarget(example, 'Dockerfile').stage.name, 'builder');
  });

  it('names the Dockerfile, the stages and their lines when the stage is missing', () => {
    assert.throws(() => selectBuildTarget(example, 'docker/Dockerfile.prod', 'buildr'), (e: unknown) => {
      assert.ok(e instanceof UserError);
      assert.match(e.message, /^docker\/Dockerfile\.prod: stage "buildr" not found; its stages are builder \(line 12\), release \(line 17\), #2 \(unnamed\) \(line 24\)/);
      assert.equal(e.detail?.file, 'docker/Dockerfile.prod');
      return true;
    });
  });

  it('lets BuildKit syntax through; for the legacy builder refuses RUN --mount at or before the target, with its line, not after it', () => {
    const text = 'FROM debian AS builder\nRUN --mount=type=cache,target=/root/.cache \\\n  echo hi\nFROM builder AS later\n';
    const target = selectBuildTarget(text, 'Dockerfile', 'builder');
    assert.equal(target.stage.name, 'builder', 'BuildKit builds it');
    assert.throws(() => refuseBuildKitSyntax(target, 'Dockerfile', 'DOCKER_BUILDKIT=0 is set'),
      /^UserError: Dockerfile:2: RUN --mount needs BuildKit, and this build uses Docker's legacy builder \(DOCKER_BUILDKIT=0 is set\)/);
    const after = 'FROM debian AS builder\nRUN echo ok\nFROM builder AS later\nRUN --mount=type=secret,id=x cat /run/secrets/x\n';
    refuseBuildKitSyntax(selectBuildTarget(after, 'Dockerfile', 'builder'), 'Dockerfile', 'no BuildKit');
    assert.throws(() => refuseBuildKitSyntax(selectBuildTarget(after, 'Dockerfile', 'later'), 'Dockerfile', 'no BuildKit'), /Dockerfile:4: RUN --mount/);
  });

  it('refuses a Dockerfile without FROM', () => {
    assert.throws(() => selectBuildTarget('# nothing\n', 'Dockerfile'), /Dockerfile has no FROM instruction/);
  });
});
