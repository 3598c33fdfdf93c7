import * as vscode from 'vscode';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';

const EXTENSION_ID = 'phoenix-deploy.phoenix-deploy';

async function waitFor(predicate: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (predicate()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return predicate();
}

describe('activation in real VS Code', () => {
  it('runs inside VS Code 1.100 (code-server 4.100.3)', () => {
    assert.match(vscode.version, /^1\.100\./);
  });

  it('activates by itself in a workspace containing config/deploy.yml', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, 'extension is loaded');
    assert.equal(await waitFor(() => ext.isActive, 15_000), true, 'activated without an explicit activate()');
  });

  it('registers "Phoenix: Deploy to production"', async () => {
    const commands = await vscode.commands.getCommands(true);
    assert.ok(commands.includes('phoenixDeploy.deployProduction'));
    const contributed = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON.contributes.commands as Array<{ command: string; title: string; category: string }>;
    const deploy = contributed.find((c) => c.command === 'phoenixDeploy.deployProduction');
    assert.equal(`${deploy?.category}: ${deploy?.title}`, 'Phoenix: Deploy to production');
  });

  it('registers the Servers view in the Phoenix Deploy container, and it lists the environments', async () => {
    const ext = vscode.extensions.getExtension<{ servers: vscode.TreeDataProvider<{ kind: string; env?: { name: string } }> }>(EXTENSION_ID)!;
    const contributes = ext.packageJSON.contributes;
    assert.deepEqual(contributes.viewsContainers.activitybar.map((c: { id: string }) => c.id), ['phoenixDeploy']);
    assert.deepEqual(contributes.views.phoenixDeploy.map((v: { id: string }) => v.id), ['phoenixDeploy.servers']);
    const commands = await vscode.commands.getCommands(true);
    assert.ok(commands.includes('phoenixDeploy.servers.focus'), 'VS Code made a focus command for the view: it exists');
    await vscode.commands.executeCommand('workbench.view.extension.phoenixDeploy');
    await vscode.commands.executeCommand('phoenixDeploy.servers.focus');
    // The provider behind the view: its roots are the environments of config/deploy.yml.
    const roots = await ext.exports.servers.getChildren!(undefined);
    assert.deepEqual(roots?.map((n) => `${n.kind}:${n.env?.name}`), ['environment:production', 'environment:bluegreen']);
  });

  it('assigns the tool-versions language to .tool-versions', async () => {
    const folder = vscode.workspace.workspaceFolders![0].uri.fsPath;
    const doc = await vscode.workspace.openTextDocument(path.join(folder, '.tool-versions'));
    assert.equal(doc.languageId, 'tool-versions');
  });
});
