/**
 * Remote state the tool did not write (issue 7): garbage in deploys.log, odd release directories,
 * a `current` that points nowhere or outside releases/, a damaged lock. `releases` still lists
 * everything it can and says what it could not read. The commands that act on such state are run
 * in a real local `sh` against a scratch tree.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, linkSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatReleases } from '../../../src/cli/format';
import { toHostReleases } from '../../../src/core/deploy/releases';
import { inspectCommand, parseInspection } from '../../../src/core/remote/inspect';
import { describeHolder, parseLockHolder, staleLockReason } from '../../../src/core/remote/lock';
import { remotePaths } from '../../../src/core/remote/paths';
import {
  clearStagingCommand, parseCurrent, parseDiskSpace, readCurrentCommand, removeUnusedReleaseCommand,
} from '../../../src/core/remote/release';
import { renderCommand } from '../../../src/core/shell';
import type { ResolvedTarget } from '../../../src/core/ssh/target';
import { directTarget } from '../../support/targets';

const A = '20261126T112400Z-0.1.0-abc1234';
const B = '20261127T080000Z-0.2.0-def5678';
const target: ResolvedTarget = directTarget('web1:22', 'web1', 22);
const sh = (command: readonly (string | { op: string })[]) => {
  try {
    return { code: 0, out: execFileSync('sh', ['-c', renderCommand(command as never)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }) };
  } catch (e) {
    return { code: (e as { status: number }).status, out: String((e as { stderr: string }).stderr) };
  }
};

describe('odd remote state, read for real from a scratch deploy_to', () => {
  let root = '';
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'pd7-remote-'));
    for (const id of [A, B]) {
      mkdirSync(join(root, 'releases', id, 'releases'), { recursive: true });
      writeFileSync(join(root, 'releases', id, 'releases', 'start_erl.data'), `13.1.5 ${id.split('-')[1]}`);
    }
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));
  const inspect = () => toHostReleases(target, parseInspection(sh(inspectCommand(remotePaths(root))).out), 'laptop');

  it('odd directory names, a torn log, a dangling current and a garbage lock: listed, flagged, nothing forged', () => {
    for (const name of ['-rf', '$(touch pwned)', 'name with spaces', 'new\nline', 'ünïcødé', `${A}\n${B}`, 'x'.repeat(200)]) mkdirSync(join(root, 'releases', name));
    writeFileSync(join(root, 'releases', 'a-file'), '');
    writeFileSync(join(root, 'releases', A, 'releases', 'start_erl.data'), '\u0000\u00ff garbage\nsecond line');
    const record = JSON.stringify({ kind: 'deploy', id: B, commit: 'def5678', who: 'ann@x', when: '2026-11-27T08:00:00Z', outcome: 'success', durations: {} });
    writeFileSync(join(root, 'deploys.log'), `${record}\ngarbage\n{"torn": \n\u0000\u00ffbinary\n[1,2]\n{"id": 5}\n${'x'.repeat(100000)}\n`);
    symlinkSync('releases/20990101T000000Z-9.9.9-fffffff', join(root, 'current'));
    mkdirSync(join(root, 'deploy.lock'));
    writeFileSync(join(root, 'deploy.lock', 'holder.json'), 'not json at all');
    const h = inspect();
    assert.equal(h.ok, true);
    assert.equal(h.current, '20990101T000000Z-9.9.9-fffffff');
    assert.equal(h.dangling, true);
    assert.deepEqual(h.releases.filter((r) => r.valid).map((r) => [r.id, r.deployedBy]), [[A, undefined], [B, 'ann@x']]);
    const odd = h.releases.filter((r) => !r.valid).map((r) => r.id);
    assert.equal(odd.length, 7);
    assert.ok(odd.every((n) => /^[A-Za-z0-9._+:/@?-]+$/.test(n)), `names are sanitised: ${odd.join(' | ')}`);
    assert.ok(!odd.includes(A) && !odd.includes(B), 'a name with a newline cannot pose as two releases');
    assert.equal(h.locked, true);
    assert.equal(h.lock, undefined);
    assert.deepEqual(h.unreadable, [
      `releases/ holds 7 directories that are not release ids (left untouched): ${odd.slice(0, 5).join(', ')}, …`,
      'deploys.log has 6 line(s) that are not deploy records (skipped)',
      'deploy.lock names no readable holder',
    ]);
    const text = formatReleases([h]);
    assert.match(text, /LOCKED by someone \(the lock names no readable holder\)/);
    assert.match(text, /current → 20990101T000000Z-9\.9\.9-fffffff \(missing!\)/);
    assert.match(text, /\? deploys\.log has 6 line\(s\)/);
    assert.match(text, /\(not a release id\)/);
    assert.ok(!existsSync(join(process.cwd(), 'pwned')) && !existsSync(join(root, 'pwned')));
  });

  it('current outside releases/ is shown as such, never taken for a release', () => {
    mkdirSync(join(root, 'elsewhere'));
    symlinkSync(join(root, 'elsewhere'), join(root, 'current'));
    const h = inspect();
    assert.equal(h.current, undefined);
    assert.equal(h.currentTarget, join(root, 'elsewhere'));
    assert.match(h.unreadable!.join('\n'), /current points at .*elsewhere, which is not a directory under releases\//);
    assert.match(formatReleases([h]), /current → .*elsewhere \(not a release directory\)/);
    assert.equal(parseCurrent(sh(readCurrentCommand(remotePaths(root))).out), join(root, 'elsewhere'));
  });

  it('reads current back behind a marker: a release name, null when absent, undefined on noise', () => {
    const paths = remotePaths(root);
    assert.equal(parseCurrent(sh(readCurrentCommand(paths)).out), null);
    symlinkSync(`releases/${B}`, join(root, 'current'));
    assert.equal(parseCurrent(sh(readCurrentCommand(paths)).out), B);
    assert.equal(parseCurrent('motd noise\nWelcome!\n'), undefined);
    assert.equal(parseCurrent(''), undefined);
  });

  it('never removes the release current points at, whichever way the link is written', () => {
    const paths = remotePaths(root);
    symlinkSync(`releases/${B}`, join(root, 'current'));
    const kept = sh(removeUnusedReleaseCommand(paths, B));
    assert.equal(kept.code, 3);
    assert.match(kept.out, /current points at it/);
    assert.ok(existsSync(join(root, 'releases', B)));
    rmSync(join(root, 'current'));
    symlinkSync(join(root, 'releases', B, ''), join(root, 'current')); // absolute, trailing slash
    assert.equal(sh(removeUnusedReleaseCommand(paths, B)).code, 3);
    assert.equal(sh(removeUnusedReleaseCommand(paths, A)).code, 0);
    assert.ok(!existsSync(join(root, 'releases', A)));
    rmSync(join(root, 'current'));
    assert.equal(sh(removeUnusedReleaseCommand(paths, B)).code, 0, 'no current: an unused release goes');
  });

  it('after a disk-full upload, removes the upload and what earlier ones left, never a release', () => {
    const paths = remotePaths(root);
    const staging = paths.staging('dev');
    mkdirSync(join(staging, 'release', 'lib'), { recursive: true });
    mkdirSync(join(staging, 'partial'), { recursive: true });
    writeFileSync(join(root, 'releases', A, 'shared.beam'), 'old');
    linkSync(join(root, 'releases', A, 'shared.beam'), join(staging, 'release', 'lib', 'shared.beam'));
    writeFileSync(join(staging, 'release', 'lib', '.new.beam.Xy12Ab'), 'rsync temp');
    assert.equal(sh(clearStagingCommand(paths, 'dev')).code, 0);
    assert.deepEqual(readdirSync(staging), []);
    assert.equal(statSync(join(root, 'releases', A, 'shared.beam')).nlink, 1);
    assert.equal(readFileSync(join(root, 'releases', A, 'shared.beam'), 'utf8'), 'old');
  });

  it('parses df -Pk, and refuses what is not df', () => {
    assert.deepEqual(parseDiskSpace('Filesystem     1024-blocks  Used Available Capacity Mounted on\ntmpfs               24576 24576         0     100% /opt/my app\n'),
      { filesystem: 'tmpfs', sizeKb: 24576, availableKb: 0, mount: '/opt/my app' });
    assert.equal(parseDiskSpace('df: /opt/x: No such file or directory\n'), undefined);
    assert.equal(parseDiskSpace(''), undefined);
  });
});

describe('stale locks', () => {
  const holder = { who: 'ann@x', when: '2026-11-26T11:00:00Z', release: A, pid: 4242, host: 'laptop', kind: 'deploy' as const };
  it('is stale only when taken on this machine by a pid that is gone', () => {
    assert.match(staleLockReason(holder, 'laptop', () => false)!, /^stale: it was taken on this machine \(laptop\) by pid 4242, which is no longer running$/);
    assert.equal(staleLockReason(holder, 'laptop', () => true), undefined);
    assert.equal(staleLockReason(holder, 'ci-runner', () => false), undefined, 'another machine: never judged');
    assert.equal(staleLockReason({ ...holder, pid: undefined }, 'laptop', () => false), undefined);
    assert.equal(staleLockReason(undefined, 'laptop', () => false), undefined);
    assert.equal(staleLockReason({ ...holder, pid: -1 }, 'laptop', () => false), undefined);
  });
  it('names the holder: who, where, which pid, since when, doing what', () => {
    assert.equal(describeHolder(holder), `ann@x on laptop pid 4242 since 2026-11-26T11:00:00Z deploy ${A}`);
    assert.equal(describeHolder(parseLockHolder('{"pid":"x","who":7}\n')), 'someone');
    assert.equal(describeHolder(parseLockHolder('\u0000garbage')), 'someone (the lock names no readable holder)');
  });
});
