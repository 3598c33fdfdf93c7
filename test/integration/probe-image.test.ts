import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import Docker from 'dockerode';
import { ImageProbeError, imageProbeFindings, probeImage } from '../../src/core/probe/image';
import { readProjectFiles } from '../../src/core/versions/check';

// The testbed's build image (scripts/testbed). If it is missing this suite fails: it never skips.
const IMAGE = 'local/elixir-build:1.14.0-otp-25-bookworm';
const EXAMPLE = resolve(__dirname, '../../../examples/hello_phoenix');

describe('image probe against the real local build image', function () {
  this.timeout(120_000);
  const docker = new Docker();

  it(`reads OTP, ERTS, Elixir, the OS and glibc from ${IMAGE}`, async () => {
    const result = await probeImage(IMAGE, { docker });
    assert.equal(result.otp, '25.2.3');
    assert.equal(result.erts, '13.1.5');
    assert.equal(result.elixir, '1.14.0');
    assert.deepEqual(result.os, { family: 'debian', release: '12', codename: 'bookworm' });
    assert.deepEqual(result.libc, { kind: 'glibc', version: '2.36' });
    assert.deepEqual(result.libcrypto, ['libcrypto.so.3']);
  });

  it('leaves no container behind', async () => {
    await probeImage(IMAGE, { docker });
    const left = await docker.listContainers({ all: true, filters: { label: ['phoenix-deploy.probe=image'] } });
    assert.deepEqual(left.map((c) => c.Id), []);
  });

  it('agrees with the example project, and reports a pinned version the image does not have', async () => {
    const probe = await probeImage(IMAGE, { docker });
    const files = await readProjectFiles(EXAMPLE);
    assert.deepEqual(imageProbeFindings(files, probe), []);
    const findings = imageProbeFindings({ ...files, toolVersions: 'erlang 25.3.2\nelixir 1.14.0-otp-25\n' }, probe);
    assert.deepEqual(findings.map((f) => `${f.code} ${f.severity} ${f.file}:${f.line}:${f.column}`), [
      'erlang-mismatch error .tool-versions:1:8',
      'erlang-mismatch error Dockerfile:4:17',
    ]);
    assert.match(findings[0].message, /builds with OTP 25\.2\.3/);
  });

  it('never pulls: a missing image is reported as such and stays missing', async () => {
    const missing = 'local/phoenix-deploy-no-such-image:never';
    await assert.rejects(probeImage(missing, { docker }), (error: unknown) => error instanceof ImageProbeError && error.reason === 'image-missing');
    await assert.rejects(docker.getImage(missing).inspect(), (error: { statusCode?: number }) => error.statusCode === 404);
  });
});
