/**
 * The launcher the managed units run, executed by /bin/sh against release layouts: a mix release
 * gets `start`, a Distillery one `foreground`, and a Distillery slot a renamed copy of vm.args
 * outside the release. bin/shop here only prints how it was called.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderLauncher } from '../../../src/core/host/launch';
import { managedHost } from '../../../src/core/host/spec';

const host = managedHost('shop', {
  name: 'production', deployTo: '/opt/shop', hosts: [{ host: 'web1', port: 22, user: 'deploy', primary: true }], keepReleases: 5, ssh: {},
  service: 'systemd', strategy: 'blue_green', proxy: { listen: 80, serverName: '_' }, health: { path: '/health', expect: 200, timeout: 30 },
});

describe('the units\' launcher (run by /bin/sh)', () => {
  let work: string;
  let launcher: string;
  beforeEach(() => {
    work = mkdtempSync(join(tmpdir(), 'pd23-launch-'));
    launcher = join(work, 'launch');
    writeFileSync(launcher, renderLauncher(host));
  });
  afterEach(() => rmSync(work, { recursive: true, force: true }));

  function release(name: string, tool: 'mix' | 'distillery', vmArgs = '-name shop@127.0.0.1\n-setcookie secret\n'): string {
    const dir = join(work, name);
    mkdirSync(join(dir, 'bin'), { recursive: true });
    mkdirSync(join(dir, 'releases', '0.1.0'), { recursive: true });
    writeFileSync(join(dir, 'releases', 'start_erl.data'), '13.1.5 0.1.0');
    if (tool === 'mix') writeFileSync(join(dir, 'releases', 'COOKIE'), 'secret');
    else mkdirSync(join(dir, 'releases', '0.1.0', 'libexec'));
    writeFileSync(join(dir, 'releases', '0.1.0', 'vm.args'), vmArgs);
    writeFileSync(join(dir, 'bin', 'shop'), '#!/bin/sh\necho "$*|${VMARGS_PATH:-}"\n');
    chmodSync(join(dir, 'bin', 'shop'), 0o755);
    return dir;
  }

  const launch = (dir: string, env: Record<string, string> = {}) =>
    execFileSync('/bin/sh', [launcher, dir], { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env }, encoding: 'utf8' }).trim();

  it('a mix release runs `start`, with or without slot variables', () => {
    const dir = release('mix', 'mix');
    assert.equal(launch(dir), 'start|');
    assert.equal(launch(dir, { RELEASE_NODE: 'shop_blue', RELEASE_MUTABLE_DIR: join(work, 'blue') }), 'start|');
  });

  it('a mix release with bin/server (phx.gen.release) runs bin/server; a Distillery one never does', () => {
    const dir = release('phx', 'mix');
    writeFileSync(join(dir, 'bin', 'server'), '#!/bin/sh\necho "server|"\n');
    chmodSync(join(dir, 'bin', 'server'), 0o755);
    assert.equal(launch(dir), 'server|');
    const d = release('d', 'distillery');
    writeFileSync(join(d, 'bin', 'server'), '#!/bin/sh\necho "server|"\n');
    chmodSync(join(d, 'bin', 'server'), 0o755);
    assert.equal(launch(d), 'foreground|');
  });

  it('a Distillery release runs `foreground`; outside a slot it keeps its own vm.args', () => {
    assert.equal(launch(release('d', 'distillery'), { RELEASE_MUTABLE_DIR: join(work, 'service') }), 'foreground|');
  });

  it('a Distillery slot runs with a copy of vm.args named after the slot, in its mutable dir; the release is unchanged', () => {
    const dir = release('d', 'distillery', '## generated\n-name shop@127.0.0.1\n-setcookie secret\n+K true\n');
    const before = readdirSync(dir, { recursive: true }).sort();
    const mutable = join(work, 'tmp', 'blue');
    assert.equal(launch(dir, { RELEASE_NODE: 'shop_blue', RELEASE_MUTABLE_DIR: mutable }), `foreground|${mutable}/slot.vm.args`);
    assert.equal(readFileSync(join(mutable, 'slot.vm.args'), 'utf8'), '## generated\n-name shop_blue@127.0.0.1\n-setcookie secret\n+K true\n');
    assert.deepEqual(readdirSync(dir, { recursive: true }).sort(), before);
    // -sname keeps its kind; a VMARGS_PATH from shared/env is the one copied.
    const own = join(work, 'own.vm.args');
    writeFileSync(own, '-sname other\n-setcookie mine\n');
    launch(dir, { RELEASE_NODE: 'shop_green', RELEASE_MUTABLE_DIR: mutable, VMARGS_PATH: own });
    assert.equal(readFileSync(join(mutable, 'slot.vm.args'), 'utf8'), '-sname shop_green\n-setcookie mine\n');
  });
});
