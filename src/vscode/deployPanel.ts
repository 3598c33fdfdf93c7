import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { Commands } from './commands';
import { applyEvent, emptyGrid, type Grid } from '../core/plan/grid';
import type { EventSink } from '../core/plan/types';

/** Posts to the webview at most this often while events stream in. */
const POST_INTERVAL_MS = 100;

/**
 * The Deploy panel: a webview with the running (or last) deploy or rollback as a grid, hosts down
 * and steps across, fed by the runner's events. The grid lives here, in the extension, so a
 * panel that was hidden (its page discarded) or closed and opened again shows it whole: the page
 * asks for it when it loads, and gets every change after.
 */
export class DeployPanel implements vscode.Disposable {
  private grid: Grid = emptyGrid();
  private panel?: vscode.WebviewPanel;
  private timer?: NodeJS.Timeout;

  constructor(private readonly extensionUri: vscode.Uri) {}

  /** A new run: a fresh grid, and the panel shown beside the editor without taking focus. Returns its event sink. */
  start(): EventSink {
    this.grid = emptyGrid();
    this.show(true);
    return (event) => {
      applyEvent(this.grid, event);
      this.schedulePost(event.type === 'plan-end' || event.type === 'plan-start');
    };
  }

  /** The grid as the panel shows it (for tests and the API). */
  current(): Grid {
    return structuredClone(this.grid);
  }

  show(preserveFocus = false): void {
    if (this.panel) {
      this.panel.reveal(undefined, preserveFocus);
      return;
    }
    const media = vscode.Uri.joinPath(this.extensionUri, 'media');
    const panel = vscode.window.createWebviewPanel('phoenixDeploy.deployPanel', vscode.l10n.t('Phoenix Deploy'),
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus }, { enableScripts: true, localResourceRoots: [media] });
    panel.iconPath = vscode.Uri.joinPath(media, 'phoenix.svg');
    panel.webview.html = panelHtml(panel.webview, media);
    panel.webview.onDidReceiveMessage((message: { type?: string }) => {
      if (message?.type === 'ready') void this.post();
    });
    panel.onDidDispose(() => {
      if (this.panel === panel) this.panel = undefined;
    });
    this.panel = panel;
  }

  private schedulePost(now: boolean): void {
    if (now) {
      clearTimeout(this.timer);
      this.timer = undefined;
      void this.post();
      return;
    }
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      void this.post();
    }, POST_INTERVAL_MS);
  }

  /** A hidden panel drops the message; it asks again ('ready') when it is shown. */
  private async post(): Promise<void> {
    await this.panel?.webview.postMessage({ type: 'grid', grid: this.grid });
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.panel?.dispose();
  }
}

/** The page: a strict Content-Security-Policy (only this extension's script, by nonce, and stylesheet), no remote resources. */
function panelHtml(webview: vscode.Webview, media: vscode.Uri): string {
  const nonce = randomBytes(16).toString('base64');
  const script = webview.asWebviewUri(vscode.Uri.joinPath(media, 'deployPanel.js'));
  const style = webview.asWebviewUri(vscode.Uri.joinPath(media, 'deployPanel.css'));
  const csp = `default-src 'none'; style-src ${webview.cspSource}; script-src 'nonce-${nonce}'; img-src ${webview.cspSource}; font-src ${webview.cspSource}`;
  // What the page writes: English here, translated like every other string of the extension.
  const labels = {
    empty: vscode.l10n.t('No deploy or rollback has run in this window yet.'),
    host: vscode.l10n.t('Host'), batch: vscode.l10n.t('Batch'), sent: vscode.l10n.t('Sent'), canary: vscode.l10n.t('canary'),
    pending: vscode.l10n.t('pending'), running: vscode.l10n.t('running'), done: vscode.l10n.t('done'), failed: vscode.l10n.t('failed'),
    rolledBack: vscode.l10n.t('rolled back'), skipped: vscode.l10n.t('not reached'), none: vscode.l10n.t('not part of this step'),
    wentBack: vscode.l10n.t('went back to {0}'), runningStep: vscode.l10n.t('Running: {0}'), batchOf: vscode.l10n.t('batch {0} of {1}'),
    doneIn: vscode.l10n.t('Done in {0}'), failedAfter: vscode.l10n.t('Failed after {0}'), cancelledAfter: vscode.l10n.t('Cancelled after {0}'),
  };
  return `<!DOCTYPE html>
<html lang="${vscode.env.language}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${style}">
<title>Phoenix Deploy</title>
</head>
<body>
<main id="deploy" data-labels="${attribute(JSON.stringify(labels))}"><p class="empty">${attribute(labels.empty)}</p></main>
<script nonce="${nonce}" src="${script}"></script>
</body>
</html>`;
}

function attribute(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function registerDeployPanel(context: vscode.ExtensionContext, commands: Commands): DeployPanel {
  const panel = new DeployPanel(context.extensionUri);
  context.subscriptions.push(panel);
  commands.register('phoenixDeploy.showDeployPanel', () => panel.show(false));
  return panel;
}
