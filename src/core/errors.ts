/**
 * How the core fails: an error the user can act on, a cancel, and the one test that tells a
 * cancel from a failure. Every layer imports these from here (ssh, docker and git included), so
 * failing never depends on the plan runner.
 */

/** Where an error points: the file and line, or the host. */
export interface ErrorDetail {
  file?: string;
  line?: number;
  host?: string;
}

/** The user (or the editor) cancelled; never reported as a failure. */
export class CancelledError extends Error {
  constructor(message = 'cancelled') {
    super(message);
    this.name = 'CancelledError';
  }
}

/** An error the user can act on: names the file/line or host, and what to do. */
export class UserError extends Error {
  constructor(message: string, readonly detail?: ErrorDetail) {
    super(message);
    this.name = 'UserError';
  }
}

/** Work on several hosts failed: one failure per host, each kept (the message names them all). */
export class HostsError extends UserError {
  constructor(readonly failures: Array<{ host: string; error: Error }>) {
    super(failures.map((f) => (f.error.message.includes(f.host) ? f.error.message : `${f.host}: ${f.error.message}`)).join('\n'),
      { host: failures[0]?.host });
    this.name = 'HostsError';
  }
}

/**
 * A cancel rather than a failure: a CancelledError (by class or by name, e.g. from a prompt), or
 * an AbortError while `signal` (the cancel the work ran under) is aborted. Without a signal, any
 * AbortError counts as a cancel.
 */
export function isCancel(error: unknown, signal?: AbortSignal): boolean {
  if (!(error instanceof Error)) return false;
  if (error instanceof CancelledError || error.name === 'CancelledError') return true;
  return error.name === 'AbortError' && (signal === undefined || signal.aborted);
}

/**
 * A failure as results carry it (e.g. each failing host's in --json): what happened, at which
 * step, on which host, and where it points when it points at a file. `appSays`: the app's own log
 * lines around the failure, when they were read.
 */
export interface StructuredError {
  message: string;
  step: string;
  host: string;
  file?: string;
  line?: number;
  appSays?: string[];
}

/** `error` as a StructuredError of `step` on `host`; a UserError's file and line come along. */
export function structuredError(error: unknown, step: string, host: string): StructuredError {
  const message = error instanceof Error ? error.message : String(error);
  const detail = error instanceof UserError ? error.detail : undefined;
  return {
    message, step, host,
    ...(detail?.file !== undefined ? { file: detail.file } : {}),
    ...(detail?.line !== undefined ? { line: detail.line } : {}),
  };
}

/**
 * The per-host failures a step's error names: each of a HostsError's hosts (cancels left out), or
 * the one host a UserError points at. An error naming no host gives none.
 */
export function hostFailures(error: unknown, step: string): StructuredError[] {
  if (error instanceof HostsError) return error.failures.filter((f) => !isCancel(f.error)).map((f) => structuredError(f.error, step, f.host));
  if (error instanceof UserError && error.detail?.host) return [structuredError(error, step, error.detail.host)];
  return [];
}
