/** A local hook: one program and its words, run in the project directory, no shell in between. */
import { spawn } from 'node:child_process';
import { StringDecoder } from 'node:string_decoder';

export interface LocalRun {
  code: number;
  /** Set when it was killed by a signal (e.g. because the deploy was cancelled). */
  signal?: string;
}

export function runLocalCommand(argv: readonly string[], options: { cwd: string; env: Record<string, string>; signal: AbortSignal; onOutput(text: string): void }): Promise<LocalRun> {
  return new Promise((resolve, reject) => {
    if (options.signal.aborted) return reject(Object.assign(new Error('aborted'), { name: 'AbortError' }));
    const child = spawn(argv[0], argv.slice(1), { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'], shell: false });
    const decode = (stream: NodeJS.ReadableStream) => {
      const d = new StringDecoder('utf8');
      stream.on('data', (b: Buffer) => { const t = d.write(b); if (t) options.onOutput(t); });
      stream.on('end', () => { const t = d.end(); if (t) options.onOutput(t); });
    };
    decode(child.stdout);
    decode(child.stderr);
    const onAbort = () => child.kill('SIGTERM');
    options.signal.addEventListener('abort', onAbort, { once: true });
    child.on('error', (e: NodeJS.ErrnoException) => {
      options.signal.removeEventListener('abort', onAbort);
      reject(e.code === 'ENOENT' ? new Error(`${argv[0]} was not found (looked in ${options.cwd} and PATH)`)
        : e.code === 'EACCES' ? new Error(`${argv[0]} is not executable`) : e);
    });
    child.on('close', (code, signal) => {
      options.signal.removeEventListener('abort', onAbort);
      resolve({ code: code ?? -1, ...(signal ? { signal } : {}) });
    });
  });
}
