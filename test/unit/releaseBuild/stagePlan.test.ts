import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { selectBuildTarget } from '../../../src/core/docker/buildTarget';
import { releaseCandidates } from '../../../src/core/releaseBuild/releaseLocation';
import { planStage, type StagePlan } from '../../../src/core/releaseBuild/stagePlan';
import { phxDockerfile } from '../../support/phxProject';

const FILES = ['Dockerfile', '.dockerignore', 'mix.exs', 'mix.lock', 'config/config.exs', 'config/prod.exs', 'config/dev.exs', 'config/runtime.exs',
  'priv/static/robots.txt', 'lib/shop.ex', 'lib/shop/greeting.ex', 'rel/overlays/bin/server'];
const plan = (text: string, target = 'builder', extra: { wholeStage?: boolean; files?: string[] } = {}): StagePlan => {
  const t = selectBuildTarget(text, 'Dockerfile', target);
  return planStage({ parsed: t.parsed, stage: t.stage, files: extra.files ?? FILES, dockerfile: 'Dockerfile', wholeStage: extra.wholeStage });
};
const plain = phxDockerfile({ modules: 0, dockerfile: 'plain' });
const lineOf = (text: string, line: string) => text.split('\n').indexOf(line) + 1;

describe('build: how a Dockerfile stage is built', () => {
  it('phx.gen.release shape: Docker builds up to COPY lib, the rest is replayed, labelled as BuildKit numbers its steps', () => {
    const p = plan(plain);
    assert.equal(p.mode, 'replay');
    if (p.mode !== 'replay') return;
    assert.equal(p.split.range.line, lineOf(plain, 'COPY lib lib'));
    assert.equal(p.prefixText, plain.slice(0, plain.indexOf('COPY lib lib')));
    assert.deepEqual(p.tail.filter((t) => t.instruction.keyword !== 'ENV').map((t) => t.label), [
      '[builder 9/13] COPY lib lib', '[builder 10/13] RUN mix compile', '[builder 11/13] COPY config/runtime.exs config/',
      '[builder 12/13] COPY rel rel', '[builder 13/13] RUN mix release',
    ]);
    assert.equal(p.releases, true);
  });

  it('a stage that never copies the source is the build environment (the example app)', () => {
    const example = readFileSync(path.join(__dirname, '../../../../examples/hello_phoenix/Dockerfile'), 'utf8');
    assert.equal(plan(example).mode, 'environment');
    const release = plan(example, 'release');
    assert.equal(release.mode, 'replay', 'FROM builder AS release copies lib: replayed');
  });

  it('builds the whole stage for cache mounts, unreplayable instructions, or when asked; each with the reason and line', () => {
    const cases: Array<[string, RegExp]> = [
      [phxDockerfile({ modules: 0, dockerfile: 'cache' }), /^RUN --mount=type=cache \(line \d+\) keeps the build cache in BuildKit/],
      [plain.replace('COPY lib lib', 'COPY --chown=nobody:root lib lib'), new RegExp(`^COPY --chown=nobody:root \\(line ${lineOf(plain, 'COPY lib lib')}\\) is not replayed`)],
      [plain.replace('COPY lib lib', 'ADD lib lib'), /^the source is copied by ADD \(line \d+\); only COPY is replayed/],
      [plain.replace('COPY rel rel', 'VOLUME /data\nCOPY rel rel'), /^VOLUME at line \d+ is not replayed/],
      [plain.replace('RUN mix compile', 'RUN <<EOF\nmix compile\nEOF'), /^RUN with a heredoc \(line \d+\) is not replayed/],
      [plain.replace('COPY mix.exs mix.lock ./', 'COPY mix.exs mix.lock Dockerfile ./'), /^COPY at line \d+ copies Dockerfile itself/],
      [plain.replace('COPY lib lib', 'COPY lib/${WHERE} lib'), /^cannot tell which files COPY at line \d+ copies \(\$WHERE is not set in the Dockerfile\)/],
    ];
    for (const [text, reason] of cases) {
      const p = plan(text);
      assert.equal(p.mode, 'whole-stage', String(reason));
      assert.match(p.reason, reason);
    }
    const asked = plan(plain, 'builder', { wholeStage: true });
    assert.deepEqual([asked.mode, asked.reason], ['whole-stage', 'asked to build the whole stage']);
  });

  it('finds the split at COPY . . and expands variables in sources, and knows when the stage does not release', () => {
    const dot = plan('FROM elixir AS builder\nWORKDIR /app\nENV MIX_ENV=prod\nCOPY config/${MIX_ENV}.exs config/\nCOPY . .\nRUN mix compile\n');
    assert.equal(dot.mode, 'replay');
    if (dot.mode !== 'replay') return;
    assert.equal(dot.split.range.line, 5, 'config/prod.exs is not Elixir source; . holds lib/');
    assert.equal(dot.releases, false);
  });

  it('looks for the release where a later stage copies it from, then in mix\'s default place', () => {
    const t = selectBuildTarget(phxDockerfile({ modules: 0, dockerfile: 'cache' }), 'Dockerfile', 'builder');
    assert.deepEqual(releaseCandidates(t.parsed, t.stage, 'shop', 'prod', '/app'), ['/app/release', '/app/_build/prod/rel/shop']);
    const p = selectBuildTarget(plain, 'Dockerfile', 'builder');
    assert.deepEqual(releaseCandidates(p.parsed, p.stage, 'shop', 'prod', '/app'), ['/app/_build/prod/rel/shop'], 'the runner stage\'s ${MIX_ENV} is expanded');
  });
});
