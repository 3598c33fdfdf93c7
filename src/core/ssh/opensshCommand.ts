/**
 * The OpenSSH client command line that reaches a hop the way our own connection does: the same
 * config file, user, port, identity and known_hosts files, and the same bastions (`-J`, which
 * replaces the config's ProxyJump with the chain we resolved). Used by the editor's SSH terminal
 * and by refusals that tell how to add a key behind a bastion. argv, never shell text.
 */
import type { SshHop } from './target';

function jumpSpec(hop: SshHop): string {
  const alias = hop.alias.includes(':') ? `[${hop.alias}]` : hop.alias;
  return `${hop.target.user}@${alias}:${hop.target.port}`;
}

/** `ssh` arguments (without the binary) for `hop`, reached through `before`; `extra` goes before the destination options. */
export function opensshArgs(hop: SshHop, before: readonly SshHop[], configFile: string | undefined, extra: string[] = []): string[] {
  return [
    ...(configFile ? ['-F', configFile] : []),
    ...extra,
    '-o', `UserKnownHostsFile=${[hop.knownHostsFile, ...hop.extraKnownHostsFiles].join(' ')}`,
    ...hop.identityFiles.flatMap((f) => ['-i', f]),
    ...(before.length > 0 ? ['-J', before.map(jumpSpec).join(',')] : []),
    '-l', hop.target.user, '-p', String(hop.target.port),
    '--', hop.alias,
  ];
}
