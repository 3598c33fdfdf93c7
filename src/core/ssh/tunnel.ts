/**
 * rsync through our own verified ssh2 connection, so a deploy opens one SSH connection per host
 * and rsync inherits its host-key check, agent, key and passphrase. rsync's `-e` runs a tiny Node
 * helper that forwards its stdin/stdout over a private Unix socket (in a 0700 temp dir) to this
 * process, which runs the `rsync --server …` command on an exec channel. Nothing else is accepted.
 */
import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { Command } from '../shell';

/** An exec channel, as ssh2 gives it: stdin (write/end), stdout ('data'), stderr, exit and close. */
export interface RemoteChannel {
  stderr: Readable;
  write(chunk: Buffer): boolean;
  end(): void;
  pause(): void;
  resume(): void;
  on(event: 'data', listener: (chunk: Buffer) => void): unknown;
  on(event: 'exit', listener: (code: number | null) => void): unknown;
  on(event: 'close', listener: () => void): unknown;
  once(event: 'drain', listener: () => void): unknown;
}

export interface RsyncTunnel {
  /** The `-e` words for rsync. */
  rsh: string[];
  /** Environment for the rsync child (lets an Electron binary act as Node). */
  env: Record<string, string>;
  close(): Promise<void>;
}

// Frames to the helper: 1 byte type (1 stdout, 2 stderr, 3 exit code) + 4 byte length + payload.
const HELPER = `'use strict';
const net = require('net');
let [sock, ...args] = process.argv.slice(2);
const s = net.connect({ path: sock, allowHalfOpen: true });
s.write(JSON.stringify(args) + '\\n');
process.stdin.pipe(s);
let buf = Buffer.alloc(0), code = 255;
s.on('data', (d) => {
  buf = buf.length ? Buffer.concat([buf, d]) : d;
  while (buf.length >= 5 && buf.length >= 5 + buf.readUInt32BE(1)) {
    const t = buf[0], p = buf.subarray(5, 5 + buf.readUInt32BE(1));
    buf = buf.subarray(5 + p.length);
    if (t === 1 && !process.stdout.write(p)) { s.pause(); process.stdout.once('drain', () => s.resume()); }
    else if (t === 2) process.stderr.write(p);
    else if (t === 3) code = Number(p.toString()) || 0;
  }
});
s.on('end', () => process.stdout.write('', () => process.exit(code)));
s.on('error', (e) => { process.stderr.write('phoenix-deploy rsync tunnel: ' + e.message + '\\n'); process.exit(255); });
`;

/** Checks what rsync asks for: `[-l user] host rsync --server …`, words rsync did not need to escape. */
export function tunnelCommand(args: unknown): Command {
  if (!Array.isArray(args) || !args.every((a) => typeof a === 'string')) throw new Error('malformed request');
  const words = (args[0] === '-l' ? args.slice(3) : args.slice(1)) as string[];
  if (words[0] !== 'rsync' || words[1] !== '--server') throw new Error(`refusing to run ${JSON.stringify(words.slice(0, 2).join(' '))}`);
  if (words.some((w) => /[\\\n\r\0]/.test(w))) throw new Error('refusing an rsync argument with escapes');
  return words;
}

function frame(type: number, payload: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head[0] = type;
  head.writeUInt32BE(payload.length, 1);
  return Buffer.concat([head, payload]);
}

function serve(socket: Socket, open: (command: Command) => Promise<RemoteChannel>): void {
  let header = Buffer.alloc(0);
  const fail = (message: string) => {
    socket.end(Buffer.concat([frame(2, Buffer.from(`phoenix-deploy rsync tunnel: ${message}\n`)), frame(3, Buffer.from('255'))]));
  };
  const onHeader = (chunk: Buffer) => {
    header = Buffer.concat([header, chunk]);
    const nl = header.indexOf(10);
    if (nl < 0) return;
    socket.off('data', onHeader);
    socket.pause();
    const rest = header.subarray(nl + 1);
    let command: Command;
    try {
      command = tunnelCommand(JSON.parse(header.subarray(0, nl).toString('utf8')));
    } catch (e) {
      return fail((e as Error).message);
    }
    open(command).then((channel) => pipe(socket, channel, rest), (e: Error) => fail(e.message));
  };
  socket.on('data', onHeader);
  socket.on('error', () => socket.destroy());
}

function pipe(socket: Socket, channel: RemoteChannel, first: Buffer): void {
  let code: number | null = null;
  const send = (type: number, d: Buffer) => {
    if (!socket.write(frame(type, d))) {
      channel.pause();
      socket.once('drain', () => channel.resume());
    }
  };
  channel.on('data', (d) => send(1, d));
  channel.stderr.on('data', (d: Buffer) => send(2, d));
  channel.on('exit', (c) => (code = c));
  channel.on('close', () => socket.end(frame(3, Buffer.from(String(code ?? 255)))));
  if (first.length > 0) channel.write(first);
  socket.on('data', (d: Buffer) => {
    if (!channel.write(d)) {
      socket.pause();
      channel.once('drain', () => socket.resume());
    }
  });
  let ended = false;
  const endChannel = () => {
    if (!ended) channel.end();
    ended = true;
  };
  socket.on('end', endChannel);
  socket.on('close', endChannel);
  socket.resume();
}

/** Starts a tunnel for one upload; `close` removes the socket and helper. */
export async function startRsyncTunnel(open: (command: Command) => Promise<RemoteChannel>): Promise<RsyncTunnel> {
  const dir = await mkdtemp(join(tmpdir(), 'pd-rsh-'));
  const node = join(dir, 'node');
  const helper = join(dir, 'rsh.js');
  const sock = join(dir, 's');
  // A symlink keeps -e free of spaces even if Node lives under "Visual Studio Code.app".
  await symlink(process.execPath, node);
  await writeFile(helper, HELPER, { mode: 0o600 });
  const sockets = new Set<Socket>();
  const server: Server = createServer({ allowHalfOpen: true }, (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    serve(socket, open);
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(sock, () => resolve()));
  return {
    rsh: [node, helper, sock],
    env: { ELECTRON_RUN_AS_NODE: '1' },
    close: async () => {
      for (const socket of sockets) socket.destroy(); // an rsync that was killed must not keep us waiting
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}
