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
