import assert from 'node:assert/strict';
import { selectBuildTarget } from '../../../src/core/docker/buildTarget';
import { matchSource, resolveCopy } from '../../../src/core/releaseBuild/dockerCopy';
import { interpretTail } from '../../../src/core/releaseBuild/replay';
import { planStage } from '../../../src/core/releaseBuild/stagePlan';
import { UserError } from '../../../src/core/errors';

const FILES = ['Dockerfile', 'mix.exs', 'mix.lock', 'config/config.exs', 'config/prod.exs', 'config/runtime.exs', 'lib/shop.ex', 'lib/shop/a.ex', 'rel/overlays/bin/server', 'rel/env.sh.eex'];

describe('build: COPY as Docker does it', () => {
  it('a directory copies its contents, files land in a dest ending in / or keep their name, wildcards match like .dockerignore', () => {
    const copy = (sources: string[], dest: string, workdir = '/app') => resolveCopy({ flags: [], sources, dest }, workdir, FILES);
    assert.deepEqual(copy(['lib'], 'lib').copied, [{ file: 'lib/shop.ex', target: '/app/lib/shop.ex' }, { file: 'lib/shop/a.ex', target: '/app/lib/shop/a.ex' }]);
    assert.deepEqual(copy(['mix.exs', 'mix.lock'], './').copied.map((c) => c.target), ['/app/mix.exs', '/app/mix.lock']);
    assert.deepEqual(copy(['config/runtime.exs'], 'config/').copied, [{ file: 'config/runtime.exs', target: '/app/config/runtime.exs' }]);
    const renamed = copy(['config/runtime.exs'], '/etc/runtime.exs');
    assert.deepEqual([renamed.copied, renamed.singleFileDest], [[{ file: 'config/runtime.exs', target: '/etc/runtime.exs' }], '/etc/runtime.exs']);
    assert.deepEqual(copy(['config/*.exs'], '/c/').copied.map((c) => c.target), ['/c/config.exs', '/c/prod.exs', '/c/runtime.exs']);
    assert.deepEqual(copy(['re*'], '/r/').copied.map((c) => c.target), ['/r/overlays/bin/server', '/r/env.sh.eex'], 'a matched directory copies its contents');
    assert.deepEqual(copy(['.'], '.').copied.length, FILES.length);
    assert.deepEqual(copy(['/lib/../mix.exs'], '/x/').copied, [{ file: 'mix.exs', target: '/x/mix.exs' }], 'sources are relative to the context');
    assert.deepEqual(copy(['assets'], 'assets').missing, ['assets']);
    assert.deepEqual(matchSource('*.ex', FILES), [], '* does not cross /');
  });
});

describe('build: replaying a stage after its source copy', () => {
  const text = [
    'ARG TAG=1', 'FROM elixir AS builder', 'ARG BUILD_NO=7', 'WORKDIR /app', 'ENV MIX_ENV="prod"', 'COPY mix.exs ./',
    'COPY lib lib', 'ENV GREETING="hi there" LEVEL=$MIX_ENV', 'COPY config/${MIX_ENV}.exs config/', 'RUN mix compile',
    'WORKDIR sub', 'USER nobody', 'SHELL ["/bin/bash", "-o", "pipefail", "-c"]', 'RUN echo $GREETING | cat', 'RUN ["mix", "release"]',
    'CMD ["bin/shop"]', '',
  ].join('\n');
  const target = selectBuildTarget(text, 'Dockerfile', 'builder');
  const plan = planStage({ parsed: target.parsed, stage: target.stage, files: FILES, dockerfile: 'Dockerfile' });
  if (plan.mode !== 'replay') throw new Error(`expected a replay, got ${plan.mode}`);
  // What `docker image inspect` says of the image built up to the split.
  const image = { Env: ['PATH=/usr/bin:/bin', 'MIX_ENV=prod'], WorkingDir: '/app', User: '' };

  it('runs each instruction with the stage\'s variables, directory, user and shell, as docker build would', () => {
    const program = interpretTail({ stage: target.stage, tail: plan.tail, escape: '\\', image, files: FILES, dockerfile: 'Dockerfile' });
    assert.equal(program.buildDir, '/app/_build');
    assert.equal(program.finalWorkdir, '/app/sub');
    assert.equal(program.mixEnv, 'prod');
    const summary = program.commands.map((c) => c.kind === 'copy' ? ['copy', c.line, c.files.map((f) => f.target)]
      : c.kind === 'run' ? ['run', c.line, c.argv, c.env, c.workdir, c.user] : ['workdir', c.line, c.dir]);
    assert.deepEqual(summary, [
      ['copy', 7, ['/app/lib/shop.ex', '/app/lib/shop/a.ex']],
      ['copy', 9, ['/app/config/prod.exs']],
      ['run', 10, ['/bin/sh', '-c', 'mix compile'], ['BUILD_NO=7', 'GREETING=hi there', 'LEVEL=prod'], '/app', ''],
      ['workdir', 11, '/app/sub'],
      ['run', 14, ['/bin/bash', '-o', 'pipefail', '-c', 'echo $GREETING | cat'], ['BUILD_NO=7', 'GREETING=hi there', 'LEVEL=prod'], '/app/sub', 'nobody'],
      ['run', 15, ['mix', 'release'], ['BUILD_NO=7', 'GREETING=hi there', 'LEVEL=prod'], '/app/sub', 'nobody'],
    ]);
  });

  it('a source missing from the context is an error at its line', () => {
    const files = FILES.filter((f) => f !== 'config/prod.exs');
    assert.throws(() => interpretTail({ stage: target.stage, tail: plan.tail, escape: '\\', image, files, dockerfile: 'Dockerfile' }), (e: unknown) =>
      e instanceof UserError && e.detail?.line === 9 && /^Dockerfile:9: COPY config\/\$\{MIX_ENV\}\.exs config\/: "config\/prod\.exs" is not in the build context/.test(e.message));
  });
});
