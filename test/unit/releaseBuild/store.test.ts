import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { findStoredRelease, inspectRelease, makeStagingDir, publishStagedRelease } from '../../../src/core/releaseBuild/store';
import type { Manifest } from '../../../src/core/releaseBuild/types';

function fakeRelease(dir: string, opts: { erts?: boolean } = {}) {
  for (const [file, text] of [['bin/shop', '#!/bin/sh'], ['releases/start_erl.data', '13.1.5 1.2.0'], ['lib/elixir-1.14.0/ebin/elixir.app', 'x'],
    ...(opts.erts === false ? [] : [['erts-13.1.5/bin/beam.smp', 'elf']])]) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
}

describe('build: release store', () => {
  let cache: string;
  beforeEach(() => { cache = mkdtempSync(path.join(os.tmpdir(), 'pd-store-')); });
  afterEach(() => rmSync(cache, { recursive: true, force: true }));

  it('reads the facts of a complete release', async () => {
    fakeRelease(path.join(cache, 'r'));
    const facts = await inspectRelease(path.join(cache, 'r'), 'shop', true);
    assert.deepEqual(facts, { erts: '13.1.5', version: '1.2.0', elixir: '1.14.0', files: 4, bytes: 9 + 12 + 1 + 3 });
  });

  it('refuses a release without ERTS, bin/<app> or start_erl.data', async () => {
    fakeRelease(path.join(cache, 'r'), { erts: false });
    await assert.rejects(inspectRelease(path.join(cache, 'r'), 'shop', true), /no erts-13\.1\.5\//);
    await assert.rejects(inspectRelease(path.join(cache, 'r'), 'other', false), /no bin\/other/);
  });

  it('publishes by rename and finds a release by reuse key, never a staging dir', async () => {
    const staging = await makeStagingDir(cache);
    fakeRelease(path.join(staging, 'release'));
    const finalDir = path.join(cache, 'releases', '20261126T112400Z-1.2.0-abc1234');
    const manifest = { id: '20261126T112400Z-1.2.0-abc1234', app: 'shop', path: path.join(finalDir, 'release'), reuseKey: 'k1', builtAt: '2026-11-26T11:24:00.000Z' } as Manifest;
    writeFileSync(path.join(staging, 'manifest.json'), JSON.stringify(manifest));
    assert.equal(await findStoredRelease(cache, 'k1'), undefined, 'a staging directory is not a release');
    await publishStagedRelease(staging, cache, manifest.id);
    assert.equal((await findStoredRelease(cache, 'k1'))?.id, manifest.id);
    assert.equal(await findStoredRelease(cache, 'k2'), undefined);
    rmSync(path.join(finalDir, 'release', 'bin'), { recursive: true });
    assert.equal(await findStoredRelease(cache, 'k1'), undefined, 'a release whose files are gone is not reused');
  });
});
