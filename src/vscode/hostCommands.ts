import * as vscode from 'vscode';
import type { HostNode } from './serverNodes';
import { editorSshBinary, editorTargets } from './remoteOptions';
import type { Commands } from './commands';

/**
 * An interactive ssh session to a host: the same ssh config file, user, port, identities,
 * known_hosts and bastions (`-J`) as deploys, and strict host-key checking.
 */
async function openSshTerminal(node?: HostNode): Promise<void> {
  if (node?.kind !== 'host') return;
  const { opensshArgs } = await import('../core/ssh/opensshCommand');
  const ssh = await editorSshBinary();
  const target = (await editorTargets(node.env)).find((t) => t.key === node.key);
  if (!target) return;
  // argv straight to the ssh binary: no shell ever parses these values.
  const args = opensshArgs(target, target.jumps, target.configFile, ['-o', 'StrictHostKeyChecking=yes']);
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

export function registerHostCommands(commands: Commands): void {
  commands.register('phoenixDeploy.openSshTerminal', openSshTerminal, { title: vscode.l10n.t('SSH terminal') });
  commands.register('phoenixDeploy.showDeployLog', showDeployLog, { title: vscode.l10n.t('Deploy log') });
}
