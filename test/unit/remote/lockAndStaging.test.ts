/**
 * The lock and the upload staging scripts, run for real in a local `sh` (and the real rsync)
 * against a scratch deploy_to: what they do to files, not only what they print.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  LOCK_CHANGED_EXIT, lockCommand, lockText, parseReadLock, readLockCommand, unlockCommand, unlocked, type LockHolder,
} from '../../../src/core/remote/lock';
import { remotePaths, type RemotePaths } from '../../../src/core/remote/paths';
import { prepareCommand, setupCommand, stageCommand, uploadTarget } from '../../../src/core/remote/release';
import { renderCommand, type Command } from '../../../src/core/shell';

const ID1 = '20261126T112400Z-0.1.0-abc1234';
const ID2 = '20261127T080000Z-0.1.0-def5678';
const holder = (who: string): LockHolder => ({ who, when: '2026-01-01T00:00:00.000Z', release: ID1, pid: 7, host: 'laptop', kind: 'deploy', token: who });
const sh = (command: Command) => {
  const r = spawnSync('sh', ['-c', renderCommand(command)], { encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
};

describe('the deploy lock, on a real shell', () => {
  let root = '';
  let P: RemotePaths;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'pd13-lock-'));
    P = remotePaths(join(root, 'app'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('is taken once, with its holder in the same step; a second taker fails and changes nothing', () => {
    assert.equal(sh(lockCommand(P, holder('ann'))).code, 0);
    assert.equal(readlinkSync(P.lock), lockText(holder('ann')));
    const second = sh(lockCommand(P, holder('bob')));
    assert.notEqual(second.code, 0);
    assert.match(second.stderr, /File exists/);
    assert.equal(readlinkSync(P.lock), lockText(holder('ann')));
    assert.deepEqual(parseReadLock(sh(readLockCommand(P)).stdout)?.holder?.who, 'ann');
  });

  it('unlock removes only the lock it was shown', () => {
    sh(lockCommand(P, holder('ann')));
    const shown = parseReadLock(sh(readLockCommand(P)).stdout)!.raw;
    // Between showing and unlocking, ann's lock went and bob took one.
    rmSync(P.lock);
    sh(lockCommand(P, holder('bob')));
    const refused = sh(unlockCommand(P, shown));
    assert.equal(refused.code, LOCK_CHANGED_EXIT);
    assert.equal(parseReadLock(refused.stdout)?.holder?.who, 'bob');
    assert.equal(readlinkSync(P.lock), lockText(holder('bob')));
    const removed = sh(unlockCommand(P, lockText(holder('bob'))));
    assert.equal(removed.code, 0);
    assert.equal(unlocked(removed.stdout), true);
    assert.equal(existsSync(P.lock) || lstatExists(P.lock), false);
    const none = sh(unlockCommand(P, 'anything'));
    assert.deepEqual([none.code, unlocked(none.stdout)], [0, false]);
    assert.equal(sh(readLockCommand(P)).code, 1);
  });

  it('reads, refuses and removes a lock left by an earlier version (a directory with holder.json)', () => {
    mkdirSync(P.lock, { recursive: true });
    writeFileSync(P.lockHolder, `${JSON.stringify(holder('old'))}\n`);
    assert.notEqual(sh(lockCommand(P, holder('ann'))).code, 0);
    assert.equal(existsSync(join(P.lock, lockText(holder('ann')))), false, 'ln must not create the link inside the old lock');
    const held = parseReadLock(sh(readLockCommand(P)).stdout)!;
    assert.equal(held.holder?.who, 'old');
    assert.equal(sh(unlockCommand(P, 'not it')).code, LOCK_CHANGED_EXIT);
    assert.ok(existsSync(P.lockHolder));
    assert.equal(unlocked(sh(unlockCommand(P, held.raw)).stdout), true);
    assert.equal(existsSync(P.lock), false);
  });
});

function lstatExists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

describe('upload staging with the real rsync: a prepared release never changes', () => {
  let root = '';
  let P: RemotePaths;
  const src = () => join(root, 'build');
  const upload = (hasCurrent: boolean) => {
    const target = uploadTarget(P, 'dev', hasCurrent);
    // The same flags the deploy gives rsync (see ssh/rsync.ts), on a local transfer.
    execFileSync('rsync', ['-a', '--no-times', '--delete', '--checksum', '--no-whole-file', ...target.linkDest.map((d) => `--link-dest=${d}`), `${src()}/`, `${target.dir}/`],
      { stdio: 'pipe' });
  };
  const deploy = (id: string, hasCurrent: boolean) => {
    assert.equal(sh(setupCommand(P, 'dev')).code, 0);
    assert.equal(sh(stageCommand(P, 'dev')).code, 0);
    upload(hasCurrent);
    const prepared = sh(prepareCommand(P, 'dev', id));
    assert.equal(prepared.code, 0, prepared.stderr);
    execFileSync('ln', ['-sfn', `releases/${id}`, P.current]);
  };
  const snapshot = (dir: string) => Object.fromEntries(['bin/app', 'lib/a.beam', 'lib/same.beam'].map((f) => {
    const st = statSync(join(dir, f));
    return [f, { content: readFileSync(join(dir, f), 'utf8'), mode: st.mode, mtime: st.mtimeMs, size: st.size }];
  }));
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'pd13-stage-'));
    P = remotePaths(join(root, 'app'));
    mkdirSync(join(src(), 'bin'), { recursive: true });
    mkdirSync(join(src(), 'lib'));
    writeFileSync(join(src(), 'bin', 'app'), '#!/bin/sh\necho app\n');
    chmodSync(join(src(), 'bin', 'app'), 0o755);
    writeFileSync(join(src(), 'lib', 'a.beam'), 'version one');
    writeFileSync(join(src(), 'lib', 'same.beam'), 'unchanged');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('a rebuild that changes modes, mtimes and content leaves the earlier release exactly as it was', () => {
    deploy(ID1, false);
    const before = snapshot(P.release(ID1));
    // The next build: one module changed, the executable bit dropped, every mtime new.
    writeFileSync(join(src(), 'lib', 'a.beam'), 'version two');
    chmodSync(join(src(), 'bin', 'app'), 0o644);
    for (const f of ['bin/app', 'lib/a.beam', 'lib/same.beam']) utimesSync(join(src(), f), 2_000_000_000, 2_000_000_000);
    deploy(ID2, true);
    assert.deepEqual(snapshot(P.release(ID1)), before);
    const next = snapshot(P.release(ID2));
    assert.equal(next['lib/a.beam'].content, 'version two');
    assert.equal(next['bin/app'].mode & 0o777, 0o644);
    // Same content and mode: shared with the earlier release, whatever the build's mtime.
    assert.equal(statSync(join(P.release(ID2), 'lib', 'same.beam')).ino, statSync(join(P.release(ID1), 'lib', 'same.beam')).ino);
    // The cache is the new release's twin, the basis for the next upload.
    assert.equal(statSync(join(P.cache('dev'), 'lib', 'a.beam')).ino, statSync(join(P.release(ID2), 'lib', 'a.beam')).ino);
  });

  it('unchanged files are hard links to the basis, so nothing is copied or sent twice', () => {
    deploy(ID1, false);
    deploy(ID2, true);
    assert.equal(statSync(join(P.release(ID2), 'lib', 'same.beam')).ino, statSync(join(P.release(ID1), 'lib', 'same.beam')).ino);
  });

  it('an interrupted upload is kept as the next upload\'s basis, never as a release', () => {
    sh(setupCommand(P, 'dev'));
    sh(stageCommand(P, 'dev'));
    upload(false); // then the connection is cut: no prepare
    const staged = statSync(join(P.staging('dev'), 'release', 'lib', 'a.beam')).ino;
    deploy(ID1, false);
    assert.equal(statSync(join(P.release(ID1), 'lib', 'a.beam')).ino, staged, 'the file received before the cut was linked, not sent again');
    assert.equal(existsSync(join(P.staging('dev'), 'partial')), false);
  });
});
