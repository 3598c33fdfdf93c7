/**
 * What the editor's command wrapper decides, without VS Code: whether a command may run in this
 * workspace, whether a failure is a cancel (never shown), and which buttons its error offers.
 * Kept free of `vscode` so unit tests run it.
 */
import { isCancel, UserError } from '../core/errors';
import { parseUnknownHost, type UnknownHost } from '../core/ssh/trust';
import type { RunFailure } from '../core/usecases/failure';

/** What a command refused in Restricted Mode returns, so a caller (or a test) can tell a refusal from "nothing to do". */
export interface RestrictedRefusal {
  refused: 'restricted-mode';
  message: string;
}

/**
 * The refusal of a command that needs a trusted workspace (`needsTrust` names what it does, e.g.
 * "Deploying"), or undefined when it may run: trusted, or it only reads files.
 */
export function trustRefusal(needsTrust: string | undefined, trusted: boolean, explain: (what: string) => string): RestrictedRefusal | undefined {
  return needsTrust !== undefined && !trusted ? { refused: 'restricted-mode', message: explain(needsTrust) } : undefined;
}

export type ErrorButton = 'trust-host' | 'open-file' | 'retry';

/** A failure as it is shown: the message, where it points, and the buttons it gets besides Show Log and the caller's own. */
export interface FailureReport {
  message: string;
  file?: string;
  line?: number;
  host?: string;
  unknownHost?: UnknownHost;
  buttons: ErrorButton[];
}

/** A thrown error or a failed run's structured failure, as one shape. */
export function asFailure(failure: unknown): RunFailure {
  if (failure instanceof Error) {
    const detail = failure instanceof UserError ? failure.detail : (failure as { detail?: UserError['detail'] }).detail;
    return {
      message: failure.message, step: '',
      ...(detail?.host ? { host: detail.host } : {}), ...(detail?.file ? { file: detail.file } : {}), ...(detail?.line !== undefined ? { line: detail.line } : {}),
    };
  }
  if (typeof failure === 'object' && failure !== null && typeof (failure as RunFailure).message === 'string') return failure as RunFailure;
  return { message: String(failure), step: '' };
}

/**
 * How a failure is shown, or undefined for a cancel (the user's own doing, never an error): Trust
 * Host… when SSH refused an unknown host key, Open File when it points at a project file, Retry
 * when the caller can run it again.
 */
export function failureReport(failure: unknown, canRetry: boolean): FailureReport | undefined {
  if (isCancel(failure)) return undefined;
  const f = asFailure(failure);
  const unknownHost = parseUnknownHost(f.message);
  const buttons: ErrorButton[] = [...(unknownHost ? ['trust-host' as const] : []), ...(f.file ? ['open-file' as const] : []), ...(canRetry ? ['retry' as const] : [])];
  return {
    message: f.message, buttons,
    ...(f.file ? { file: f.file, line: f.line ?? 1 } : {}), ...(f.host ? { host: f.host } : {}), ...(unknownHost ? { unknownHost } : {}),
  };
}
