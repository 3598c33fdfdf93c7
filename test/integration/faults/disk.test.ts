/**
 * Fault 7 of issue 7: the disk holding deploy_to fills up during the upload (deploy_to is a 24 MB
 * tmpfs; the release needs ~15 MB, the new one 24 MB more). The error names the host and the disk,
 * `current` keeps running, the partial upload is removed so the space comes back, and the next
 * (normal-sized) deploy succeeds.
 *   npx tsc -p . && node out/test/support/runLayer.js integration faults/disk
 */
import assert from 'node:assert/strict';
import { runDeploy } from '../../../src/core/deploy';
import type { PlanEvent } from '../../../src/core/plan/types';
import { current, D, environment, health, lastLog, lockState, onHost, options, prepareHost, release, releases, startHost, type Releases } from './support';

const D1 = { name: 'pd7-d1', port: 2274 };
const never = new AbortController().signal;

describe('faults: the disk fills up during the upload', function () {
  this.timeout(300000);
  const env = environment([D1.port]);
  const events: PlanEvent[] = [];
  const deploy = async (path: string) => {
    const r = release(path);
    return runDeploy(await options(env, r), (e) => events.push(e), never).then((result) => ({ result, id: r.id }));
  };
  const usedKb = async () => Number(await onHost(D1.name, `df -Pk ${D} | awk 'NR==2 {print $3}'`));
  let rel: Releases;

  before(async () => {
    rel = await releases();
    // uid/gid 1000 is the deploy user of the host image; exec because the release's ERTS runs from here.
    await startHost(D1.name, D1.port, `--tmpfs ${D}:rw,exec,size=24m,uid=1000,gid=1000,mode=755`);
    await prepareHost(D1.name);
  });

  it('7. disk full during upload: a clear error naming host and disk, current untouched, the partial upload removed', async () => {
    const first = await deploy(rel.a);
    assert.equal(first.result.ok, true, first.result.error);
    const before = await usedKb();
    const { result, id } = await deploy(rel.big);
    assert.equal(result.ok, false);
    assert.equal(result.failedStep, 'upload');
    assert.match(result.error!, new RegExp(`^no space left on 127\\.0\\.0\\.1:2274: the upload filled tmpfs mounted on ${D}, 24 MB holding ${D} \\(\\d+ MB free now\\)\\. ` +
      `current is untouched; the partial upload was removed from ${D}/staging/faults_example\\.com\\. Free space on the host`));
    assert.deepEqual(result.hosts.map((h) => [h.current, h.confirmed]), [[first.id, true]]);
    assert.equal(await current(D1.name), `releases/${first.id}`);
    assert.equal(await health(D1.name), 'ok 0.1.0 hello');
    assert.equal(await lockState(D1.name), 'free');
    assert.equal(await onHost(D1.name, `test -e ${D}/releases/${id} && echo kept || echo removed`), 'removed');
    assert.equal(await onHost(D1.name, `find ${D}/cache -type f -links 1 | wc -l`), '0', 'no file of the partial upload is left');
    const after = await usedKb();
    console.log(`      used on the 24 MB disk: ${before} KB before the upload, ${after} KB after the failure`);
    assert.ok(after <= before + 512, `the space came back: ${before} KB → ${after} KB`);
    assert.equal((await lastLog(D1.name)).outcome, 'failed');
    const next = await deploy(rel.b);
    assert.equal(next.result.ok, true, next.result.error);
    assert.equal(await health(D1.name), 'ok 0.1.0 bonjour');
  });
});
