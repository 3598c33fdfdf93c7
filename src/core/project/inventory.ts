/**
 * Environments whose hosts come from an Ansible inventory (`hosts: { inventory, group }`): the real
 * `ansible-inventory -i FILE --list` reads it (INI or YAML, groups of groups, [group:vars]), and
 * every problem is a `config-invalid` finding at the line of the value that causes it: the file,
 * the group, or the tool itself when it is not installed.
 */
import { execFile } from 'node:child_process';
import { stat } from 'node:fs/promises';
import * as path from 'node:path';
import type { Finding } from '../findings';
import type { LoadedConfig } from '../config/load';
import { inventoryHosts } from '../config/inventory';
import type { EnvironmentConfig, InventorySource } from '../config/types';

/** Runs `ansible-inventory --list` on a file; resolves its stdout. */
export type InventoryReader = (file: string) => Promise<string>;

export class InventoryToolMissing extends Error {
  constructor(readonly binary: string) {
    super(`${binary} was not found on PATH; install Ansible's command-line tools (Debian/Ubuntu: sudo apt-get install ansible-core; elsewhere: pipx install ansible-core)`);
    this.name = 'InventoryToolMissing';
  }
}

/**
 * Only the ini and yaml inventory plugins are enabled, so an inventory that is a script (or names
 * another plugin) is refused rather than run; `/` as the working directory keeps a project's own
 * ansible.cfg (which could load plugins) out of it. Unparsable files are errors, not warnings.
 */
export function ansibleInventory(binary = 'ansible-inventory', timeoutMs = 60_000): InventoryReader {
  return (file) => new Promise((resolve, reject) => {
    const env = { ...process.env, ANSIBLE_INVENTORY_ENABLED: 'ini,yaml', ANSIBLE_INVENTORY_UNPARSED_FAILED: 'True', ANSIBLE_NOCOLOR: '1', ANSIBLE_FORCE_COLOR: '0' };
    execFile(binary, ['-i', file, '--list'], { cwd: '/', env, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if ((err as NodeJS.ErrnoException | null)?.code === 'ENOENT') return reject(new InventoryToolMissing(binary));
      if (err) {
        const said = stderr.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !/^\[DEPRECATION WARNING\]/.test(l)).join(' ').slice(-1500);
        return reject(new Error(err.killed ? `${binary} did not finish within ${timeoutMs / 1000}s` : said || err.message));
      }
      resolve(stdout);
    });
  });
}

export interface InventoryOptions {
  /** Default: the real ansible-inventory on PATH. */
  read?: InventoryReader;
  /** False in an untrusted workspace: the inventory is then not read (a finding says so). Default true. */
  trusted?: boolean;
}

/**
 * Fills in the hosts of every environment that names an inventory, or adds the findings that say
 * why not (then the config is not usable, as with any other config error).
 */
export async function applyInventories(loaded: LoadedConfig, root: string, options: InventoryOptions = {}): Promise<LoadedConfig> {
  const config = loaded.config;
  const fromInventory = config ? Object.values(config.environments).filter((e) => e.inventory) : [];
  if (!config || fromInventory.length === 0) return loaded;
  const read: InventoryReader = options.trusted === false
    ? async () => { throw new Error('inventories are read only in a trusted workspace'); }
    : options.read ?? ansibleInventory();
  const findings: Finding[] = [];
  const environments = { ...config.environments };
  await Promise.all(fromInventory.map(async (env) => {
    const result = await hostsOf(env, env.inventory!, root, read);
    if ('hosts' in result) {
      environments[env.name] = { ...env, hosts: result.hosts };
      return;
    }
    const range = loaded.rangeOf(['environments', env.name, 'hosts', result.at]) ?? loaded.rangeOf(['environments', env.name, 'hosts']);
    if (range) findings.push({ ...range, severity: 'error', code: 'config-invalid', message: result.message });
  }));
  if (findings.length === 0) return { ...loaded, config: { ...config, environments } };
  return { ...loaded, config: undefined, findings: [...loaded.findings, ...findings] };
}

type Outcome = { hosts: EnvironmentConfig['hosts'] } | { at: 'inventory' | 'group'; message: string };

async function hostsOf(env: EnvironmentConfig, source: InventorySource, root: string, read: InventoryReader): Promise<Outcome> {
  const file = path.resolve(root, source.file);
  const where = `environments.${env.name}.hosts.inventory`;
  const isFile = await stat(file).then((s) => s.isFile(), () => false);
  if (!isFile) return { at: 'inventory', message: `${where}: ${source.file} does not exist (looked for ${file})` };
  let list: unknown;
  try {
    list = JSON.parse(await read(file));
  } catch (e) {
    const message = e instanceof InventoryToolMissing ? `${where}: ${e.message}`
      : `${where}: ansible-inventory could not read ${source.file}: ${(e as Error).message}`;
    return { at: 'inventory', message };
  }
  const hosts = inventoryHosts(list, source.group, env.user);
  if (hosts.ok) return { hosts: hosts.hosts };
  return hosts.problem === 'group'
    ? { at: 'group', message: `environments.${env.name}.hosts.group: ${hosts.message} (${source.file})` }
    : { at: 'inventory', message: `${where}: ${source.file}, group ${source.group}: ${hosts.message}` };
}
