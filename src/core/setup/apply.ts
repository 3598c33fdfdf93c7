/** Installing a group of managed files on a host, checked (visudo, nginx -t) and put back on failure. */
import { UserError } from '../errors';
import type { PlannedAction, StepContext } from '../plan/types';
import { fileChanges, type FileChange } from './changes';
import { desiredFiles, type FileGroup } from './files';
import { applyFilesCommand, applyOutcome, VISUDO, type ApplyCheck } from './remote';
import { NGINX } from '../host/spec';
import { when } from '../plan/describe';
import type { SetupHostState, SetupState } from './types';
import { ANY_EXIT, commandQuery } from '../remoteQuery';
import { runQuery } from '../ssh/runQuery';

export const changed = (h: SetupHostState, group: FileGroup) => h.files.filter((f) => f.group === group && f.action !== 'keep');

/**
 * The command that installs a group's files on a host, as the run executes it (applyGroup). Once
 * inspect has read the host: only the files that differ (undefined: none); before that, a dry run
 * shows every file of the group, under the condition that it differs.
 */
export function applyAction(h: SetupHostState, state: SetupState, group: FileGroup, check: ApplyCheck,
  link?: { target: string; path: string }, purpose?: string): PlannedAction | undefined {
  if (h.facts) {
    const files = changed(h, group);
    return files.length > 0 || (link && h.facts.link === undefined) ? applyFilesCommand(files, check, link) : undefined;
  }
  const files = desiredFiles(state.host, undefined).filter((f) => f.group === group);
  return when(applyFilesCommand(files, check, link), `${purpose ? `${purpose}; ` : ''}only the files that differ` +
    `${check === 'visudo' ? `; ${VISUDO} -cf checks each before any is installed` : ''}${link ? `; ${link.path} linked if missing` : ''}` +
    `${check === 'nginx' ? `; ${NGINX} -t, and on failure the previous files are put back` : ''}`);
}

export async function applyGroup(h: SetupHostState, state: SetupState, files: FileChange[], check: ApplyCheck, ctx: StepContext,
  link?: { target: string; path: string }): Promise<void> {
  const result = await runQuery(h, commandQuery('installing the files', applyFilesCommand(files, check, link), ANY_EXIT), { signal: ctx.signal }); // told below
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
  await applyGroup(h, state, httpsSite(state), 'nginx', ctx);
}

function httpsSite(state: SetupState): FileChange[] {
  return fileChanges(desiredFiles(state.host, undefined), new Map()).filter((f) => f.path === state.host.proxy!.siteFile)
    .map((f) => ({ ...f, action: 'update' as const }));
}

/** The command installHttpsSite runs. */
export const httpsSiteCommand = (state: SetupState) => applyFilesCommand(httpsSite(state), 'nginx');
