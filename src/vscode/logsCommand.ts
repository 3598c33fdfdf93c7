import * as vscode from 'vscode';
import type { LogLine } from '../core/logs';
import { editorHostOptions } from './remoteOptions';
import type { Secrets } from './secrets';
import type { HostNode } from './serverNodes';
import { projectRoot } from './workspace';
import type { Commands } from './commands';

/** The host's app log, following until the terminal is closed (which stops the stream on the host). */
class LogTerminal implements vscode.Pseudoterminal {
  private readonly writer = new vscode.EventEmitter<string>();
  readonly onDidWrite = this.writer.event;
  private readonly stop = new AbortController();
  /** What it has shown, for tests. */
  transcript = '';

  constructor(private readonly node: HostNode, private readonly secrets: Secrets, private readonly lines: number) {}

  private write(text: string): void {
    const out = text.replace(/\r?\n/g, '\r\n');
    this.transcript += out;
    this.writer.fire(out);
  }

  async open(): Promise<void> {
    try {
      const root = await projectRoot();
      if (!root) throw new Error(vscode.l10n.t('Open the project folder first.'));
      const { options, target } = await editorHostOptions(root, this.node.env, this.node.key, this.secrets);
      const logs = await import('../core/logs');
      const results = await logs.readLogs(options, { targets: [target], lines: this.lines, follow: true },
        (line: LogLine) => this.write(logs.formatLogLine(line)), this.stop.signal);
      for (const r of results.filter((x) => !x.ok)) this.write(`\x1b[31m${r.host}: ${r.error}\x1b[0m\n`);
    } catch (e) {
      this.write(`\x1b[31m${(e as Error).message}\x1b[0m\n`);
    }
  }

  close(): void {
    this.stop.abort();
  }
}

/** "Tail Logs": the last lines of the host's app log, then new ones as they come. */
function tailLogs(secrets: Secrets, node?: HostNode): LogTerminal | undefined {
  if (node?.kind !== 'host') return undefined;
  const pty = new LogTerminal(node, secrets, 100);
  vscode.window.createTerminal({ name: vscode.l10n.t('Logs {0}', node.key), pty, iconPath: new vscode.ThemeIcon('output') }).show();
  return pty;
}

export function registerLogsCommand(commands: Commands, secrets: Secrets): void {
  commands.register('phoenixDeploy.tailLogs', (node?: HostNode) => tailLogs(secrets, node), { needsTrust: vscode.l10n.t('Tailing logs') });
}
