/** What every CLI command receives: parsed flags and output sinks (stdout is reserved for --json). */
export interface CliContext {
  cwd: string;
  env: string;
  json: boolean;
  probe: boolean;
  dryRun: boolean;
  yes: boolean;
  force: boolean;
  to?: string;
  /** `setup --admin USER`: the SSH user that may run sudo -n. */
  admin?: string;
  stdout(text: string): void;
  stderr(text: string): void;
}

export class CliUsageError extends Error {
  override name = 'CliUsageError';
}
