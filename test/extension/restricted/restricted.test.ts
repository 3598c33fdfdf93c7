import * as vscode from 'vscode';
import * as assert from 'node:assert/strict';

describe('Restricted Mode (untrusted workspace)', () => {
  it('really runs untrusted, with the extension active', async () => {
    assert.equal(vscode.workspace.isTrusted, false);
    const ext = vscode.extensions.getExtension('phoenix-deploy.phoenix-deploy')!;
    await ext.activate();
    assert.equal(ext.isActive, true);
  });

  it('still shows version diagnostics (they only read files)', async () => {
    const folder = vscode.workspace.workspaceFolders![0].uri;
    const toolVersions = vscode.Uri.joinPath(folder, '.tool-versions');
    const editor = await vscode.window.showTextDocument(toolVersions);
    await editor.edit((e) => e.replace(editor.document.lineAt(0).range, 'erlang 26.2.5'));
    const deadline = Date.now() + 15_000;
    while (!vscode.languages.getDiagnostics(toolVersions).some((d) => d.code === 'erlang-mismatch')) {
      if (Date.now() > deadline) assert.fail('no erlang-mismatch diagnostic in Restricted Mode');
      await new Promise((r) => setTimeout(r, 100));
    }
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  it('refuses to deploy, build, roll back or unlock, and starts nothing', async () => {
    const before = vscode.window.terminals.length;
    for (const command of ['phoenixDeploy.deployProduction', 'phoenixDeploy.buildRelease', 'phoenixDeploy.rollback', 'phoenixDeploy.unlock']) {
      const result = await vscode.commands.executeCommand<{ refused?: string; message?: string }>(command);
      assert.equal(result?.refused, 'restricted-mode', command);
      assert.match(result!.message!, /disabled in Restricted Mode/, command);
    }
    assert.equal(vscode.window.terminals.length, before, 'no build or deploy terminal was opened');
  });

  it('refuses the day-two commands on a host (console, logs, rpc, environment), even given a host node, and opens no terminal', async () => {
    const before = vscode.window.terminals.length;
    const node = { kind: 'host', key: 'x', primary: true, env: { name: 'production', deployTo: '/opt/x', hosts: [], keepReleases: 2, ssh: {} } };
    for (const command of ['phoenixDeploy.openRemoteConsole', 'phoenixDeploy.tailLogs', 'phoenixDeploy.runExpression', 'phoenixDeploy.editEnvironment']) {
      const result = await vscode.commands.executeCommand<{ refused?: string; message?: string }>(command, node, 'IO.puts(1)');
      assert.equal(result?.refused, 'restricted-mode', command);
      assert.match(result!.message!, /disabled in Restricted Mode/, command);
    }
    assert.equal(vscode.window.terminals.length, before);
  });

  it('still runs what only reads files: Check Versions answers, and is no refusal', async () => {
    const findings = await vscode.commands.executeCommand<unknown>('phoenixDeploy.checkVersions');
    assert.equal(typeof findings, 'number');
  });

  it('declares the deploy command disabled until the workspace is trusted', () => {
    const ext = vscode.extensions.getExtension('phoenix-deploy.phoenix-deploy')!;
    const commands = ext.packageJSON.contributes.commands as Array<{ command: string; enablement?: string }>;
    for (const id of ['phoenixDeploy.deployProduction', 'phoenixDeploy.buildRelease', 'phoenixDeploy.rollback', 'phoenixDeploy.unlock']) {
      assert.equal(commands.find((c) => c.command === id)?.enablement, 'isWorkspaceTrusted', id);
    }
    assert.equal(ext.packageJSON.capabilities.untrustedWorkspaces.supported, 'limited');
  });
});
