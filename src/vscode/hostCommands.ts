import * as vscode from 'vscode';
import type { ServerNode } from './serverNodes';
import { resolveBinary } from '../core/tools/binaries';

type HostNode = Extract<ServerNode, { kind: 'host' }>;

/** An interactive ssh session to a host, with the same host-key checking as deploys. */
async function openSshTerminal(node?: HostNode): Promise<void> {
  if (node?.kind !== 'host') return;
  const deploy = await import('../core/deploy');
  const target = deploy.resolveTargets(node.env).find((t) => t.key === node.key);
  if (!target) return;
  let ssh: string;
  try {
    ssh = await resolveBinary('ssh', vscode.workspace.getConfiguration('phoenixDeploy').get<string>('sshPath'), 'phoenixDeploy.sshPath');
  } catch (e) {
    void vscode.window.showErrorMessage((e as Error).message);
    return;
  }
  // argv straight to the ssh binary: no shell ever parses these values.
  const args = ['-o', 'StrictHostKeyChecking=yes', '-o', `UserKnownHostsFile=${target.knownHostsFile}`, '-p', String(target.target.port),
    ...(target.identityFile ? ['-i', target.identityFile] : []), '--', `${target.target.user}@${target.target.host}`];
  vscode.window.createTerminal({ name: `ssh ${node.key}`, shellPath: ssh, shellArgs: args, iconPath: new vscode.ThemeIcon('terminal') }).show();
}

/** The host's recent deploys.log records, as loaded with the tree (no extra round trip). */
async function showDeployLog(node?: HostNode): Promise<void> {
  if (node?.kind !== 'host' || !node.state) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Refresh the Servers view to load this host first.'));
    return;
  }
  const lines = node.state.recent.map((r) => JSON.stringify(r));
  const doc = await vscode.workspace.openTextDocument({ language: 'jsonl', content: `${lines.join('\n')}\n` });
  await vscode.window.showTextDocument(doc, { preview: true });
}

export function registerHostCommands(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('phoenixDeploy.openSshTerminal', openSshTerminal),
    vscode.commands.registerCommand('phoenixDeploy.showDeployLog', showDeployLog),
  );
}
