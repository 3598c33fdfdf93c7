import * as vscode from 'vscode';
import { projectRoot } from './workspace';

export function registerConfigCommands(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('phoenixDeploy.openConfig', async () => {
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
    }),
  );
}
