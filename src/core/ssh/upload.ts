/** Upload over an open connection: rsync tunnelled through it (one SSH connection per host). */
import type { SshConnection } from './connection';
import { runRsync, type RsyncRun, type RsyncStats } from './rsync';
import { startRsyncTunnel } from './tunnel';

export type RsyncTransport = 'tunnel' | 'openssh';

export async function rsyncOverConnection(run: RsyncRun, conn: SshConnection,
  opts: { signal?: AbortSignal; onOutput?(text: string): void } = {}): Promise<RsyncStats> {
  const tunnel = await startRsyncTunnel((command) => conn.channel(command));
  try {
    return await runRsync({ ...run, rsh: tunnel.rsh, env: tunnel.env }, opts);
  } finally {
    await tunnel.close();
  }
}

/** What --dry-run shows for the tunnel's `-e`. */
export const TUNNEL_RSH_PLACEHOLDER = ['/tmp/pd-rsh-XXXXXX/node', '/tmp/pd-rsh-XXXXXX/rsh.js', '/tmp/pd-rsh-XXXXXX/s'];
