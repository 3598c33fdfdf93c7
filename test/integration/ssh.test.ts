/**
 * SSH transport against a real sshd host: host-key verification (plain, hashed, unknown, changed,
 * revoked), exec with hostile arguments, abort, authentication, forwarded HTTP, rsync.
 *   npx tsc -p . && npx mocha --timeout 600000 out/test/integration/ssh.test.js
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { connectSsh, HostKeyError, type ConnectOptions, type SshConnection } from '../../src/core/ssh/connection';
import { openSessions, closeSessions } from '../../src/core/ssh/sessions';
import { runRsync } from '../../src/core/ssh/rsync';
import { rsyncOverConnection } from '../../src/core/ssh/upload';
import { randomBytes, createHash } from 'node:crypto';

const run = promisify(execFile);
const ROOT = join(__dirname, '..', '..', '..');
const SANDBOX = '/var/cache/phoenix-deploy-testbed/sandbox';
const KEY = `${SANDBOX}/id_ed25519`;
const PORT = 2250;
const target = { host: '127.0.0.1', port: PORT, user: 'deploy' };
const hostsSh = (...args: string[]) => run('bash', [join(ROOT, 'scripts/testbed/hosts.sh'), ...args]);

describe('ssh transport (integration)', function () {
  this.timeout(300000);
  const dir = mkdtempSync(join(tmpdir(), 'pd-ssh-'));
  const file = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };
  let plain = '';
  let hashed = '';
  let conn: SshConnection;
  const opts = (knownHostsFile: string, extra: Partial<ConnectOptions> = {}): ConnectOptions => ({ knownHostsFile, identityFiles: [KEY], ...extra });

  before(async () => {
    await hostsSh('start', 'pd5-ssh', String(PORT), 'bookworm');
    plain = file('plain', (await run('ssh-keyscan', ['-t', 'ed25519', '-p', String(PORT), '127.0.0.1'])).stdout);
    hashed = file('hashed', (await run('ssh-keyscan', ['-H', '-t', 'ed25519', '-p', String(PORT), '127.0.0.1'])).stdout);
    conn = await connectSsh(target, opts(plain));
  });

  after(async () => {
    await conn?.close();
    await hostsSh('stop', 'pd5-ssh');
    rmSync(dir, { recursive: true, force: true });
  });

  it('connects with a plain known_hosts entry and runs commands with exit codes and streams', async () => {
    assert.match(conn.fingerprint, /^SHA256:[A-Za-z0-9+/]{43}$/);
    const chunks: string[] = [];
    const r = await conn.exec(['sh', '-c', 'echo out; echo err >&2; exit 3'], { onStdout: (t) => chunks.push(t) });
    assert.deepEqual([r.code, r.stdout, r.stderr, chunks.join('')], [3, 'out\n', 'err\n', 'out\n']);
  });

  it('passes hostile words through as data', async () => {
    const hostile = `; rm -rf ~ $(touch /tmp/pwned) \`touch /tmp/pwned\` 'q' "dq" \\ \n next line`;
    const r = await conn.exec(['printf', '%s', hostile]);
    assert.equal(r.stdout, hostile);
    assert.equal((await conn.exec(['sh', '-c', 'test -e /tmp/pwned && echo yes || echo no'])).stdout, 'no\n');
  });

  it('trusts a hashed entry, next to @revoked (other key) and @cert-authority lines', async () => {
    const other = 'AAAAC3NzaC1lZDI1NTE5AAAAIKv31+kQKgLOS2i7lcnneA+8/PC+Ncyxvd+3KS+vBmG6';
    const known = file('mixed', `@cert-authority *.example.com ssh-ed25519 ${other}\n@revoked * ssh-ed25519 ${other}\n${readFileSync(hashed, 'utf8')}`);
    const c = await connectSsh(target, opts(known));
    assert.equal((await c.exec(['true'])).code, 0);
    await c.close();
  });

  it('asks the host for the key type known_hosts has (ecdsa only, though ed25519 is preferred by default)', async () => {
    const ecdsa = file('ecdsa', (await run('ssh-keyscan', ['-t', 'ecdsa', '-p', String(PORT), '127.0.0.1'])).stdout);
    const c = await connectSsh(target, opts(ecdsa));
    assert.notEqual(c.fingerprint, conn.fingerprint);
    await c.close();
  });

  it('refuses an unknown host with the fingerprint and the ssh-keyscan line that adds it', async () => {
    const empty = file('empty', '');
    await assert.rejects(connectSsh(target, opts(empty)), (e: HostKeyError) => {
      assert.equal(e.verdict.status, 'unknown');
      assert.ok(e.message.includes(conn.fingerprint));
      assert.ok(e.message.includes(`ssh-keyscan -p ${PORT} 127.0.0.1 >> ${empty}`));
      return true;
    });
  });

  it('refuses a revoked key', async () => {
    const key = readFileSync(plain, 'utf8').trim().split(/\s+/).slice(1).join(' ');
    const revoked = file('revoked', `@revoked * ${key}\n${readFileSync(plain, 'utf8')}`);
    await assert.rejects(connectSsh(target, opts(revoked)), (e: HostKeyError) => e.verdict.status === 'revoked' && /@revoked/.test(e.message));
  });

  it('reports a refused forwarded connection, and aborts a running command', async () => {
    await assert.rejects(conn.httpGet('http://127.0.0.1:4999/health'), /refused|failure/i);
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 300);
    await assert.rejects(conn.exec(['sleep', '30'], { signal: ac.signal }), { name: 'AbortError' });
  });

  it('refuses a key the host does not accept, saying what it tried', async () => {
    const other = join(dir, 'other_key');
    await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', other]);
    await assert.rejects(connectSsh(target, opts(plain, { identityFiles: [other] })), /refused authentication; tried .*other_key/);
  });

  it('uses a passphrase-protected key through the passphrase callback', async () => {
    const locked = join(dir, 'locked_key');
    await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', 'sekrit phrase', '-f', locked]);
    await conn.exec(['sh', '-c', 'cat >> ~/.ssh/authorized_keys'], { stdin: readFileSync(`${locked}.pub`) });
    const asked: string[] = [];
    const c = await connectSsh(target, opts(plain, { identityFiles: [locked], passphrase: async (f) => (asked.push(f), 'sekrit phrase') }));
    assert.deepEqual(asked, [locked]);
    await c.close();
    await assert.rejects(connectSsh(target, opts(plain, { identityFiles: [locked] })), /encrypted and no passphrase/);
  });

  it('opens sessions in bounded parallel and reports the hosts that failed', async () => {
    const { sessions, errors } = await openSessions([PORT, 2251], (p) => `127.0.0.1:${p}`,
      (p) => connectSsh({ ...target, port: p }, opts(plain, { readyTimeoutMs: 5000 })));
    assert.deepEqual([...sessions.keys()], [`127.0.0.1:${PORT}`]);
    assert.deepEqual(errors.map((e) => e.key), ['127.0.0.1:2251']);
    await closeSessions(sessions.values());
  });

  it('uploads with rsync under the same known_hosts, and refuses an unknown host', async () => {
    const src = join(dir, 'src');
    mkdirSync(src);
    writeFileSync(join(src, 'a.txt'), 'x'.repeat(10000));
    const endpoint = { ...target, identityFile: KEY, knownHostsFile: plain };
    const stats = await runRsync({ source: src, remoteDir: '/tmp/pd-rsync', endpoint });
    assert.ok(stats.bytesSent > 0 && stats.totalFileSize === 10000, JSON.stringify(stats));
    assert.equal((await conn.exec(['wc', '-c', '/tmp/pd-rsync/a.txt'])).stdout, '10000 /tmp/pd-rsync/a.txt\n');
    await assert.rejects(runRsync({ source: src, remoteDir: '/tmp/pd-rsync', endpoint: { ...endpoint, knownHostsFile: file('none', '') } }),
      /host key not trusted/);
  });

  it('tunnels rsync through the ssh2 connection: no OpenSSH, no second host-key check, large data intact', async () => {
    const src = join(dir, 'big');
    mkdirSync(src);
    const data = randomBytes(6 * 1024 * 1024);
    writeFileSync(join(src, 'blob.bin'), data);
    writeFileSync(join(src, 'small.txt'), 'hi');
    // An empty known_hosts proves OpenSSH is not involved: only our verified connection is used.
    const endpoint = { ...target, knownHostsFile: file('unused', '') };
    const stats = await rsyncOverConnection({ source: src, remoteDir: '/tmp/pd-tunnel', endpoint }, conn);
    assert.ok(stats.bytesSent > data.length, JSON.stringify(stats));
    const sum = (await conn.exec(['sha256sum', '/tmp/pd-tunnel/blob.bin'])).stdout.split(' ')[0];
    assert.equal(sum, createHash('sha256').update(data).digest('hex'));
    const again = await rsyncOverConnection({ source: src, remoteDir: '/tmp/pd-tunnel', endpoint }, conn);
    assert.ok(again.bytesSent < 10000, `unchanged upload sent ${again.bytesSent}`);
  });

  it('refuses a changed host key (host recreated on the same port), over ssh2 and rsync', async () => {
    await conn.close();
    await hostsSh('start', 'pd5-ssh', String(PORT), 'bookworm'); // new container, new host key
    await assert.rejects(connectSsh(target, opts(plain)), (e: HostKeyError) => {
      assert.equal(e.verdict.status, 'changed');
      assert.match(e.message, /HOST KEY CHANGED for 127\.0\.0\.1:2250/);
      return true;
    });
    await assert.rejects(connectSsh(target, opts(hashed)), (e: HostKeyError) => e.verdict.status === 'changed');
    const endpoint = { ...target, identityFile: KEY, knownHostsFile: plain };
    await assert.rejects(runRsync({ source: join(dir, 'src'), remoteDir: '/tmp/pd-rsync', endpoint }), /host key not trusted/);
    conn = await connectSsh(target, opts(`${SANDBOX}/known_hosts`)); // hosts.sh trusted the new key there
  });
});
