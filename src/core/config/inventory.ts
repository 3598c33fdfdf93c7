/**
 * The hosts of one group of an Ansible inventory, from `ansible-inventory --list` JSON (groups
 * with `hosts` and `children`, `_meta.hostvars` with each host's variables, group vars merged
 * in). `ansible_host`, `ansible_port` and `ansible_user` map onto a deploy.yml host (values written
 * in the inventory count as written, like deploy.yml's; the rest is left to ssh -G); the host var
 * `phoenix_primary: true` marks the primary, else the group's first host is. Pure.
 */
import { isIPv6 } from 'node:net';
import type { HostConfig } from './types';
import { HOST_NAME, USER_NAME } from './validator';

export interface InventoryGroup {
  hosts?: string[];
  children?: string[];
}

export type InventoryHosts = { ok: true; hosts: HostConfig[] } | { ok: false; problem: 'group' | 'hosts'; message: string };

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/** Group names, `_meta` aside, sorted. */
export function inventoryGroups(list: unknown): string[] {
  return isObject(list) ? Object.keys(list).filter((k) => k !== '_meta').sort() : [];
}

/**
 * A group's hosts in Ansible's order: the group's own, then its child groups' (breadth first, each
 * host once). Undefined when the group does not exist.
 */
export function groupHosts(list: unknown, group: string): string[] | undefined {
  if (!isObject(list) || group === '_meta' || !isObject(list[group]) && !(group === 'all' && 'all' in list)) return undefined;
  const seen = new Set<string>();
  const visited = new Set<string>();
  let level = [group];
  while (level.length > 0) {
    const next: string[] = [];
    for (const name of level) {
      if (visited.has(name)) continue;
      visited.add(name);
      const entry = list[name];
      if (!isObject(entry)) continue;
      for (const h of strings(entry.hosts)) seen.add(h);
      next.push(...strings(entry.children));
    }
    level = next;
  }
  return [...seen];
}

// Shown and used as the host's key in results and logs.
const INVENTORY_NAME = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,252}$/;
const TRUE = new Set([true, 1, 'true', 'True', 'TRUE', 'yes', 'Yes', 'on', '1']);

/**
 * The deploy.yml hosts of `group`, or what is wrong with them (naming the host and variable). A host
 * without ansible_user takes the environment's `user:` when deploy.yml writes one.
 */
export function inventoryHosts(list: unknown, group: string, environmentUser?: string): InventoryHosts {
  const names = groupHosts(list, group);
  if (!names) {
    const known = inventoryGroups(list).filter((g) => g !== 'all' && g !== 'ungrouped');
    return { ok: false, problem: 'group', message: `group "${group}" is not in the inventory; it has: ${known.join(', ') || 'no groups'}` };
  }
  if (names.length === 0) return { ok: false, problem: 'group', message: `group "${group}" has no hosts` };
  const meta = isObject(list) && isObject(list._meta) && isObject(list._meta.hostvars) ? list._meta.hostvars : {};
  const problems: string[] = [];
  const hosts = names.flatMap((name): HostConfig[] => {
    const vars = isObject(meta[name]) ? meta[name] : {};
    const written = vars.ansible_host ?? name;
    const host = typeof written === 'string' && isIPv6(written) ? `[${written}]` : written; // deploy.yml's form of an IPv6 address
    const port = vars.ansible_port;
    const user = vars.ansible_user;
    const wrong = [
      INVENTORY_NAME.test(name) ? '' : 'the name has characters other than letters, digits, ".", "_" and "-"',
      typeof host === 'string' && HOST_NAME.test(host) ? '' : `ansible_host ${JSON.stringify(host)} is not a host name or IP address`,
      port === undefined || portOf(port) !== undefined ? '' : `ansible_port ${JSON.stringify(port)} is not a port number (1-65535)`,
      user === undefined || (typeof user === 'string' && USER_NAME.test(user)) ? '' : `ansible_user ${JSON.stringify(user)} is not a Unix user name`,
    ].filter((w) => w !== '');
    if (wrong.length > 0) {
      problems.push(`host ${name}: ${wrong.join('; ')}`);
      return [];
    }
    const who = user !== undefined ? { user: user as string, userFrom: 'inventory' as const }
      : environmentUser !== undefined ? { user: environmentUser, userFrom: 'environment' as const } : {};
    return [{ name, host: host as string, ...(port !== undefined ? { port: portOf(port)! } : {}), ...who, primary: TRUE.has(vars.phoenix_primary as never) }];
  });
  const primaries = hosts.filter((h) => h.primary);
  if (primaries.length > 1) problems.push(`hosts ${primaries.map((h) => h.name).join(', ')} all set phoenix_primary; at most one may`);
  const seen = new Map<string, string>();
  for (const h of hosts) {
    const at = `${h.host}:${h.port ?? 22}`;
    if (seen.has(at)) problems.push(`hosts ${seen.get(at)} and ${h.name} are both ${at}`);
    seen.set(at, h.name!);
  }
  if (problems.length > 0) return { ok: false, problem: 'hosts', message: problems.join('\n') };
  if (primaries.length === 0) hosts[0].primary = true;
  return { ok: true, hosts };
}

function portOf(value: unknown): number | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\d{1,5}$/.test(value) ? Number(value) : NaN;
  return Number.isInteger(n) && n >= 1 && n <= 65535 ? n : undefined;
}
