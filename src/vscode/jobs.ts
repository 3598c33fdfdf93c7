import * as vscode from 'vscode';
import type { EventSink, PlanEvent } from '../core/plan/types';
import { renderEvent } from '../core/plan/render';
import type { Terminals } from './terminal';
import type { RunFailure } from '../core/usecases/failure';
import { reportFailure, type ReportOptions } from './errorReport';

export interface JobContext {
  emit: EventSink;
  signal: AbortSignal;
  log: vscode.LogOutputChannel;
}

export interface JobServices {
  terminals: Terminals;
  log: vscode.LogOutputChannel;
}

export interface JobOptions<T> {
  /** Offered on a failure: run the whole command again. */
  retry?: () => unknown;
  /** The job's own buttons on a failure, given where it points. */
  actions?: ReportOptions['actions'];
  /** A result that is a failure (a deploy, setup or env change that did not succeed): shown as one, structured, and still returned. */
  failure?: (result: T) => RunFailure | undefined;
}

/**
 * Runs build/deploy work: output in the environment's terminal, the current step in a
 * cancellable progress notification, details in the log. A thrown error (undefined is returned)
 * or a failed result (returned) ends in an actionable message; a cancel in none.
 */
export async function runJob<T>(services: JobServices, terminalKey: string, title: string, work: (ctx: JobContext) => Promise<T>,
  options: JobOptions<T> = {}): Promise<T | undefined> {
  const { terminal, pty } = services.terminals.get(terminalKey);
  terminal.show(true);
  const controller = new AbortController();
  pty.job = controller;
  pty.write(`\n$ ${title}\n`);
  const report = { retry: options.retry, actions: options.actions };
  try {
    const result = await vscode.window.withProgress(
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
    const failed = options.failure?.(result);
    if (failed) reportFailure(services.log, title, failed, report);
    return result;
  } catch (e) {
    reportFailure(services.log, title, e, report);
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
