/** A release whose env.sh turns on IPv6 distribution needs ::1 on each host (checked with compat, before any switch). */
import type { Command } from '../../shell';
import { needsIpv6, readEnvSh } from '../../runtime/envSh';
import type { ReleaseToDeploy } from '../types';
import { releaseEnvSh } from './identity';

/** Where the release asks for `-proto_dist inet6_tcp` (`releases/<vsn>/env.sh:N`), if it does. */
export async function ipv6Needs(release: ReleaseToDeploy): Promise<string | undefined> {
  const envSh = await releaseEnvSh(release.path, release.version);
  const e = envSh && readEnvSh(envSh.text).find((x) => ['ERL_AFLAGS', 'ELIXIR_ERL_OPTIONS'].includes(x.name) && !x.guarded && needsIpv6(x.value));
  return e ? `${envSh!.path}:${e.line}` : undefined;
}

/** Prints `present` when the host has the IPv6 loopback address. */
export function ipv6LoopbackCommand(): Command {
  return ['sh', '-c', "grep -qs '^00000000000000000000000000000001 ' /proc/net/if_inet6 && echo present; exit 0"];
}
