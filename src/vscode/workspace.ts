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

/** What a command refused in Restricted Mode returns, so a caller (or a test) can tell a refusal from "nothing to do". */
export interface RestrictedRefusal {
  refused: 'restricted-mode';
  message: string;
}

/** Runs `action` only in a trusted workspace; otherwise explains why not and returns the refusal. */
export async function whenTrusted<T>(what: string, action: () => Promise<T>): Promise<T | RestrictedRefusal> {
  if (!vscode.workspace.isTrusted) {
    const message = vscode.l10n.t('{0} is disabled in Restricted Mode: it runs the project build and connects to servers. Trust this workspace to enable it.', what);
    void vscode.window.showWarningMessage(message);
    return { refused: 'restricted-mode', message };
  }
  return action();
}
