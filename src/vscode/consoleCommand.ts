import * as vscode from 'vscode';
import { StringDecoder } from 'node:string_decoder';
import type { ConsoleSession } from '../core/node';
import { editorHostOptions } from './remoteOptions';
import type { Secrets } from './secrets';
import type { HostNode } from './serverNodes';
import { projectRoot } from './workspace';
import type { Commands } from './commands';

/** A terminal whose keys (Ctrl-C included) go to IEx on the host's live node, and whose size follows the panel. */
class ConsoleTerminal implements vscode.Pseudoterminal {
  private readonly writer = new vscode.EventEmitter<string>();
  private readonly closer = new vscode.EventEmitter<number | void>();
  readonly onDidWrite = this.writer.event;
  readonly onDidClose = this.closer.event;
  private session?: ConsoleSession;
  private closed = false;
  /** What it has shown, for tests. */
  transcript = '';
  /** The remote exit code once the session has ended (undefined while it runs or if it never started). */
  exitCode?: number;

  constructor(private readonly node: HostNode, private readonly secrets: Secrets) {}

  private write(text: string): void {
    this.transcript += text;
    this.writer.fire(text);
  }

  async open(size: vscode.TerminalDimensions | undefined): Promise<void> {
    const decoder = new StringDecoder('utf8');
    try {
      const root = await projectRoot();
      if (!root) throw new Error(vscode.l10n.t('Open the project folder first.'));
      const { options, target } = await editorHostOptions(root, this.node.env, this.node.key, this.secrets);
      const { openConsole } = await import('../core/node');
      this.write(`${vscode.l10n.t('IEx on the live node of {0}. Leave with Ctrl-\\ or Ctrl-C then a; System.halt() would stop the app.', target.key)}\r\n`);
      this.session = await openConsole(options, target, { rows: size?.rows ?? 24, cols: size?.columns ?? 80 }, (d) => this.write(decoder.write(d)), new AbortController().signal);
      if (this.closed) this.session.close();
      this.exitCode = await this.session.exited;
      this.closer.fire(this.exitCode);
    } catch (e) {
      // The terminal stays open so the message can be read.
      this.write(`\x1b[31m${(e as Error).message.replace(/\r?\n/g, '\r\n')}\x1b[0m\r\n`);
    }
  }

  handleInput(data: string): void {
    this.session?.write(data);
  }

  setDimensions(size: vscode.TerminalDimensions): void {
    this.session?.resize({ rows: size.rows, cols: size.columns });
  }

  close(): void {
    this.closed = true;
    this.session?.close();
  }
}

/** "Open Remote Console": `bin/<app> remote` on the host's live node, in an editor terminal. */
function openConsole(secrets: Secrets, node?: HostNode): ConsoleTerminal | undefined {
  if (node?.kind !== 'host') return undefined;
  const pty = new ConsoleTerminal(node, secrets);
  vscode.window.createTerminal({ name: `IEx ${node.key}`, pty, iconPath: new vscode.ThemeIcon('debug-console') }).show();
  return pty;
}

export function registerConsoleCommand(commands: Commands, secrets: Secrets): void {
  commands.register('phoenixDeploy.openRemoteConsole', (node?: HostNode) => openConsole(secrets, node), { needsTrust: vscode.l10n.t('The remote console') });
}
