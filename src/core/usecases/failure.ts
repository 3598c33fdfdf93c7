/** The one error to show for a failed run (deploy, rollback, setup, env), kept structured for the editor's actions. */
import { failureLocation } from '../deploy/failureLocation';
import type { StructuredError } from '../errors';

/** What every run result has: its outcome, and each host's own error. */
export interface RunResultLike {
  ok: boolean;
  cancelled: boolean;
  error?: string;
  failedStep?: string;
  hosts: ReadonlyArray<{ host: string; error?: StructuredError }>;
}

/** A run's failure: the run's message (with its step), the host that failed, and the project file and line when known. */
export interface RunFailure extends Omit<StructuredError, 'host'> {
  host?: string;
}

/**
 * Undefined for a run that succeeded or was cancelled. Otherwise the host with its own error (else
 * the one the run's error names first, `web1: …`), and the file and line: that host's own, else
 * the first project path the app's words name.
 */
export function runFailure(result: RunResultLike, fallback = 'the run failed'): RunFailure | undefined {
  if (result.ok || result.cancelled) return undefined;
  const failed = result.hosts.find((h) => h.error) ?? result.hosts.find((h) => result.error?.startsWith(`${h.host}: `));
  const own = failed?.error?.file ? { file: failed.error.file, ...(failed.error.line !== undefined ? { line: failed.error.line } : {}) } : undefined;
  const said = [result.error, ...result.hosts.flatMap((h) => [h.error?.message, ...(h.error?.appSays ?? [])])].filter(Boolean).join('\n');
  const appSays = failed?.error?.appSays;
  return {
    message: `${result.error ?? fallback}${result.failedStep ? ` (step ${result.failedStep})` : ''}`,
    step: result.failedStep ?? failed?.error?.step ?? '',
    ...(failed ? { host: failed.host } : {}),
    ...(own ?? failureLocation(said)),
    ...(appSays?.length ? { appSays } : {}),
  };
}
