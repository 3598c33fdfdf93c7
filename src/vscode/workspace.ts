import * as vscode from 'vscode';

/** The folder holding config/deploy.yml (or the first folder): the project root the core works on. */
export async function projectRoot(): Promise<vscode.Uri | undefined> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  for (const folder of folders) {
    try {
      await vscode.workspace.fs.stat(vscode.Uri.joinPath(folder.uri, 'config', 'deploy.yml'));
      return folder.uri;
    } catch {
      // not this folder
    }
  }
  return folders[0]?.uri;
}

/** Runs `action` only in a trusted workspace; otherwise explains why not. */
export async function whenTrusted<T>(what: string, action: () => Promise<T>): Promise<T | undefined> {
  if (!vscode.workspace.isTrusted) {
    void vscode.window.showWarningMessage(
      vscode.l10n.t('{0} is disabled in Restricted Mode: it runs the project build and connects to servers. Trust this workspace to enable it.', what),
    );
    return undefined;
  }
  return action();
}
