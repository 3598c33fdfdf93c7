import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { linkUnchanged, parseSha256sums, reuseFilter } from '../../../src/core/releaseBuild/reuse';
import { extractTar, packFiles } from '../../../src/core/docker/context';

const sha = (text: string) => createHash('sha256').update(text).digest('hex');

/** Every file under dir: relative path → [content, mode, inode]. */
function snapshot(dir: string, rel = ''): Map<string, [string, number, number]> {
  const out = new Map<string, [string, number, number]>();
  for (const e of readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) for (const [k, v] of snapshot(dir, r)) out.set(k, v);
    else {
      const st = statSync(path.join(dir, r));
      out.set(r, [readFileSync(path.join(dir, r), 'utf8'), st.mode & 0o777, st.ino]);
    }
  }
  return out;
}

function write(dir: string, files: Record<string, [string, number]>): void {
  for (const [rel, [content, mode]] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), content);
    chmodSync(path.join(dir, rel), mode);
  }
}

describe('collecting a release by reusing the previous one', () => {
  it('parses sha256sum output, leaving out escaped and escaping names', () => {
    const a = 'a'.repeat(64);
    const sums = parseSha256sums(`${a}  ./bin/app\n\\${a}  ./odd\\nname\n${a} *./lib/x.beam\n${a}  ./../up\nnoise\n`);
    assert.deepEqual([...sums.keys()], ['bin/app', 'lib/x.beam']);
  });

  it('links unchanged files, writes changed and new ones, drops removed ones, and never touches the previous release', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'pd-reuse-'));
    try {
      const prev = path.join(root, 'prev');
      const next = path.join(root, 'src', 'rel');
      const dest = path.join(root, 'dest');
      write(prev, { 'same.txt': ['same', 0o644], 'changed.txt': ['old', 0o644], 'bin/run': ['#!/bin/sh\n', 0o755], 'gone.txt': ['gone', 0o644], 'lib/a/x.beam': ['x', 0o644] });
      write(next, { 'same.txt': ['same', 0o644], 'changed.txt': ['new', 0o644], 'bin/run': ['#!/bin/sh\n', 0o644], 'new.txt': ['fresh', 0o644], 'lib/a/x.beam': ['x', 0o644] });
      const before = snapshot(prev);
      const sums = new Map(Object.entries({ 'same.txt': sha('same'), 'changed.txt': sha('new'), 'bin/run': sha('#!/bin/sh\n'), 'new.txt': sha('fresh'), 'lib/a/x.beam': sha('x') }));
      mkdirSync(dest);
      const linked = await linkUnchanged(prev, dest, sums);
      assert.deepEqual([...linked].sort(), ['bin/run', 'lib/a/x.beam', 'same.txt']); // same content; bin/run's mode differs
      await extractTar(packFiles(path.dirname(next), ['rel']), dest, 1, undefined, reuseFilter(dest, linked));

      const got = snapshot(dest);
      assert.deepEqual([...got.keys()].sort(), ['bin/run', 'changed.txt', 'lib/a/x.beam', 'new.txt', 'same.txt']);
      assert.equal(got.get('same.txt')![2], before.get('same.txt')![2], 'unchanged: the same inode');
      assert.equal(got.get('lib/a/x.beam')![2], before.get('lib/a/x.beam')![2]);
      assert.deepEqual(got.get('changed.txt')!.slice(0, 2), ['new', 0o644]);
      assert.notEqual(got.get('changed.txt')![2], before.get('changed.txt')![2]);
      const umask = process.umask();
      assert.deepEqual(got.get('bin/run')!.slice(0, 2), ['#!/bin/sh\n', 0o644 & ~umask], 'a new mode is a new file');
      assert.notEqual(got.get('bin/run')![2], before.get('bin/run')![2]);
      assert.deepEqual(snapshot(prev), before, 'the previous release is untouched: content, modes and inodes');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('clears whatever is in the way of an entry it writes', () => {
    const dest = mkdtempSync(path.join(tmpdir(), 'pd-reuse-'));
    try {
      write(dest, { 'a/inner.txt': ['x', 0o644], 'f.txt': ['y', 0o644] });
      const filter = reuseFilter(dest, new Set(['f.txt']));
      assert.equal(filter(path.join(dest, 'a'), { type: 'file', mode: 0o644, size: 1 }), false);
      assert.throws(() => statSync(path.join(dest, 'a')), 'a directory in the way of a file is removed');
      assert.equal(filter(path.join(dest, 'f.txt'), { type: 'file', mode: 0o644, size: 5 }), false, 'linked but another size: written');
      assert.throws(() => statSync(path.join(dest, 'f.txt')));
      assert.equal(filter(dest, { type: 'directory', mode: 0o755 }), false);
      assert.ok(statSync(dest).isDirectory(), 'the root stays');
    } finally {
      rmSync(dest, { recursive: true, force: true });
    }
  });
});
