/** Runs one command on an open ssh2 client: streams output, honours an AbortSignal. */
import { StringDecoder } from 'node:string_decoder';
import type { Client, ClientChannel } from 'ssh2';
import type { CommandResult } from '../remoteQuery';
import { renderCommand, type Command } from '../shell';

export type ExecResult = CommandResult;

export interface ExecOptions {
  onStdout?(text: string): void;
  onStderr?(text: string): void;
  signal?: AbortSignal;
  /** Written to the command's stdin, which is then closed. */
  stdin?: string | Buffer;
}

/** Keeps memory bounded: the head and tail of very large outputs. */
const MAX_CAPTURE = 4 * 1024 * 1024;

export function abortError(): Error {
  return Object.assign(new Error('aborted'), { name: 'AbortError' });
}

export function execOnClient(client: Client, command: Command, options: ExecOptions = {}): Promise<ExecResult> {
  const text = renderCommand(command);
  const { signal } = options;
  if (signal?.aborted) return Promise.reject(abortError());
  return new Promise<ExecResult>((resolve, reject) => {
    client.exec(text, (err: Error | undefined, channel: ClientChannel) => {
      if (err) return reject(err);
      const out = capture(options.onStdout);
      const errOut = capture(options.onStderr);
      let code = -1;
      let exitSignal: string | undefined;
      let settled = false;
      const onAbort = () => {
        if (settled) return;
        settled = true;
        try {
          channel.signal('TERM');
        } catch {
          // not every server supports signals; closing the channel is enough
        }
        channel.close();
        reject(abortError());
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      channel.on('data', (d: Buffer) => out.push(d));
      channel.stderr.on('data', (d: Buffer) => errOut.push(d));
      channel.on('exit', (c: number | null, s?: string) => {
        if (typeof c === 'number') code = c;
        if (s) exitSignal = s;
      });
      channel.on('close', () => {
        signal?.removeEventListener('abort', onAbort);
        if (settled) return;
        settled = true;
        resolve({ code, signal: exitSignal, stdout: out.text(), stderr: errOut.text() });
      });
      if (options.stdin !== undefined) channel.end(options.stdin);
      else channel.end();
    });
  });
}

function capture(onText?: (text: string) => void) {
  const decoder = new StringDecoder('utf8');
  const chunks: Buffer[] = [];
  let size = 0;
  return {
    push(chunk: Buffer) {
      if (onText) {
        const t = decoder.write(chunk);
        if (t) onText(t);
      }
      chunks.push(chunk);
      size += chunk.length;
      while (size > MAX_CAPTURE && chunks.length > 1) size -= chunks.splice(1, 1)[0].length; // keep head + tail
    },
    text() {
      if (onText) {
        const rest = decoder.end();
        if (rest) onText(rest);
      }
      return Buffer.concat(chunks).toString('utf8');
    },
  };
}
