/** What an upload failure means for the user: a full disk is named as such, and its mess removed. */
import { type StepContext } from '../../plan/types';
import { isCancel, UserError } from '../../errors';
import { clearStagingCommand, diskSpaceCommand, parseDiskSpace } from '../../remote/release';
import { ConnectionLostError } from '../../ssh/connection';
import type { DeployState, HostState } from '../types';
import { ANY_EXIT, commandQuery } from '../../remoteQuery';
import { runQuery } from '../../ssh/runQuery';

const DISK_FULL = /No space left on device|Disk quota exceeded|ENOSPC|EDQUOT/i;

/**
 * Turns an rsync failure into the error to report. On a full disk, removes what this upload wrote
 * (its staging directory), so the host gets its space back and `current` keeps running
 * undisturbed, then names the host, the filesystem and what is left on it.
 */
export async function explainUploadFailure(e: Error, h: HostState, state: DeployState, ctx: StepContext): Promise<Error> {
  if (isCancel(e)) return e;
  const conn = h.conn;
  if (conn && conn.isAlive?.() === false) return new ConnectionLostError(h.target.key, `the upload (${firstLine(e.message)})`, conn.lostReason?.());
  if (!DISK_FULL.test(e.message) || !conn) return e;
  const staging = state.paths.staging(state.identity.developer);
  const signal = new AbortController().signal; // clean up even if the deploy is being cancelled
  const on = { target: h.target, conn };
  const clear = commandQuery('removing the partial upload', clearStagingCommand(state.paths, state.identity.developer), ANY_EXIT);
  const cleaned = await runQuery(on, clear, { signal }).catch((x: Error) => x);
  const df = await runQuery(on, { what: 'reading the free space', command: diskSpaceCommand(state.paths), okCodes: ANY_EXIT, parse: (r) => parseDiskSpace(r.stdout) },
    { signal }).catch(() => undefined);
  const disk = df ? `${df.filesystem} mounted on ${df.mount}, ${Math.round(df.sizeKb / 1024)} MB` : 'its filesystem';
  const left = df ? ` (${Math.round(df.availableKb / 1024)} MB free now)` : '';
  const tidy = cleaned instanceof Error || cleaned.code !== 0
    ? `; the partial upload in ${staging} could not be removed: ${cleaned instanceof Error ? cleaned.message : cleaned.stderr.trim()}`
    : `; the partial upload was removed from ${staging}`;
  ctx.note(`disk full during upload; ${disk}${left}`, 'warning', h.target.key);
  return new UserError(`no space left on ${h.target.key}: the upload filled ${disk} holding ${state.paths.root}${left}. ` +
    `current is untouched${tidy}. Free space on the host (or lower keep_releases), then deploy again.`, { host: h.target.key });
}

function firstLine(text: string): string {
  return text.split('\n')[0].slice(0, 300);
}
