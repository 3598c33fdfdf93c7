/** Where a finding about one host of an environment lands in deploy.yml. */
import type { LoadedConfig } from '../config/load';
import { CONFIG_PATH, type EnvironmentConfig } from '../config/types';
import type { SourceRange } from '../findings';
import { hostKey } from '../ssh/target';

/** `host`'s entry under the environment's `hosts:`, else the `hosts:` key (inventory hosts, or no host), else the file's top. */
export function hostEntryRange(loaded: LoadedConfig, envName: string, env: EnvironmentConfig, host?: string): SourceRange {
  const index = host === undefined ? -1 : env.hosts.findIndex((h) => hostKey(h) === host);
  return (index >= 0 ? loaded.rangeOf(['environments', envName, 'hosts', index]) : undefined)
    ?? loaded.rangeOf(['environments', envName, 'hosts']) ?? { file: CONFIG_PATH, line: 1, column: 1, endLine: 1, endColumn: 1 };
}
