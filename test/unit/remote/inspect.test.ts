import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspectCommand, parseInspection } from '../../../src/core/remote/inspect';
import { remotePaths } from '../../../src/core/remote/paths';
import { renderCommand } from '../../../src/core/shell';

const A = '20261126T112400Z-0.1.0-abc1234';
const B = '20261127T080000Z-0.2.0-def5678';
const M = '@@phoenix-deploy:';

describe('inspect output parsing', () => {
  it('parses every section of a normal host', () => {
    const out = [
      `${M}host`, 'web1',
      `${M}os`, 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"', 'ID=debian', 'VERSION_ID="12"', 'VERSION_CODENAME=bookworm',
      `${M}libc`, 'ldd (Debian GLIBC 2.36-9+deb12u14) 2.36', `${M}libs`, '/usr/lib/x86_64-linux-gnu/libcrypto.so.3',
      `${M}current`, `releases/${B}`, `${M}current-ok`,
      `${M}releases`, `${B}\t13.1.5 0.2.0 `, `${A}\t13.1.5 0.1.0 `,
      `${M}lock`,
      `${M}log`, JSON.stringify({ kind: 'deploy', id: B, commit: 'def5678', who: 'x@y', when: 't', outcome: 'success', durations: {} }),
      `${M}end`, '',
    ].join('\n');
    const r = parseInspection(out);
    assert.equal(r.hostname, 'web1');
    assert.deepEqual(r.os, { id: 'debian', versionId: '12', prettyName: 'Debian GNU/Linux 12 (bookworm)', os: { family: 'debian', release: '12', codename: 'bookworm' } });
    assert.deepEqual(r.libc, { kind: 'glibc', version: '2.36' });
    assert.deepEqual(r.libcrypto, ['libcrypto.so.3']);
    assert.deepEqual(r.current, { target: `releases/${B}`, release: B, dangling: false });
    assert.deepEqual(r.releases, [
      { name: A, valid: true, erts: '13.1.5', version: '0.1.0' },
      { name: B, valid: true, erts: '13.1.5', version: '0.2.0' },
    ]);
    assert.equal(r.lock, undefined);
    assert.equal(r.log[0].id, B);
    assert.equal(r.complete, true);
  });

  it('survives garbage, a dangling current link, odd names, a lock and a cut-off end', () => {
    const out = [
      'Welcome to Ubuntu! motd noise', `${M}`, 'stray line', `${M}unknown-section`, 'whatever',
      `${M}libc`, 'ldd (Debian GLIBC 2.31-13+deb11u5) 2.31',
      `${M}current`, `/srv/app/releases/${A}/`,
      `${M}releases`, 'odd?name?x\t', 'no tab here', `\t13.1.5`, `backup-old\t`, `${A}\tgarbage`,
      `${M}lock`, `${M}locked`, '{"who":"ann","pid":"not a number"}',
      `${M}log`, 'not json', '{"id":"x"}', '{"torn',
    ].join('\n');
    const r = parseInspection(out);
    assert.deepEqual(r.libc, { kind: 'glibc', version: '2.31' });
    assert.deepEqual(r.current, { target: `/srv/app/releases/${A}/`, release: A, dangling: true });
    assert.deepEqual(r.releases.map((x) => [x.name, x.valid]), [[A, true], ['backup-old', false], ['odd?name?x', false]]);
    assert.equal(r.releases[0].erts, 'garbage');
    assert.deepEqual(r.lock, { raw: '{"who":"ann","pid":"not a number"}', holder: { who: 'ann', when: undefined, release: undefined, pid: undefined, host: undefined, kind: undefined } });
    assert.deepEqual(r.log, []);
    assert.equal(r.complete, false);
  });

  it('handles an empty host and total garbage', () => {
    const empty = parseInspection(`${M}host\nh\n${M}current\n${M}releases\n${M}lock\n${M}log\n${M}end\n`);
    assert.equal(empty.current, undefined);
    assert.deepEqual(empty.releases, []);
    const junk = parseInspection('\u0000\u0001 binary junk\n\n\r\n');
    assert.deepEqual(junk, { hostname: undefined, os: { id: undefined, versionId: undefined, prettyName: undefined },
      libc: undefined, libssl: [], libcrypto: [], current: undefined, releases: [], lock: undefined, log: [], unreadableLogLines: 0, complete: false });
  });

  it('does not take a current link outside releases/ for a release', () => {
    const r = parseInspection(`${M}current\n/somewhere/else\n${M}current-ok\n${M}end\n`);
    assert.deepEqual(r.current, { target: '/somewhere/else', release: undefined, dangling: false });
  });
});

describe('inspect: whether setup has written the unit of a host the tool manages', () => {
  const run = (args: Parameters<typeof inspectCommand>) =>
    parseInspection(execFileSync('sh', ['-c', renderCommand(inspectCommand(...args))], { encoding: 'utf8' }));
  let dir = '';
  before(() => (dir = mkdtempSync(join(tmpdir(), 'pd-vsix-inspect-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('says missing before setup and present after, and asks nothing of other hosts', () => {
    const unit = join(dir, 'shop@.service');
    const paths = remotePaths(join(dir, 'app'));
    assert.equal(run([paths, undefined, unit]).unitPresent, false);
    writeFileSync(unit, '[Unit]\n');
    assert.equal(run([paths, undefined, unit]).unitPresent, true);
    assert.equal(run([paths, { app: 'shop', upstreamFile: join(dir, 'upstream.conf') }, unit]).unitPresent, true);
    assert.equal(run([paths]).unitPresent, undefined);
    assert.equal(run([paths]).complete, true);
  });
});
