import assert from 'node:assert/strict';
import { runDeploy } from '../../../src/core/deploy';
import { fakeHost, NEW, options } from './fakes';

const never = new AbortController().signal;

describe('deploy results: each failing host carries its own structured error (--json)', () => {
  it('two hosts fail the compat check: both are named with the step, the host and the message; the healthy host has none', async () => {
    const bad = "./erts-13.1.5/bin/beam.smp: /lib/x86_64-linux-gnu/libc.so.6: version `GLIBC_2.34' not found (required by ./erts-13.1.5/bin/beam.smp)\n";
    const hosts = [fakeHost('web1'), fakeHost('web2', { lddOutput: bad }), fakeHost('web3', { lddOutput: bad })];
    const result = await runDeploy(options(hosts), () => undefined, never);
    assert.deepEqual([result.ok, result.failedStep], [false, 'compat']);
    assert.equal(result.hosts[0].error, undefined);
    for (const h of result.hosts.slice(1)) {
      assert.deepEqual([h.error?.step, h.error?.host], ['compat', h.host]);
      assert.match(h.error!.message, /needs GLIBC_2\.34 from libc\.so\.6/);
    }
    // --json prints it as it is.
    assert.deepEqual(JSON.parse(JSON.stringify(result)).hosts[1].error, result.hosts[1].error);
  });

  it('a health check failing on one host: its error names the health step, the other host has none', async () => {
    const hosts = [fakeHost('web1'), fakeHost('web2', { health: { [NEW]: 503 } })];
    const result = await runDeploy(options(hosts), () => undefined, never);
    assert.deepEqual([result.ok, result.failedStep], [false, 'health']);
    assert.deepEqual(result.hosts.map((h) => [h.error?.step, h.error?.host]), [[undefined, undefined], ['health', 'web2:22']]);
    assert.match(result.hosts[1].error!.message, /503/);
  });
});
