import * as assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, chmodSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { resolveBinary } from '../../src/core/tools/binaries';

describe('resolveBinary', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'phx-bin-'));
  const tool = path.join(dir, 'mytool');
  writeFileSync(tool, '#!/bin/sh\n');
  chmodSync(tool, 0o755);

  it('finds a program on PATH, or a configured absolute path', async () => {
    assert.equal(await resolveBinary('mytool', undefined, 'x.path', dir), tool);
    assert.equal(await resolveBinary('other', tool, 'x.path', ''), tool);
  });

  it('looks in the usual directories when PATH is bare, as from a desktop launcher', async () => {
    assert.equal(await resolveBinary('sh', undefined, 'x.path', ''), '/usr/bin/sh');
  });

  it('names the program, where it looked, how to install it and the setting', async () => {
    await assert.rejects(resolveBinary('rsync', '/nowhere/rsync', 'phoenixDeploy.rsyncPath', ''),
      /\/nowhere\/rsync was not found .*apt install rsync.*phoenixDeploy\.rsyncPath/);
  });
});
