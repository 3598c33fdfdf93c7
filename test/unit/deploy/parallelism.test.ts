import assert from 'node:assert/strict';
import { runDeploy } from '../../../src/core/deploy';
import { HOST_PARALLELISM } from '../../../src/core/ssh/parallel';
import { fakeConnection, fakeHost, options } from './fakes';

const never = new AbortController().signal;
const tick = () => new Promise((r) => setTimeout(r, 2));

describe('hosts beyond the concurrency limit', () => {
  it('queue unconnected: at most 8 connections are being opened at once, each host opens one, only when its turn comes', async () => {
    const hosts = Array.from({ length: 12 }, (_, i) => fakeHost(`web${i + 1}`));
    const o = options(hosts);
    let connecting = 0;
    let uploading = 0;
    const peak = { connecting: 0, uploading: 0 };
    const opened: string[] = [];
    const finished: string[] = [];
    /** For each host: how many connects had finished when its own began. */
    const finishedBefore = new Map<string, number>();
    o.deps = {
      ...o.deps,
      connect: async (t) => {
        finishedBefore.set(t.target.host, finished.length);
        opened.push(t.target.host);
        peak.connecting = Math.max(peak.connecting, ++connecting);
        await tick();
        connecting--;
        finished.push(t.target.host);
        return fakeConnection(hosts.find((h) => h.key === t.target.host)!, t);
      },
      upload: async () => {
        peak.uploading = Math.max(peak.uploading, ++uploading);
        await tick();
        uploading--;
        return { bytesSent: 1000, bytesReceived: 10, totalFileSize: 100000, filesTransferred: 2 };
      },
    };
    const result = await runDeploy(o, () => undefined, never);
    assert.equal(result.ok, true, result.error);
    assert.equal(HOST_PARALLELISM, 8);
    assert.deepEqual(peak, { connecting: 8, uploading: 8 });
    assert.deepEqual(opened.sort(), hosts.map((h) => h.key).sort(), 'one connection per host for the whole deploy');
    // Hosts 9-12 began connecting only after as many of the first eight had finished.
    for (const [i, h] of hosts.entries()) assert.ok(finishedBefore.get(h.key)! >= i - 7, `${h.key} connected early`);
    assert.ok(hosts.every((h) => h.closed));
  });
});
