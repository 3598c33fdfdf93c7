/**
 * An interactive IEx on the live node, in a pseudo-terminal over the verified SSH connection. The
 * caller feeds keystrokes (raw, so Ctrl-C reaches IEx) and resizes; output arrives as bytes.
 */
import { fleetDeps } from '../fleet/local';
import type { RemoteOptions } from '../fleet/types';
import { UserError } from '../errors';
import type { PtySize } from '../ssh/connection';
import type { ResolvedTarget } from '../ssh/target';
import { remoteConsoleCommand } from './remote';
import { requireApp } from './rpc';

export interface ConsoleSession {
  host: string;
  write(data: string | Buffer): void;
  resize(size: PtySize): void;
  /** Ends the session from this side (closing the terminal): the remote shell's node goes, the app stays. */
  close(): void;
  /** The remote exit code once the session has ended and the connection is closed. */
  exited: Promise<number>;
}

export async function openConsole(options: RemoteOptions, target: ResolvedTarget, size: PtySize,
  onOutput: (data: Buffer) => void, signal: AbortSignal): Promise<ConsoleSession> {
  const command = remoteConsoleCommand(options.environment, requireApp(options));
  const deps = fleetDeps(options);
  const conn = await deps.connect(target, signal);
  if (!conn.ptyChannel) {
    await conn.close();
    throw new UserError(`${target.key}: this connection cannot open a terminal`, { host: target.key });
  }
  const channel = await conn.ptyChannel(command, size).catch(async (e: Error) => {
    await conn.close();
    throw e;
  });
  let code = -1;
  channel.on('data', (d: Buffer) => onOutput(d));
  channel.stderr.on('data', (d: Buffer) => onOutput(d));
  channel.on('exit', (c) => { if (typeof c === 'number') code = c; });
  const exited = new Promise<number>((resolve) => channel.on('close', () => {
    void conn.close().finally(() => resolve(code));
  }));
  const onAbort = () => channel.close();
  signal.addEventListener('abort', onAbort, { once: true });
  void exited.finally(() => signal.removeEventListener('abort', onAbort));
  return {
    host: target.key,
    write: (data) => void channel.write(Buffer.isBuffer(data) ? data : Buffer.from(data, 'utf8')),
    resize: (s) => channel.setWindow(s.rows, s.cols, 0, 0),
    close: () => channel.close(),
    exited,
  };
}
