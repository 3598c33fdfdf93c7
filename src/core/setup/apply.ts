/** Installing a group of managed files on a host, checked (visudo, nginx -t) and put back on failure. */
import { UserError } from '../errors';
import type { StepContext } from '../plan/types';
import { fileChanges, type FileChange } from './changes';
import { desiredFiles, type FileGroup } from './files';
import { applyFilesCommand, applyOutcome, type ApplyCheck } from './remote';
import type { SetupHostState, SetupState } from './types';

export const changed = (h: SetupHostState, group: FileGroup) => h.files.filter((f) => f.group === group && f.action !== 'keep');

export async function applyGroup(h: SetupHostState, state: SetupState, files: FileChange[], check: ApplyCheck, ctx: StepContext,
  link?: { target: string; path: string }): Promise<void> {
  const result = await h.conn!.exec(applyFilesCommand(files, check, link), { signal: ctx.signal });
  if (result.code === 0) {
    state.changed = true;
    for (const f of files) ctx.note(`${f.action === 'create' ? 'created' : 'updated'} ${f.path}`, 'info', h.target.key);
    return;
  }
  const said = result.stderr.trim() || result.stdout.trim();
  const outcome = applyOutcome(result.stdout);
  const what = check === 'nginx' ? 'nginx -t refused the new configuration' : check === 'visudo' ? 'visudo -cf refused the sudoers drop-in' : 'writing the files failed';
  const after = outcome === 'restored' ? 'the previous files were put back' : 'nothing was installed';
  throw new UserError(`${what} on ${h.target.key}; ${after}. ${check === 'nginx' ? 'nginx' : check === 'visudo' ? 'visudo' : 'The host'} said:\n${said}`, { host: h.target.key });
}


/** `tls: auto`, once the host has its certificate: the site as setup renders it with HTTPS (nginx -t first). */
export async function installHttpsSite(h: SetupHostState, state: SetupState, ctx: StepContext): Promise<void> {
  const site = fileChanges(desiredFiles(state.host, undefined), new Map()).filter((f) => f.path === state.host.proxy!.siteFile)
    .map((f) => ({ ...f, action: 'update' as const }));
  await applyGroup(h, state, site, 'nginx', ctx);
}
