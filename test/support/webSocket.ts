/**
 * A minimal WebSocket client (RFC 6455) over node:net, enough for the tests: the upgrade handshake,
 * masked text frames out, unmasked frames in, and the close. Node 20 has no WebSocket client built
 * in, and the example app's socket needs no more than this. `connectSocket` resolves once the
 * server has greeted (the example app's first frame names the release that answers).
 */
import { createHash, randomBytes } from 'node:crypto';
import * as net from 'node:net';
import * as tls from 'node:tls';

export interface SocketHandle {
  /** The server's first text frame (the example app: `release <vsn> <greeting> <port>`). */
  greeting: string;
  send(text: string): void;
  close(): void;
  /** Resolves with the close code (1006 when the TCP connection ended without a close frame). */
  closed: Promise<number>;
  onText(fn: (text: string) => void): void;
}

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

function frame(op: number, payload: Buffer): Buffer {
  const mask = randomBytes(4);
  const len = payload.length;
  const head = len < 126 ? Buffer.from([0x80 | op, 0x80 | len]) : Buffer.from([0x80 | op, 0x80 | 126, len >> 8, len & 0xff]);
  const body = Buffer.from(payload.map((b, i) => b ^ mask[i % 4]));
  return Buffer.concat([head, mask, body]);
}

/** `secure`: wss:// (TLS, the certificate not verified: test hosts use self-signed ones). */
export function connectSocket(port: number, hostHeader: string, path = '/socket', timeoutMs = 10_000, secure = false): Promise<SocketHandle> {
  return new Promise((resolve, reject) => {
    const key = randomBytes(16).toString('base64');
    const sock = secure
      ? tls.connect({ host: '127.0.0.1', port, servername: hostHeader, rejectUnauthorized: false })
      : net.connect({ host: '127.0.0.1', port });
    let buffer = Buffer.alloc(0);
    let upgraded = false;
    const listeners: Array<(t: string) => void> = [];
    let closeCode = 1006;
    let settleClosed: (code: number) => void = () => undefined;
    const closed = new Promise<number>((r) => (settleClosed = r));
    const timer = setTimeout(() => { sock.destroy(); reject(new Error(`no WebSocket greeting within ${timeoutMs} ms`)); }, timeoutMs);
    const handle: SocketHandle = {
      greeting: '',
      send: (text) => sock.write(frame(1, Buffer.from(text))),
      close: () => { sock.write(frame(8, Buffer.from([0x03, 0xe8]))); sock.end(); },
      closed,
      onText: (fn) => listeners.push(fn),
    };
    sock.on(secure ? 'secureConnect' : 'connect', () => sock.write(`GET ${path} HTTP/1.1\r\nHost: ${hostHeader}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`));
    sock.on('data', (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      if (!upgraded) {
        const end = buffer.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = buffer.subarray(0, end).toString('latin1');
        const accept = createHash('sha1').update(key + GUID).digest('base64');
        if (!/^HTTP\/1\.1 101 /.test(head) || !head.toLowerCase().includes(`sec-websocket-accept: ${accept.toLowerCase()}`)) {
          clearTimeout(timer);
          sock.destroy();
          reject(new Error(`no WebSocket upgrade: ${head.split('\r\n')[0]}`));
          return;
        }
        upgraded = true;
        buffer = buffer.subarray(end + 4);
      }
      while (buffer.length >= 2) {
        const op = buffer[0] & 0x0f;
        let len = buffer[1] & 0x7f;
        let offset = 2;
        if (len === 126) {
          if (buffer.length < 4) return;
          len = buffer.readUInt16BE(2);
          offset = 4;
        }
        if (buffer.length < offset + len) return;
        const payload = buffer.subarray(offset, offset + len);
        buffer = buffer.subarray(offset + len);
        if (op === 1) {
          const text = payload.toString('utf8');
          if (handle.greeting === '') {
            handle.greeting = text;
            clearTimeout(timer);
            resolve(handle);
          } else {
            for (const fn of listeners) fn(text);
          }
        } else if (op === 8) {
          closeCode = payload.length >= 2 ? payload.readUInt16BE(0) : 1005;
          sock.end();
        }
      }
    });
    sock.on('error', (e) => { clearTimeout(timer); if (!upgraded) reject(e); });
    sock.on('close', () => { clearTimeout(timer); settleClosed(closeCode); if (!upgraded) reject(new Error('connection closed before the upgrade')); });
  });
}
