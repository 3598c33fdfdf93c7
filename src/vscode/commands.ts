import * as vscode from 'vscode';
import { trustRefusal } from './commandPolicy';
import { reportFailure } from './errorReport';

export interface CommandOptions {
  /**
   * What the command does, when it runs the project's build or connects to servers ("Deploying"):
   * refused in Restricted Mode with a message naming it. Absent: it only reads files, runs anywhere.
   */
  needsTrust?: string;
  /** The title its errors are shown under (default: `needsTrust`, else the command's id). */
  title?: string;
  /**
   * Shown in the status bar while the command runs (commands that read hosts between prompts).
   * Jobs (build, deploy, setup, env) show their own cancellable notification instead (jobs.ts).
   */
  progress?: string;
}

const explainRestricted = (what: string) =>
  vscode.l10n.t('{0} is disabled in Restricted Mode: it runs the project build and connects to servers. Trust this workspace to enable it.', what);

/**
 * Every editor command is registered here: one place that refuses what needs a trusted workspace,
 * shows a failure with its actions (Open File, Trust Host…, Show Log), and treats a cancel as
 * what the user asked for, not an error.
 */
export class Commands {
  constructor(private readonly context: vscode.ExtensionContext, private readonly log: vscode.LogOutputChannel) {}

  register<A extends unknown[]>(id: string, run: (...args: A) => unknown, options: CommandOptions = {}): void {
    this.context.subscriptions.push(vscode.commands.registerCommand(id, async (...args: A) => {
      const refusal = trustRefusal(options.needsTrust, vscode.workspace.isTrusted, explainRestricted);
      if (refusal) {
        void vscode.window.showWarningMessage(refusal.message);
        return refusal;
      }
      try {
        return await (options.progress
          ? vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: options.progress }, async () => run(...args))
          : run(...args));
      } catch (e) {
        reportFailure(this.log, options.title ?? options.needsTrust ?? id, e);
        return undefined;
      }
    }));
  }
}
