import assert from 'node:assert/strict';
import { PassThrough, Duplex } from 'node:stream';
import { buildHttpRequest, httpGetOverStream, parseHttpResponse, parseHttpUrl } from '../../../src/core/ssh/http';
import { parseRsyncStats, rshWords, rsyncArgs } from '../../../src/core/ssh/rsync';
import { makeAuthHandler, type AuthLog } from '../../../src/core/ssh/auth';
import { mapLimit } from '../../../src/core/ssh/parallel';
import { tunnelCommand } from '../../../src/core/ssh/tunnel';

describe('http over a forwarded channel', () => {
  it('parses URLs and builds an HTTP/1.0 request', () => {
    assert.deepEqual(parseHttpUrl('http://127.0.0.1:4000/health?x=1'), { https: false, host: '127.0.0.1', port: 4000, path: '/health?x=1' });
    assert.deepEqual(parseHttpUrl('https://[::1]/'), { https: true, host: '::1', port: 443, path: '/' });
    assert.throws(() => parseHttpUrl('ftp://x/'), /http/);
    assert.equal(buildHttpRequest(parseHttpUrl('http://localhost:4000/health')),
      'GET /health HTTP/1.0\r\nHost: localhost:4000\r\nUser-Agent: phoenix-deploy\r\nAccept: */*\r\nConnection: close\r\n\r\n');
  });

  it('parses responses, including partial and malformed ones', () => {
    assert.deepEqual(parseHttpResponse(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nok\n')), { status: 200, body: 'ok\n' });
    assert.deepEqual(parseHttpResponse(Buffer.from('HTTP/1.0 503 Service Unavailable\r\n')), { status: 503, body: '' });
    assert.equal(parseHttpResponse(Buffer.from('SSH-2.0-OpenSSH_9.2\r\n')), undefined);
  });

  it('sends the request and reads the response from a stream', async () => {
    const fromClient = new PassThrough();
    const toClient = new PassThrough();
    const stream = Duplex.from({ writable: fromClient, readable: toClient });
    fromClient.once('data', () => toClient.end('HTTP/1.1 200 OK\r\n\r\nok 0.1.0 hello\n'));
    assert.deepEqual(await httpGetOverStream(stream, parseHttpUrl('http://127.0.0.1:4000/health'), 2000), { status: 200, body: 'ok 0.1.0 hello\n' });
  });
});

describe('rsync transport', () => {
  const endpoint = { host: '127.0.0.1', port: 2240, user: 'deploy', identityFile: '/keys/id', knownHostsFile: '/keys/known_hosts' };

  it('builds the exact argv: checksum, delete, compress, stats, never --inplace, strict host keys', () => {
    const args = rsyncArgs({ source: '/rel', remoteDir: '/opt/app/cache/dev', endpoint });
    assert.deepEqual(args, ['-a', '--no-times', '--delete', '--checksum', '--compress', '--stats', '--timeout=300', '-e',
      'ssh -F none -o StrictHostKeyChecking=yes -o UserKnownHostsFile=/keys/known_hosts -o GlobalKnownHostsFile=/dev/null ' +
      '-o UpdateHostKeys=no -o BatchMode=yes -o ConnectTimeout=20 -p 2240 -i /keys/id',
      '--', '/rel/', 'deploy@127.0.0.1:/opt/app/cache/dev/']);
    assert.ok(!args.includes('--inplace'));
    assert.equal(rsyncArgs({ source: '/r/', remoteDir: '/d/', endpoint: { ...endpoint, host: '::1' } }).at(-1), 'deploy@[::1]:/d/');
  });

  it('refuses paths rsync would split or a shell would interpret', () => {
    assert.throws(() => rshWords({ ...endpoint, knownHostsFile: '/my keys/kh' }), /spaces or quotes/);
    assert.throws(() => rsyncArgs({ source: '/r', remoteDir: "/opt/x'; rm -rf ~", endpoint }), /plain absolute path/);
    assert.throws(() => rsyncArgs({ source: '/r', remoteDir: 'relative', endpoint }), /plain absolute path/);
  });

  it('parses --stats output', () => {
    const out = 'Number of regular files transferred: 3\nTotal file size: 11,383,767 bytes\nTotal bytes sent: 32,995\nTotal bytes received: 1,019\n';
    assert.deepEqual(parseRsyncStats(out), { bytesSent: 32995, bytesReceived: 1019, totalFileSize: 11383767, filesTransferred: 3 });
    assert.deepEqual(parseRsyncStats('garbage'), { bytesSent: 0, bytesReceived: 0, totalFileSize: 0, filesTransferred: 0 });
  });
});

describe('rsync tunnel requests', () => {
  it('accepts only `rsync --server` after rsync\'s [-l user] host', () => {
    assert.deepEqual(tunnelCommand(['-l', 'deploy', 'h', 'rsync', '--server', '-logDtprcze.iLsfxCIvu', '--delete', '.', '/opt/app/cache/d/']),
      ['rsync', '--server', '-logDtprcze.iLsfxCIvu', '--delete', '.', '/opt/app/cache/d/']);
    assert.deepEqual(tunnelCommand(['h', 'rsync', '--server', '.']), ['rsync', '--server', '.']);
    assert.throws(() => tunnelCommand(['h', 'sh', '-c', 'rm -rf ~']), /refusing to run "sh -c"/);
    assert.throws(() => tunnelCommand(['h', 'rsync', '--daemon']), /refusing/);
    assert.throws(() => tunnelCommand(['h', 'rsync', '--server', '/opt/my\\ app']), /escapes/);
    assert.throws(() => tunnelCommand('rsync'), /malformed/);
  });
});

describe('authentication order', () => {
  const next = (handler: ReturnType<typeof makeAuthHandler>) =>
    new Promise<unknown>((resolve) => handler([], false, (m) => resolve(m)));

  it('tries the agent first, then the key file; asks for a passphrase only for an encrypted key', async () => {
    const log: AuthLog = { tried: [], problems: [] };
    const asked: string[] = [];
    const parse = (_d: Buffer, pass?: string) => (pass === 'right' ? ({ isPrivateKey: () => true } as never) : new Error('Encrypted private OpenSSH key detected, but no passphrase given'));
    const handler = makeAuthHandler({ username: 'deploy', agentSocket: '/agent.sock', identityFiles: [__filename], passphrase: async (f) => (asked.push(f), 'right') }, parse, log);
    assert.deepEqual(await next(handler), { type: 'agent', username: 'deploy', agent: '/agent.sock' });
    const second = (await next(handler)) as { type: string };
    assert.equal(second.type, 'publickey');
    assert.deepEqual(asked, [__filename]);
    assert.equal(await next(handler), false);
    assert.deepEqual(log.tried, ['ssh-agent', __filename]);
  });

  it('records why a key could not be used, without any secret', async () => {
    const log: AuthLog = { tried: [], problems: [] };
    const handler = makeAuthHandler({ username: 'u', identityFiles: ['/no/such/key'] }, () => new Error('x'), log);
    assert.equal(await next(handler), false);
    assert.deepEqual(log.problems, ['cannot read identity file /no/such/key: ENOENT']);
    const log2: AuthLog = { tried: [], problems: [] };
    const wrong = makeAuthHandler({ username: 'u', identityFiles: [__filename], passphrase: async () => 'hunter2' }, () => new Error('encrypted'), log2);
    assert.equal(await next(wrong), false);
    assert.ok(!JSON.stringify(log2).includes('hunter2'));
  });
});

describe('bounded parallelism', () => {
  it('never runs more than the limit at once and keeps order, collecting failures', async () => {
    let running = 0;
    let peak = 0;
    const results = await mapLimit([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], 8, async (n) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setImmediate(r));
      running--;
      if (n === 3) throw new Error('three');
      return n * 2;
    });
    assert.equal(peak, 8);
    assert.deepEqual(results.map((r) => (r.ok ? r.value : r.error.message)), [2, 4, 'three', 8, 10, 12, 14, 16, 18, 20, 22, 24]);
  });
});
