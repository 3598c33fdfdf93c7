import { work } from '../../plan/describe';
import type { Step } from '../../plan/types';
import { renderCommand } from '../../shell';
import { rsyncArgs, type RsyncRun } from '../../ssh/rsync';
import { TUNNEL_RSH_PLACEHOLDER } from '../../ssh/upload';
import { uploadTarget } from '../../remote/release';
import { onHosts } from '../../fleet/hosts';
import { hasReached, reach } from '../undo';
import type { DeployState, HostState } from '../types';
import { perHost } from './describe';
import { explainUploadFailure } from './uploadFailure';

function rsyncRun(state: DeployState, h: HostState): RsyncRun {
  const t = h.target;
  // A dry run has not looked at the host yet: show the basis a host with a current release gets.
  const target = uploadTarget(state.paths, state.identity.developer, h.previous !== undefined || !hasReached(h, 'locked'));
  return {
    source: state.release!.path,
    remoteDir: target.dir,
    linkDest: target.linkDest,
    endpoint: { host: t.target.host, port: t.target.port, user: t.target.user, identityFile: t.identityFiles[0], knownHostsFile: t.knownHostsFile },
  };
}

/**
 * rsync into a fresh directory, hard-linking what is unchanged from the per-developer cache (and an
 * interrupted upload, and the current release): only changed content travels (checksums, not
 * mtimes), and no file an earlier release holds is ever written.
 */
export const uploadStep: Step<DeployState> = {
  name: 'upload',
  title: 'Upload release (rsync)',
  describe: (state) => perHost(state, (h) => {
    const tunnel = state.rsyncTransport === 'tunnel';
    const args = rsyncArgs({ ...rsyncRun(state, h), rsh: tunnel ? TUNNEL_RSH_PLACEHOLDER : undefined });
    return [work(`(local) ${renderCommand(['rsync', ...args])}${tunnel ? '  # -e forwards over the verified ssh2 connection' : ''}`)];
  }),
  async run(ctx, state) {
    await onHosts(state.hosts, async (h) => {
      if (h.previous === state.release!.id) {
        ctx.note(`${h.previous} is already current here; nothing to upload`, 'info', h.target.key);
        return;
      }
      const stats = await state.deps.upload(rsyncRun(state, h), { signal: ctx.signal, connection: h.conn })
        .catch(async (e: Error) => { throw await explainUploadFailure(e, h, state, ctx); });
      h.bytesSent = stats.bytesSent;
      reach(h, 'uploaded');
      ctx.bytesSent(h.target.key, stats.bytesSent);
      const total = state.release!.bytes ?? stats.totalFileSize;
      const share = total > 0 ? ` (${((100 * stats.bytesSent) / total).toFixed(1)}% of ${total} bytes)` : '';
      ctx.note(`sent ${stats.bytesSent} bytes${share}`, 'info', h.target.key);
    }, ctx);
  },
};
