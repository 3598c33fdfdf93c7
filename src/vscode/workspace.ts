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
