import assert from 'node:assert/strict';
import { explainBuildFailure } from '../../../src/core/releaseBuild/buildFailure';
import { legacyBuilderNote, refusesBuildKit, selectBuilder } from '../../../src/core/docker/builder';
import { selectBuildTarget } from '../../../src/core/docker/buildTarget';
import { ImageBuildError } from '../../../src/core/docker/image';
import { phxDockerfile } from '../../support/phxProject';

const v20 = { Version: '20.10.24', ApiVersion: '1.41', Os: 'linux' };

describe('build: BuildKit or the legacy builder', () => {
  it('uses BuildKit where the engine has it; the legacy builder only as a fallback, saying why', () => {
    assert.deepEqual(selectBuilder(v20, {}), { kind: 'buildkit', engine: 'Docker 20.10.24 (API 1.41)' });
    assert.equal(selectBuilder(v20, { DOCKER_BUILDKIT: '0' }).reason, 'DOCKER_BUILDKIT=0 is set');
    assert.equal(selectBuilder(v20, { DOCKER_BUILDKIT: '1' }).kind, 'buildkit');
    assert.match(selectBuilder({ ...v20, ApiVersion: '1.38' }, {}).reason!, /needs Docker 18\.09 \(API 1\.39\)/);
    assert.match(selectBuilder({ ...v20, Os: 'windows' }, {}).reason!, /needs a Linux engine/);
    assert.ok(refusesBuildKit('buildkit not supported by daemon'));
    assert.ok(!refusesBuildKit('executor failed running [/bin/sh -c false]: exit code: 1'));
    assert.match(legacyBuilderNote(selectBuilder(v20, { DOCKER_BUILDKIT: '0' })), /Docker deprecated the legacy builder in Engine 23\.0/);
  });
});

describe('build: a failed image build as an error at the Dockerfile line', () => {
  const plain = phxDockerfile({ modules: 0, dockerfile: 'plain' });
  const lines = plain.split('\n');
  const context = (text: string) => {
    const t = selectBuildTarget(text, 'Dockerfile', 'builder');
    return { parsed: t.parsed, target: t.stage, file: 'Dockerfile', engine: 'Docker 20.10.24 (API 1.41)' };
  };

  it('points a BuildKit step failure at its instruction, with the step\'s own last lines', () => {
    const error = new ImageBuildError('executor failed running [/bin/sh -c mix deps.compile]: exit code: 1', 'buildkit',
      { name: '[builder  7/12] RUN mix deps.compile', error: 'executor failed running [/bin/sh -c mix deps.compile]: exit code: 1', tail: ['** (Mix) boom'] });
    const e = explainBuildFailure(error, context(plain));
    assert.equal(e.detail?.line, lines.indexOf('RUN mix deps.compile') + 1);
    assert.match(e.message, /^Dockerfile:\d+: `RUN mix deps\.compile` failed while Docker built stage builder: executor failed running .*\nLast output:\n\*\* \(Mix\) boom$/);
  });

  it('points the legacy builder\'s failure at the last Step it printed', () => {
    const error = new ImageBuildError("The command '/bin/sh -c mix deps.get --only $MIX_ENV' returned a non-zero code: 1", 'legacy', undefined,
      ['Step 5/12 : RUN mix deps.get --only $MIX_ENV', ' ---> Running in 1234', 'failed']);
    assert.equal(explainBuildFailure(error, context(plain)).detail?.line, lines.indexOf('RUN mix deps.get --only $MIX_ENV') + 1);
  });

  it('names the heredoc\'s own line, not the body line the daemon reports', () => {
    const text = plain.replace('RUN mkdir config', 'RUN <<EOF\nmkdir config\nEOF');
    const line = lines.indexOf('RUN mkdir config') + 1;
    const error = new ImageBuildError(`failed to solve with frontend dockerfile.v0: failed to create LLB definition: dockerfile parse error line ${line + 1}: unknown instruction: MKDIR`, 'buildkit');
    const e = explainBuildFailure(error, context(text));
    assert.equal(e.detail?.line, line);
    assert.match(e.message, /a heredoc \(<<EOF\) is not supported by the Dockerfile frontend built into Docker 20\.10\.24 \(API 1\.41\)\. The daemon said: failed to solve/);
    const other = explainBuildFailure(new ImageBuildError('failed to solve with frontend dockerfile.v0: failed to create LLB definition: dockerfile parse error line 3: unknown instruction: BOGUS', 'buildkit'), context(plain));
    assert.equal(other.message, 'Dockerfile:3: failed to solve with frontend dockerfile.v0: failed to create LLB definition: dockerfile parse error line 3: unknown instruction: BOGUS');
  });
});
