import { readFile, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { parseDeployConfig, type LoadedConfig } from '../config/load';
import { CONFIG_PATH, type EnvironmentConfig, type DeployConfig } from '../config/types';
import { UserError } from '../errors';
import { applyInventories, type InventoryOptions } from './inventory';

/**
 * Reads config/deploy.yml under `root`, with the hosts of environments that name an Ansible
 * inventory read from it; a missing file is one clear finding, never an exception.
 */
export async function loadConfigFile(root: string, inventory: InventoryOptions = {}): Promise<LoadedConfig> {
  let text: string;
  try {
    const file = path.join(root, CONFIG_PATH);
    // A FIFO or a device would block the read or never end it.
    if (!(await stat(file)).isFile()) throw Object.assign(new Error('it is not a regular file'), { code: 'EFTYPE' });
    text = await readFile(file, 'utf8');
  } catch (e) {
    const missing = (e as NodeJS.ErrnoException).code === 'ENOENT';
    const message = missing
      ? `${CONFIG_PATH} not found in ${root}; create it (see README "Configuration") or run "Phoenix: Create Deploy Config"`
      : `${CONFIG_PATH} could not be read: ${(e as Error).message}`;
    return {
      findings: [{ file: CONFIG_PATH, line: 1, column: 1, endLine: 1, endColumn: 1, severity: 'error', code: 'config-invalid', message }],
      text: '',
      rangeOf: () => undefined,
    };
  }
  return applyInventories(parseDeployConfig(text), root, inventory);
}

/** The valid config, or a UserError naming the first problem's line. */
export async function requireConfig(root: string): Promise<DeployConfig> {
  const loaded = await loadConfigFile(root);
  if (loaded.config) return loaded.config;
  const first = loaded.findings.find((f) => f.severity === 'error') ?? loaded.findings[0];
  throw new UserError(`${first.file}:${first.line}:${first.column}: ${first.message}`, { file: first.file, line: first.line });
}

export function requireEnvironment(config: DeployConfig, name: string): EnvironmentConfig {
  const env = config.environments[name];
  if (!env) {
    const known = Object.keys(config.environments).join(', ') || 'none';
    throw new UserError(`${CONFIG_PATH} has no environment "${name}" (known: ${known})`, { file: CONFIG_PATH });
  }
  return env;
}
