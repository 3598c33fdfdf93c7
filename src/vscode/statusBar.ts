import * as vscode from 'vscode';
import type { FindingsStore } from './diagnostics';
import type { ServersProvider } from './serversView';

/** Production's current release (once the Servers view has loaded it) and whether the versions agree. */
export function registerStatusBar(context: vscode.ExtensionContext, findings: FindingsStore, servers: ServersProvider): vscode.StatusBarItem {
  const item = vscode.window.createStatusBarItem('phoenixDeploy.status', vscode.StatusBarAlignment.Left, 10);
  item.name = 'Phoenix Deploy';
  item.command = 'workbench.view.extension.phoenixDeploy';
  let release: string | undefined;
  const render = () => {
    const environment = vscode.workspace.getConfiguration('phoenixDeploy').get<string>('defaultEnvironment') || 'production';
    const problems = findings.versionProblems();
    const versions = problems.length === 0 ? '$(check)' : `$(warning) ${problems.length}`;
    item.text = `$(rocket) ${environment}: ${release ?? '—'} ${versions}`;
    item.tooltip = new vscode.MarkdownString(
      `**Phoenix Deploy**\n\n- ${environment}: ${release ? `\`${release}\`` : 'not loaded (open the Deploy view)'}\n` +
      `- Pinned versions and Dockerfile: ${problems.length === 0 ? 'agree' : problems.map((p) => p.message).slice(0, 3).join('; ')}`);
    item.backgroundColor = problems.some((p) => p.severity === 'error') ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    item.show();
  };
  context.subscriptions.push(
    item,
    findings.changed.event(render),
    servers.onDidLoad(({ env, hosts }) => {
      const environment = vscode.workspace.getConfiguration('phoenixDeploy').get<string>('defaultEnvironment') || 'production';
      if (env !== environment) return;
      const primary = [...hosts.values()].find((h) => h.primary);
      release = primary?.releases.find((r) => r.current)?.id;
      render();
    }),
  );
  render();
  return item;
}
