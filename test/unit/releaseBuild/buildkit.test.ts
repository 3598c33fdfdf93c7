import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { BuildKitProgress, loadStatusDecoder } from '../../../src/core/docker/buildkitStatus';

/** Streams captured from Docker 20.10's /build?version=2 (test/unit/releaseBuild/fixtures), rendered. */
async function render(fixture: string): Promise<{ text: string; progress: BuildKitProgress }> {
  const decode = await loadStatusDecoder();
  const progress = new BuildKitProgress();
  let text = '';
  const lines = readFileSync(path.join(__dirname, '../../../../test/unit/releaseBuild/fixtures', fixture), 'utf8').split('\n').filter(Boolean);
  for (const line of lines) {
    const event = JSON.parse(line) as { id?: string; aux?: string };
    if (event.id === 'moby.buildkit.trace' && event.aux) text += progress.render(decode(event.aux));
  }
  return { text, progress };
}

const FROM = 'FROM docker.io/hexpm/elixir:1.14.0-erlang-25.2.3-debian-bookworm-20250520-slim';
const RUN_LONG = 'RUN echo compiling && printf "partial" && sleep 0.3 && echo " line" && echo "Compiling 3 files (.ex)"';

describe('BuildKit progress (moby.buildkit.trace StatusResponse)', () => {
  it('decodes a real stream into plain lines: each step once, its output, DONE with its time, the error', async () => {
    const { text, progress } = await render('buildkit-first.jsonl');
    assert.equal(text.replace(/DONE \d+\.\ds/g, 'DONE t'), [
      '#1 [internal] load remote build context', '#1 DONE t',
      '#2 copy /context /', '#2 DONE t',
      '#3 [internal] load metadata for docker.io/hexpm/elixir:1.14.0-erlang-25.2.3-debian-bookworm-20250520-slim', '#3 DONE t',
      `#4 [1/5] ${FROM}`, '#4 DONE t',
      '#5 [2/5] WORKDIR /app', '#5 CACHED',
      '#6 [3/5] COPY hello.txt ./', '#6 DONE t',
      `#7 [4/5] ${RUN_LONG}`, '#7 compiling', '#7 partial line', '#7 Compiling 3 files (.ex)', '#7 DONE t',
      '#8 [5/5] RUN echo about to fail && exit 3', '#8 about to fail',
      '#8 ERROR: executor failed running [/bin/sh -c echo about to fail && exit 3]: exit code: 3', '',
    ].join('\n'));
    assert.match(text, /^#7 DONE (1|2)\.\ds$/m, 'the RUN took its real time (a 0.3 s sleep plus the shell)');
    assert.deepEqual(progress.failure(), {
      name: '[5/5] RUN echo about to fail && exit 3',
      error: 'executor failed running [/bin/sh -c echo about to fail && exit 3]: exit code: 3',
      tail: ['about to fail'],
    });
  });

  it('shows cached steps as CACHED, without their old output', async () => {
    const { text } = await render('buildkit-cached.jsonl');
    assert.match(text, /^#7 \[4\/5\] RUN echo compiling.*\n#7 CACHED$/m);
    assert.doesNotMatch(text, /#7 compiling/);
    assert.equal((text.match(/^#\d+ \[3\/5\] COPY hello\.txt/gm) ?? []).length, 1, 'announced once though reported several times');
  });
});
