import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderCommand, type Command } from '../../../src/core/shell';
import { remotePaths } from '../../../src/core/remote/paths';
import { lockCommand, lockText, readLockCommand, unlockCommand, parseLockHolder, describeHolder, type LockHolder } from '../../../src/core/remote/lock';
import {
  linkSharedCommand, migrateCommand, prepareCommand, removeReleaseCommand, restartCommand, setupCommand, switchCommand, uploadTarget,
} from '../../../src/core/remote/release';
import { lddCommand } from '../../../src/core/remote/compat';
import { recordCommand, parseDeployLog } from '../../../src/core/remote/log';
import { cleanupCommand } from '../../../src/core/remote/cleanup';

const P = remotePaths('/opt/app');
const ID = '20261126T112400Z-0.1.0-abc1234';
const R = `/opt/app/releases/${ID}`;
const holder: LockHolder = { who: 'a@b.c', when: '2026-01-01T00:00:00.000Z', release: ID, pid: 7, host: 'laptop', kind: 'deploy' };
const text = (c: Command | undefined) => renderCommand(c!);

describe('remote commands (golden)', () => {
  it('lock: one atomic symlink holding its holder; read and compare-then-remove', () => {
    assert.equal(text(lockCommand(P, holder)), `mkdir -p -- /opt/app && ln -sT -- '${lockText(holder)}' /opt/app/deploy.lock`);
    assert.equal(text(readLockCommand(P)).startsWith("sh -c 'read_lock() {"), true);
    assert.ok(text(unlockCommand(P, lockText(holder))).endsWith(` sh /opt/app/deploy.lock '${lockText(holder)}'`));
  });

  it('setup, staging, prepare, shared links, remove', () => {
    assert.equal(text(setupCommand(P, 'dev')), 'mkdir -p -- /opt/app/cache/dev /opt/app/staging/dev /opt/app/releases /opt/app/shared');
    assert.deepEqual(uploadTarget(P, 'dev', true), { dir: '/opt/app/staging/dev/release', linkDest: ['/opt/app/cache/dev', '/opt/app/staging/dev/partial', '/opt/app/current'] });
    assert.deepEqual(uploadTarget(P, 'dev', false).linkDest, ['/opt/app/cache/dev', '/opt/app/staging/dev/partial']);
    assert.equal(text(prepareCommand(P, 'dev', ID)), `test '!' -e ${R} && mv -T -- /opt/app/staging/dev/release ${R} && ` +
      'rm -rf -- /opt/app/staging/dev/partial /opt/app/staging/dev/cache && ' +
      `cp -al -- ${R} /opt/app/staging/dev/cache && rm -rf -- /opt/app/cache/dev && mv -T -- /opt/app/staging/dev/cache /opt/app/cache/dev`);
    assert.equal(text(linkSharedCommand(P, ID, ['.env', 'config/runtime.env'])),
      `ln -sfn -- /opt/app/shared/.env ${R}/.env && mkdir -p -- ${R}/config && ln -sfn -- /opt/app/shared/config/runtime.env ${R}/config/runtime.env`);
    assert.equal(linkSharedCommand(P, ID, []), undefined);
    assert.throws(() => linkSharedCommand(P, ID, ['../x']), /relative/);
    assert.equal(text(removeReleaseCommand(P, ID)), `rm -rf -- ${R}`);
  });

  it('migrate loads shared/env inside the release; the argv stays positional', () => {
    assert.equal(text(migrateCommand(P, ID, ['bin/hello', 'eval', 'Hello.Release.migrate()'])),
      `cd -- ${R} && sh -c 'RELEASE_MUTABLE_DIR=$2; export RELEASE_MUTABLE_DIR; set -a; if [ -f "$1" ]; then . "$1"; fi; set +a; shift 2; exec "$@"' sh /opt/app/shared/env /opt/app/tmp/commands bin/hello eval 'Hello.Release.migrate()'`);
  });

  it('switch is ln -s to a temporary name then mv -T over current, never rm', () => {
    const s = text(switchCommand(P, ID));
    assert.equal(s, `test -d ${R} && ln -sfn -- releases/${ID} /opt/app/current.tmp-${ID} && mv -T -- /opt/app/current.tmp-${ID} /opt/app/current`);
    assert.doesNotMatch(s, /\brm\b/);
  });

  it('restart, ldd, record, cleanup', () => {
    assert.equal(text(restartCommand(P, ['sudo', 'sv', 'restart', 'hello_phoenix'])), 'cd -- /opt/app && sudo sv restart hello_phoenix');
    assert.equal(text(lddCommand(P, ID)),
      `cd -- ${R} && find . '(' -path './erts-*/bin/*' -o -path '*/priv/*' -name '*.so' ')' -type f -exec ldd '{}' +`);
    const record = { kind: 'deploy' as const, id: ID, commit: 'abc1234', who: 'a@b.c', when: holder.when, outcome: 'success' as const, durations: { upload: 5 } };
    assert.equal(text(recordCommand(P, record)), `printf '%s\\n' '${JSON.stringify(record)}' >> /opt/app/deploys.log`);
    assert.equal(text(cleanupCommand(P, [ID, '20261127T000000Z-0.1.0-abc1234'])),
      `rm -rf -- ${R} /opt/app/releases/20261127T000000Z-0.1.0-abc1234`);
    assert.equal(cleanupCommand(P, []), undefined);
  });

  it('quotes hostile values everywhere they can reach', () => {
    const H = remotePaths('/opt/my app; rm -rf ~');
    const who = `$(touch /tmp/pwned) ' "x\nnl`;
    assert.equal(text(lockCommand(H, { ...holder, who })),
      `mkdir -p -- '/opt/my app; rm -rf ~' && ln -sT -- ` +
      `'{"who":"$(touch /tmp/pwned) '\\'' \\"x\\nnl","when":"2026-01-01T00:00:00.000Z","release":"${ID}","pid":7,"host":"laptop","kind":"deploy"}'` +
      ` '/opt/my app; rm -rf ~/deploy.lock'`);
    assert.equal(text(restartCommand(H, ['sv', 'restart', '; rm -rf ~', '$(touch /tmp/pwned)', "it's", 'a\nb'])),
      `cd -- '/opt/my app; rm -rf ~' && sv restart '; rm -rf ~' '$(touch /tmp/pwned)' 'it'\\''s' 'a\nb'`);
    assert.equal(text(migrateCommand(H, ID, ['bin/migrate', '`reboot`'])),
      `cd -- '/opt/my app; rm -rf ~/releases/${ID}' && sh -c 'RELEASE_MUTABLE_DIR=$2; export RELEASE_MUTABLE_DIR; set -a; if [ -f "$1" ]; then . "$1"; fi; set +a; shift 2; exec "$@"' sh '/opt/my app; rm -rf ~/shared/env' '/opt/my app; rm -rf ~/tmp/commands' bin/migrate '\`reboot\`'`);
  });

  it('runs hostile values through a real sh as plain data', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pd-quote-'));
    try {
      const H = remotePaths(join(dir, 'my app; touch pwned1 $(touch pwned2)'));
      const who = `$(touch ${dir}/pwned3) \`touch ${dir}/pwned4\` ' "x\nnl`;
      execFileSync('sh', ['-c', renderCommand(lockCommand(H, { ...holder, who }))], { cwd: dir });
      assert.equal(parseLockHolder(readlinkSync(H.lock))?.who, who);
      for (const f of ['pwned1', 'pwned2', 'pwned3', 'pwned4']) assert.equal(existsSync(join(dir, f)), false, f);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses ids and developer names that could escape their directory', () => {
    assert.throws(() => switchCommand(P, '../../etc'), /not a release id/);
    assert.throws(() => prepareCommand(P, '../x', ID), /developer/);
    assert.throws(() => removeReleaseCommand(P, `${ID}/../..`), /not a release id/);
    assert.throws(() => remotePaths('relative/path'), /absolute/);
    assert.throws(() => remotePaths('/opt/../etc'), /absolute/);
  });

  it('parses lock holders and logs tolerantly', () => {
    assert.deepEqual(parseLockHolder(`${JSON.stringify(holder)}\n`), holder);
    assert.equal(parseLockHolder('garbage'), undefined);
    assert.equal(parseLockHolder('{not json'), undefined);
    assert.equal(describeHolder(holder), `a@b.c on laptop pid 7 since 2026-01-01T00:00:00.000Z deploy ${ID}`);
    const log = parseDeployLog(`garbage\n{"id":"${ID}","when":"w","outcome":"weird","kind":"rollback"}\n{"torn":\n{"id":1}\n`);
    assert.deepEqual(log.map((r) => [r.id, r.kind, r.outcome]), [[ID, 'rollback', 'failed']]);
  });
});
