import * as vscode from 'vscode';
import { projectRoot } from './workspace';
import type { Commands } from './commands';

export function registerConfigCommands(commands: Commands): void {
  commands.register('phoenixDeploy.openConfig', async () => {
    const root = await projectRoot();
    if (!root) {
      void vscode.window.showErrorMessage(vscode.l10n.t('Open a folder with a Phoenix project first.'));
      return;
    }
    const uri = vscode.Uri.joinPath(root, 'config', 'deploy.yml');
    try {
      await vscode.window.showTextDocument(uri);
    } catch {
      void vscode.window.showErrorMessage(vscode.l10n.t('{0} does not exist yet.', 'config/deploy.yml'));
    }
  });
}
