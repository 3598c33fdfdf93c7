import * as vscode from 'vscode';
import type { UnknownHost } from '../core/ssh/trust';
import { failureReport, type FailureReport } from './commandPolicy';

/** A button on a failure's notification, besides Trust Host…, Open File, Show Log and Retry. */
export interface FailureAction {
  title: string;
  run(): unknown;
}

export interface ReportOptions {
  retry?: () => unknown;
  /** The caller's own buttons, given where the failure points (e.g. Show Logs of the failed host). */
  actions?: (report: FailureReport) => FailureAction[];
}

/**
 * The one way the editor shows a failure (a thrown error or a failed run's structured failure):
 * in the log, then as an error whose buttons follow where it points. A cancel shows nothing.
 */
export function reportFailure(log: vscode.LogOutputChannel, title: string, failure: unknown, options: ReportOptions = {}): void {
  const report = failureReport(failure, options.retry !== undefined);
  if (!report) return;
  log.error(`${title}: ${report.message}`);
  void showFailure(log, title, report, options.retry, options.actions?.(report) ?? []);
}

async function showFailure(log: vscode.LogOutputChannel, title: string, report: FailureReport, retry: (() => unknown) | undefined, actions: FailureAction[]) {
  const openFile = vscode.l10n.t('Open File');
  const showLog = vscode.l10n.t('Show Log');
  const again = vscode.l10n.t('Retry');
  const trust = vscode.l10n.t('Trust Host…');
  const has = (b: FailureReport['buttons'][number]) => report.buttons.includes(b);
  const buttons = [...(has('trust-host') ? [trust] : []), ...actions.map((a) => a.title), ...(has('open-file') ? [openFile] : []), showLog, ...(has('retry') ? [again] : [])];
  const choice = await vscode.window.showErrorMessage(`${title}: ${report.message}`, ...buttons);
  actions.find((a) => a.title === choice)?.run();
  if (choice === showLog) log.show();
  if (choice === trust && report.unknownHost && (await confirmAndTrust(report.unknownHost, log))) retry?.();
  if (choice === again) retry?.();
  if (choice === openFile && report.file) {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    if (!folder) return;
    const line = Math.max((report.line ?? 1) - 1, 0);
    await vscode.window.showTextDocument(vscode.Uri.joinPath(folder, report.file), { selection: new vscode.Range(line, 0, line, 0) });
  }
}

/** Shows the fingerprint in a modal; on "Trust", adds the key (re-fetched and checked) to known_hosts. */
async function confirmAndTrust(host: UnknownHost, log: vscode.LogOutputChannel): Promise<boolean> {
  const accept = vscode.l10n.t('Trust and Add to known_hosts');
  const answer = await vscode.window.showWarningMessage(
    vscode.l10n.t('Trust {0}:{1}?', host.host, String(host.port)),
    { modal: true, detail: vscode.l10n.t('It presented {0} key {1}. Compare this fingerprint with the one the host\'s owner gives you before trusting it. The key will be added to {2}.', host.keyType, host.fingerprint, host.knownHostsFile) },
    accept);
  if (answer !== accept) return false;
  try {
    await (await import('../core/ssh/trust')).trustHostKey(host);
    log.info(`added ${host.host}:${host.port} (${host.fingerprint}) to ${host.knownHostsFile}`);
    return true;
  } catch (e) {
    void vscode.window.showErrorMessage((e as Error).message);
    return false;
  }
}
