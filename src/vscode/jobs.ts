import { isCancel } from '../core/errors';
import * as vscode from 'vscode';
import type { EventSink, PlanEvent } from '../core/plan/types';
import { renderEvent } from '../core/plan/render';
import type { Terminals } from './terminal';

export interface JobContext {
  emit: EventSink;
  signal: AbortSignal;
  log: vscode.LogOutputChannel;
}

/** A button on a failed job's notification, besides Open File, Show Log and Retry. */
export interface JobAction {
  title: string;
  run(): unknown;
}

export interface JobServices {
  terminals: Terminals;
  log: vscode.LogOutputChannel;
}

/**
 * Runs build/deploy work: output in the environment's terminal, the current step in a
 * cancellable progress notification, details in the log. Errors end in an actionable message.
 */
export async function runJob<T>(
  services: JobServices, terminalKey: string, title: string, work: (ctx: JobContext) => Promise<T>, retry?: () => unknown,
  actions?: (error: Error) => JobAction[],
): Promise<T | undefined> {
  const { terminal, pty } = services.terminals.get(terminalKey);
  terminal.show(true);
  const controller = new AbortController();
  pty.job = controller;
  pty.write(`\n$ ${title}\n`);
  try {
    return await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title, cancellable: true },
      async (progress, token) => {
        token.onCancellationRequested(() => controller.abort());
        const emit = (event: PlanEvent) => {
          pty.write(renderEvent(event, true));
          logEvent(services.log, event);
          if (event.type === 'step-start') progress.report({ message: `${event.index + 1}/${event.total} ${event.title}` });
        };
        return work({ emit, signal: controller.signal, log: services.log });
      },
    );
  } catch (e) {
    reportJobError(services, title, e, retry, actions?.(e as Error));
    return undefined;
  } finally {
    if (pty.job === controller) pty.job = undefined;
  }
}

function logEvent(log: vscode.LogOutputChannel, event: PlanEvent): void {
  if (event.type === 'output') log.trace(event.text.trimEnd());
  else if (event.type === 'note') (event.level === 'warning' ? log.warn : log.info).call(log, event.message);
  else log.info(renderEvent(event).trimEnd());
}

/** A failed job (or the part of a command before its job): in the log, and as an error with its actions. */
export function reportJobError(services: Pick<JobServices, 'log'>, title: string, e: unknown, retry?: () => unknown, actions: JobAction[] = []): void {
  const error = e as Error & { detail?: { file?: string; line?: number } };
  services.log.error(`${title}: ${error.message}`);
  void showJobError(title, error, services.log, retry, actions);
}

async function showJobError(title: string, error: Error & { detail?: { file?: string; line?: number } }, log: vscode.LogOutputChannel,
  retry: (() => unknown) | undefined, actions: JobAction[]) {
  if (isCancel(error)) return;
  const openFile = vscode.l10n.t('Open File');
  const showLog = vscode.l10n.t('Show Log');
  const again = vscode.l10n.t('Retry');
  const trust = vscode.l10n.t('Trust Host…');
  const { parseUnknownHost } = await import('../core/ssh/trust');
  const unknownHost = parseUnknownHost(error.message);
  const buttons = [...(unknownHost ? [trust] : []), ...actions.map((a) => a.title), ...(error.detail?.file ? [openFile] : []), showLog, ...(retry ? [again] : [])];
  const choice = await vscode.window.showErrorMessage(`${title}: ${error.message}`, ...buttons);
  actions.find((a) => a.title === choice)?.run();
  if (choice === showLog) log.show();
  if (choice === trust && unknownHost && (await confirmAndTrust(unknownHost, log))) retry?.();
  if (choice === again) retry?.();
  if (choice === openFile && error.detail?.file) {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    if (!folder) return;
    const line = Math.max((error.detail.line ?? 1) - 1, 0);
    await vscode.window.showTextDocument(vscode.Uri.joinPath(folder, error.detail.file), { selection: new vscode.Range(line, 0, line, 0) });
  }
}

/** Shows the fingerprint in a modal; on "Trust", adds the key (re-fetched and checked) to known_hosts. */
async function confirmAndTrust(host: import('../core/ssh/trust').UnknownHost, log: vscode.LogOutputChannel): Promise<boolean> {
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
