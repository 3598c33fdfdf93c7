import * as vscode from 'vscode';
import { readProjectFiles } from '../core/versions/check';
import { detectProject } from '../core/scaffold/detect';
import { deployConfigTemplate, dockerfileTemplate } from '../core/scaffold/templates';
import { projectRoot } from './workspace';

/** Writes a commented config/deploy.yml from what the project shows; offers a Dockerfile if it has none. */
async function createDeployConfig(): Promise<vscode.Uri | undefined> {
  const root = await projectRoot();
  if (!root) {
    void vscode.window.showErrorMessage(vscode.l10n.t('Open the Phoenix project folder first.'));
    return undefined;
  }
  const facts = detectProject(await readProjectFiles(root.fsPath));
  const target = vscode.Uri.joinPath(root, 'config', 'deploy.yml');
  const exists = await vscode.workspace.fs.stat(target).then(() => true, () => false);
  if (exists) {
    await vscode.window.showTextDocument(target);
    void vscode.window.showInformationMessage(vscode.l10n.t('config/deploy.yml already exists.'));
    return target;
  }
  if (facts.missing.some((m) => m.startsWith('no Dockerfile'))) {
    const write = vscode.l10n.t('Write Dockerfile');
    const answer = await vscode.window.showInformationMessage(
      vscode.l10n.t('This project has no Dockerfile. Write one in the phx.gen.release shape, pinned to .tool-versions?'), write, vscode.l10n.t('Not now'));
    if (answer === write) {
      await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(root, 'Dockerfile'), Buffer.from(dockerfileTemplate(facts)));
      facts.stages.push('builder');
      facts.target ??= 'builder';
    }
  }
  await vscode.workspace.fs.writeFile(target, Buffer.from(deployConfigTemplate(facts)));
  await vscode.window.showTextDocument(target);
  const stillMissing = facts.missing.filter((m) => !m.startsWith('no Dockerfile') || !facts.stages.includes('builder'));
  if (stillMissing.length > 0) void vscode.window.showWarningMessage(stillMissing.join(' · '));
  await vscode.commands.executeCommand('setContext', 'phoenixDeploy.hasConfig', true);
  return target;
}

export function registerCreateConfig(context: vscode.ExtensionContext): void {
  context.subscriptions.push(vscode.commands.registerCommand('phoenixDeploy.createConfig', createDeployConfig));
}
