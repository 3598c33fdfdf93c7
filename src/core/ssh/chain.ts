/**
 * One SSH connection to a resolved host, through its bastions when the ssh config names any
 * (ProxyJump): the first hop over TCP, each next hop over a `direct-tcpip` channel of the previous
 * one (`forwardOut`, then ssh2's `sock`). Every hop's host key is verified under the name OpenSSH
 * would use, and an error names the hop that failed. Everything later (commands, the rsync tunnel,
 * health checks) runs on the last hop, so it all goes through the same chain.
 */
import { isCancel, UserError } from '../errors';
import { renderCommand } from '../shell';
import type { PassphraseProvider } from './auth';
import { connectSsh, HostKeyError, type SshConnection } from './connection';
import { abortError } from './exec';
import type { KeyRoute } from './knownHosts';
import { opensshArgs } from './opensshCommand';
import type { ResolvedTarget, SshHop } from './target';

export interface AuthOptions {
  agentSocket?: string;
  passphrase?: PassphraseProvider;
  signal?: AbortSignal;
}

/** `bastion, bastion2`: the jump aliases, for messages and the Servers view. */
export function viaText(target: ResolvedTarget): string | undefined {
  return target.jumps.length > 0 ? target.jumps.map((j) => j.alias).join(', ') : undefined;
}

/** What refusals say about how a hop is reached, and the OpenSSH command that adds its key the same way. */
export function keyRoute(hop: SshHop, before: readonly SshHop[], target: ResolvedTarget): KeyRoute {
  const via = before.length > 0 ? `via ${before.map((j) => j.alias).join(', ')}` : '';
  const aliasNote = hop.hostKeyAlias ? `known_hosts name ${hop.hostKeyAlias}` : '';
  const named = hop.alias.toLowerCase() !== hop.target.host.toLowerCase() ? hop.alias : '';
  if (!via && !aliasNote) return {}; // reachable from here: ssh-keyscan works, and the editor can offer to trust it
  const label = [[named, via].filter(Boolean).join(' '), aliasNote].filter(Boolean).join(', ');
  const args = opensshArgs(hop, before, target.configFile, ['-o', 'StrictHostKeyChecking=ask']);
  return { label, name: hop.hostKeyAlias, addWith: renderCommand(['ssh', ...args]) };
}

/** Opens the chain; on any failure, closes the hops already open and names the one that failed. */
export async function connectTarget(target: ResolvedTarget, auth: AuthOptions): Promise<SshConnection> {
  const hops: SshHop[] = [...target.jumps, target];
  const open: SshConnection[] = [];
  const closeAll = () => Promise.all(open.map((c) => c.close().catch(() => undefined)));
  try {
    for (const [index, hop] of hops.entries()) {
      if (auth.signal?.aborted) throw abortError();
      const isBastion = index < target.jumps.length;
      if (hop.proxyCommand) {
        throw new UserError(`${isBastion ? `bastion ${hop.alias}` : target.key}: the ssh config sets ProxyCommand ${JSON.stringify(hop.proxyCommand)}, ` +
          'which phoenix-deploy does not run; reach the host with ProxyJump instead', { host: target.key });
      }
      const previous = open.at(-1);
      const sock = previous ? await previous.forward!(hop.target.host, hop.target.port).catch((e: Error) => { throw bastionError(hops[index - 1], e, target); }) : undefined;
      const conn = await connectSsh(hop.target, {
        knownHostsFile: hop.knownHostsFile,
        extraKnownHostsFiles: hop.extraKnownHostsFiles,
        hostKeyAlias: hop.hostKeyAlias,
        identityFiles: hop.identityFiles,
        agentSocket: auth.agentSocket,
        passphrase: auth.passphrase,
        readyTimeoutMs: hop.readyTimeoutMs,
        keepaliveIntervalMs: hop.keepaliveIntervalMs,
        signal: auth.signal,
        sock,
        route: keyRoute(hop, hops.slice(0, index), target),
      }).catch((e: Error) => { throw isBastion ? bastionError(hop, e, target) : e; });
      open.push(conn);
    }
  } catch (e) {
    await closeAll();
    throw e;
  }
  return chained(open);
}

function bastionError(hop: SshHop, e: Error, target: ResolvedTarget): Error {
  if (isCancel(e)) return e;
  const message = `bastion ${hop.alias} (${hop.target.host}:${hop.target.port}) on the way to ${target.key}: ${e.message}`;
  return e instanceof HostKeyError ? new HostKeyError(message, e.verdict, target.key) : new UserError(message, { host: target.key });
}

/** The last hop's connection; alive while every hop is, and closing it closes the whole chain. */
function chained(hops: SshConnection[]): SshConnection {
  const last = hops[hops.length - 1];
  if (hops.length === 1) return last;
  return {
    ...last,
    isAlive: () => hops.every((c) => c.isAlive?.() !== false),
    close: async () => {
      for (const c of [...hops].reverse()) await c.close().catch(() => undefined);
    },
  };
}
