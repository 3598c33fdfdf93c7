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
  /** `--host H`: one host of the environment (`host:port`, or a host name that names one). */
  host?: string;
  /** `init --host H…`: every host given. */
  hosts: string[];
  /** `init --domain D`. */
  domain?: string;
  /** `env set KEY --generate`: a random secret, never printed. */
  generate: boolean;
  /** `rpc --all`: every host, not only the primary. */
  all: boolean;
  /** `logs --lines N` (validated by the command). */
  lines?: string;
  since?: string;
  follow: boolean;
  /** `env list --show`: print the values. */
  show: boolean;
  /** `env set|unset|push --restart`. */
  restart: boolean;
  /** Words after the command, e.g. `rpc EXPR`, `env set KEY=VALUE`. */
  args: string[];
  stdout(text: string): void;
  stderr(text: string): void;
}

export class CliUsageError extends Error {
  override name = 'CliUsageError';
}
