/**
 * The constant scripts that reach the live node and run remote hooks, run by a real /bin/sh on a
 * scratch copy of a host's layout (a fake bin/<app> that prints what it was given).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EnvironmentConfig } from '../../../src/core/config/types';
import { remoteHookCommand } from '../../../src/core/hooks/remote';
import { managedHost } from '../../../src/core/host/spec';
import { renderUpstream } from '../../../src/core/host/nginx';
import { liveNodeCommand, rpcCommand } from '../../../src/core/node/remote';
import { remotePaths } from '../../../src/core/remote/paths';
import { renderCommand, type Command } from '../../../src/core/shell';

const ID_A = '20260101T000000Z-0.1.0-aaaaaaa';
const ID_B = '20260102T000000Z-0.1.0-bbbbbbb';
const COOKIE = 'secret-cookie-value';

function sh(command: Command): { code: number; out: string } {
  try {
    return { code: 0, out: execFileSync('sh', ['-c', renderCommand(command)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }) };
  } catch (e) {
    const err = e as { status: number; stderr: string };
    return { code: err.status, out: err.stderr };
  }
}

describe('the live node and remote hook scripts (real sh, scratch layout)', () => {
  let root: string;
  let env: EnvironmentConfig;
  const release = (id: string) => {
    const bin = join(root, 'releases', id, 'bin');
    mkdirSync(bin, { recursive: true });
    writeFileSync(join(bin, 'shop'), `#!/bin/sh\necho "release=${id} cwd=$(pwd) node=$RELEASE_NODE cookie=$RELEASE_COOKIE port=$PORT args=$*"\n`);
    chmodSync(join(bin, 'shop'), 0o755);
  };

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'pd15-node-'));
    env = {
      name: 'production', user: 'deploy', deployTo: root, hosts: [], keepReleases: 3, ssh: {},
      service: 'systemd', strategy: 'blue_green', ports: [4001, 4002], proxy: { listen: 80, serverName: 'shop' },
    };
    release(ID_A);
    release(ID_B);
    mkdirSync(join(root, 'shared'));
    writeFileSync(join(root, 'shared', 'env'), `RELEASE_COOKIE=${COOKIE}\nPORT=9999\nRELEASE_NODE=from_shared_env\n`);
    mkdirSync(join(root, 'slots'));
    symlinkSync(`../releases/${ID_A}`, join(root, 'slots', 'blue'));
    symlinkSync(`../releases/${ID_B}`, join(root, 'slots', 'green'));
    symlinkSync(`releases/${ID_A}`, join(root, 'current'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  /** The managed paths under /etc, moved into the scratch dir. */
  function blueGreen(live: 'blue' | 'green'): EnvironmentConfig {
    const host = managedHost('shop', env);
    for (const s of host.slots) {
      mkdirSync(join(root, 'etc'), { recursive: true });
      writeFileSync(join(root, 'etc', `${s.name}.env`), `PORT=${s.port}\nRELEASE_NODE=${s.node}\n`);
    }
    writeFileSync(join(root, 'etc', 'upstream.conf'), renderUpstream(host, host.slots.find((s) => s.name === live)!.port, host.slots.find((s) => s.name === live)));
    return env;
  }

  function withEtc(command: Command): Command {
    const host = managedHost('shop', env);
    return command.map((w) => (typeof w !== 'string' ? w
      : w === host.proxy!.upstreamFile ? join(root, 'etc', 'upstream.conf')
        : host.slots.some((s) => s.envFile === w) ? join(root, 'etc', w.split('/').pop()!) : w));
  }

  it('blue/green: runs the live slot\'s release with shared/env, then the slot\'s env file over it', () => {
    blueGreen('green');
    const { code, out } = sh(withEtc(rpcCommand(env, 'shop', 'IO.puts(1)')));
    assert.equal(code, 0, out);
    assert.equal(out.trim(), `release=${ID_B} cwd=${root}/slots/green node=shop_green cookie=${COOKIE} port=4002 args=rpc IO.puts(1)`);
    blueGreen('blue');
    assert.match(sh(withEtc(liveNodeCommand(env, 'shop', ['remote']))).out, new RegExp(`^release=${ID_A} .* node=shop_blue .* args=remote`));
  });

  it('a Distillery release in the live slot: `remote_console`, and the slot\'s vm.args (its node) outside the release', () => {
    blueGreen('green');
    const dir = join(root, 'releases', ID_B);
    mkdirSync(join(dir, 'releases', '0.1.0', 'libexec'), { recursive: true });
    writeFileSync(join(dir, 'releases', 'start_erl.data'), '11.1.8 0.1.0');
    writeFileSync(join(dir, 'releases', '0.1.0', 'vm.args'), '-name shop@127.0.0.1\n-setcookie c\n');
    writeFileSync(join(dir, 'bin', 'shop'), '#!/bin/sh\necho "args=$* vmargs=$VMARGS_PATH"\n');
    const mutable = join(root, 'tmp', 'green');
    writeFileSync(join(root, 'etc', 'green.env'), `PORT=4002\nRELEASE_NODE=shop_green\nRELEASE_MUTABLE_DIR=${mutable}\n`);
    assert.equal(sh(withEtc(liveNodeCommand(env, 'shop', ['remote']))).out.trim(), `args=remote_console vmargs=${mutable}/slot.vm.args`);
    assert.equal(sh(withEtc(rpcCommand(env, 'shop', 'node()'))).out.trim(), `args=rpc node() vmargs=${mutable}/slot.vm.args`);
    assert.equal(readFileSync(join(mutable, 'slot.vm.args'), 'utf8'), '-name shop_green@127.0.0.1\n-setcookie c\n');
  });

  it('never carries the cookie or the node name itself: the host provides them', () => {
    const text = renderCommand(rpcCommand(env, 'shop', 'x'));
    assert.ok(!text.includes(COOKIE) && !text.includes('RELEASE_COOKIE') && !text.includes('shop_green'));
  });

  it('an upstream that names no slot, or a slot without a release, is a clear refusal', () => {
    blueGreen('green');
    writeFileSync(join(root, 'etc', 'upstream.conf'), 'upstream x { server 127.0.0.1:4002; }\n');
    assert.deepEqual([sh(withEtc(rpcCommand(env, 'shop', 'x'))).code, /no live slot/.test(sh(withEtc(rpcCommand(env, 'shop', 'x'))).out)], [3, true]);
    rmSync(join(root, 'current'));
    const plain = { ...env, service: undefined, strategy: undefined, proxy: undefined };
    const r = sh(rpcCommand(plain, 'shop', 'x'));
    assert.equal(r.code, 3);
    assert.match(r.out, /no live release: .*\/current\/bin\/shop does not exist \(deploy first\)/);
  });

  it('hosts the tool does not manage: current, with shared/env', () => {
    const plain = { ...env, service: undefined, strategy: undefined, proxy: undefined };
    assert.equal(sh(rpcCommand(plain, 'shop', 'x')).out.trim(), `release=${ID_A} cwd=${root}/current node=from_shared_env cookie=${COOKIE} port=9999 args=rpc x`);
  });

  it('a remote hook runs in the new release with shared/env loaded and the hook variables over it', () => {
    writeFileSync(join(root, 'shared', 'env'), 'FROM_SHARED=yes\nPHOENIX_DEPLOY_RELEASE=forged\n');
    const out = execFileSync('sh', ['-c', renderCommand(remoteHookCommand(remotePaths(root), ['sh', '-c', 'echo "$(pwd) $FROM_SHARED $PHOENIX_DEPLOY_RELEASE $PHOENIX_DEPLOY_COMMIT $PHOENIX_DEPLOY_ENV $PHOENIX_DEPLOY_HOST $PHOENIX_DEPLOY_ROLE $1"', 'x', 'a b'],
      { release: ID_B, commit: 'bbbbbbb', env: 'production', host: 'web1:22', role: 'primary' }))], { encoding: 'utf8' });
    assert.equal(out.trim(), `${root}/releases/${ID_B} yes ${ID_B} bbbbbbb production web1:22 primary a b`);
  });
});
