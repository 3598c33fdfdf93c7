/** `env list`: every host's shared/env in one round trip each; keys for everyone, values only when asked. */
import { askEachHost } from '../fleet/eachHost';
import { fleetDeps } from '../fleet/local';
import { remotePaths } from '../remote/paths';
import type { RemoteOptions } from '../fleet/types';
import { envValues, parseEnvFile } from './envFile';
import { readEnvQuery } from './remote';

export interface EnvKeyInfo {
  key: string;
  /** The hosts whose file sets it. */
  hosts: string[];
  /** Set to the empty string everywhere it is set. */
  empty: boolean;
  /** The same value on every host that sets it (compared here; the value itself is not returned). */
  same: boolean;
}

export interface EnvHostListing {
  host: string;
  ok: boolean;
  error?: string;
  exists?: boolean;
  mode?: string;
}

export interface EnvListing {
  hosts: EnvHostListing[];
  /** In the order of the first host's file, then any others'. */
  keys: EnvKeyInfo[];
  /** Only with `{ values: true }` (`env list --show`): host → key → value. Never put this in --json or a log. */
  values?: Record<string, Record<string, string>>;
}

export async function listEnv(options: RemoteOptions, want: { values: boolean }, signal?: AbortSignal): Promise<EnvListing> {
  const file = remotePaths(options.environment.deployTo).sharedEnv;
  const read = await askEachHost(fleetDeps(options).connect, options.targets, readEnvQuery(file), { step: 'env list', signal });
  const hosts: EnvHostListing[] = [];
  const perHost = new Map<string, Map<string, string>>();
  read.forEach((r) => {
    const host = r.host;
    if (!r.ok) return hosts.push({ host, ok: false, error: r.error.message });
    perHost.set(host, envValues(parseEnvFile(r.value.text)));
    hosts.push({ host, ok: true, exists: r.value.exists, ...(r.value.mode ? { mode: r.value.mode } : {}) });
  });
  const order = [...new Set([...perHost.values()].flatMap((m) => [...m.keys()]))];
  const keys = order.map((key): EnvKeyInfo => {
    const where = [...perHost].filter(([, m]) => m.has(key));
    const values = new Set(where.map(([, m]) => m.get(key)));
    return { key, hosts: where.map(([h]) => h), empty: values.size === 1 && values.has(''), same: values.size === 1 };
  });
  return {
    hosts, keys,
    ...(want.values ? { values: Object.fromEntries([...perHost].map(([h, m]) => [h, Object.fromEntries(m)])) } : {}),
  };
}
