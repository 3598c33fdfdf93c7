/**
 * compat's IPv6 check: a release whose env.sh exports `-proto_dist inet6_tcp` needs ::1 on the host.
 * The query runs in real Debian 13 containers, one with IPv6 loopback and one as Docker starts them (none).
 *   npx tsc -p . && node out/test/support/runLayer.js integration ipv6-loopback
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ipv6LoopbackCommand, ipv6Needs } from '../../src/core/deploy/steps/ipv6';
import { renderCommand } from '../../src/core/shell';

const IMAGE = 'local/phx-systemd-host:trixie';
const WITH = `pd21a-ipv6-on-${process.pid}`;
const WITHOUT = `pd21a-ipv6-off-${process.pid}`;
const docker = (...args: string[]) => execFileSync('docker', args, { encoding: 'utf8' }).trim();

describe('IPv6 loopback for -proto_dist inet6_tcp (integration)', function () {
  this.timeout(60_000);
  const dir = mkdtempSync(join(tmpdir(), 'pd21a-ipv6-'));

  before(() => {
    docker('run', '-d', '--rm', '--pull', 'never', '--name', WITH, '--sysctl', 'net.ipv6.conf.all.disable_ipv6=0', '--sysctl', 'net.ipv6.conf.lo.disable_ipv6=0', IMAGE, 'sleep', '60');
    docker('run', '-d', '--rm', '--pull', 'never', '--name', WITHOUT, IMAGE, 'sleep', '60');
  });

  after(() => {
    for (const name of [WITH, WITHOUT]) {
      try { docker('rm', '-f', name); } catch { /* gone */ }
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('the query says present only where ::1 exists', () => {
    const query = renderCommand(ipv6LoopbackCommand());
    assert.equal(docker('exec', WITH, 'sh', '-c', query), 'present');
    assert.equal(docker('exec', WITHOUT, 'sh', '-c', query), '');
  });

  it('a release asks for it through its env.sh (Fly.io\'s ERL_AFLAGS), not when the export is guarded', async () => {
    mkdirSync(join(dir, 'releases', '0.1.0'), { recursive: true });
    writeFileSync(join(dir, 'releases', 'start_erl.data'), '15.2.7 0.1.0');
    const release = { id: 'x', app: 'shop', version: '0.1.0', commit: 'abc', path: dir };
    writeFileSync(join(dir, 'releases', '0.1.0', 'env.sh'), '#!/bin/sh\nexport ERL_AFLAGS="-proto_dist inet6_tcp"\n');
    assert.equal(await ipv6Needs(release), 'releases/0.1.0/env.sh:2');
    writeFileSync(join(dir, 'releases', '0.1.0', 'env.sh'), 'if [ -n "$FLY_APP_NAME" ]; then\n  export ERL_AFLAGS="-proto_dist inet6_tcp"\nfi\n');
    assert.equal(await ipv6Needs(release), undefined);
  });
});
