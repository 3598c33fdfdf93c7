/**
 * `runQuery` is the one way the core runs a command on a host (see ../remoteQuery.ts): one place
 * for the time bound, the exit-code policy and errors that name the host.
 */
import { UserError } from '../errors';
import { ANY_EXIT, type RemoteQuery } from '../remoteQuery';
import { ConnectionLostError, type SshConnection } from './connection';
import type { ExecResult } from './exec';

/** A host as the runner needs it: its name for messages, and its connection once open. */
export interface QueryHost {
  readonly target: { readonly key: string };
  readonly conn?: SshConnection;
}

export interface QueryOptions {
  signal?: AbortSignal;
  /** A command still running after this long is signalled, abandoned, and a CommandTimeoutError. */
  timeoutMs?: number;
  onStdout?(text: string): void;
  onStderr?(text: string): void;
  /** Written to the command's stdin, which is then closed. */
  stdin?: string | Buffer;
}

/** A command that did not finish within its time bound; it was signalled and abandoned. */
export class CommandTimeoutError extends UserError {
  constructor(message: string, host: string) {
    super(message, { host });
    this.name = 'CommandTimeoutError';
  }
}

/** The exit code of a command that failed with one outside its query's `okCodes`. */
export function exitCodeOf(error: unknown): number | undefined {
  return (error as { exitCode?: number } | undefined)?.exitCode;
}

/**
 * Runs `query` on `host`. Fails, naming the host, when it is not connected, when the command
 * outlives `timeoutMs` (CommandTimeoutError), when the connection is lost (ConnectionLostError
 * naming `what`), on an exit code outside `okCodes` (a UserError with the tail of its stderr
 * and `exitCode`), and when the parser rejects the answer (its message, tagged with the host). A cancel stays a cancel.
 */
export async function runQuery<T>(host: QueryHost, query: RemoteQuery<T>, options: QueryOptions = {}): Promise<T> {
  const key = host.target.key;
  if (!host.conn) throw new UserError(`${key}: not connected`, { host: key });
  const timeout = options.timeoutMs !== undefined ? AbortSignal.timeout(options.timeoutMs) : undefined;
  const signal = timeout && options.signal ? AbortSignal.any([options.signal, timeout]) : timeout ?? options.signal;
  let result: ExecResult;
  try {
    result = await host.conn.exec(query.command, { signal, onStdout: options.onStdout, onStderr: options.onStderr, stdin: options.stdin });
  } catch (e) {
    if (timeout?.aborted && !options.signal?.aborted) {
      throw new CommandTimeoutError(`${query.what} did not finish within ${options.timeoutMs! / 1000}s on ${key}; it was stopped`, key);
    }
    if (e instanceof ConnectionLostError) throw new ConnectionLostError(key, query.what, e.reason);
    throw e;
  }
  const okCodes = query.okCodes ?? [0];
  if (okCodes !== ANY_EXIT && !okCodes.includes(result.code)) {
    const detail = tail(result.stderr.trim() || result.stdout.trim(), 1500);
    throw Object.assign(new UserError(`${query.what} failed on ${key} (exit ${result.code})${detail ? `: ${detail}` : ''}`, { host: key }),
      { exitCode: result.code });
  }
  try {
    return query.parse(result, key);
  } catch (e) {
    throw hostTagged(e, key);
  }
}

/** `error` naming `host`: a plain Error or UserError without a host becomes a UserError with it (same message); subclasses are kept. */
function hostTagged(error: unknown, host: string): unknown {
  if (!(error instanceof Error) || error.name === 'AbortError') return error;
  if (error instanceof UserError && (error.constructor !== UserError || error.detail?.host)) return error;
  return new UserError(error.message, { ...(error instanceof UserError ? error.detail : {}), host });
}

export function tail(text: string, max: number): string {
  return text.length > max ? `…${text.slice(-max)}` : text;
}
