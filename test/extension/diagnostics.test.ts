import * as vscode from 'vscode';
import * as assert from 'node:assert/strict';

function folder(): vscode.Uri {
  return vscode.workspace.workspaceFolders![0].uri;
}

async function waitForDiagnostics(uri: vscode.Uri, predicate: (d: readonly vscode.Diagnostic[]) => boolean, ms = 15_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const current = vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'phoenix-deploy');
    if (predicate(current)) return current;
    if (Date.now() > deadline) throw new Error(`diagnostics never matched; last: ${JSON.stringify(current.map((d) => [d.code, d.message]))}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('version diagnostics and quick fixes in real VS Code', () => {
  const toolVersions = () => vscode.Uri.joinPath(folder(), '.tool-versions');
  const dockerfile = () => vscode.Uri.joinPath(folder(), 'Dockerfile');

  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.files.revert');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('shows no findings for the consistent example project', async () => {
    await vscode.commands.executeCommand('phoenixDeploy.checkVersions');
    assert.deepEqual(vscode.languages.getDiagnostics(toolVersions()).filter((d) => d.source === 'phoenix-deploy'), []);
  });

  it('flags an erlang mismatch while typing, on both sides, and clears it when undone', async () => {
    const editor = await vscode.window.showTextDocument(toolVersions());
    const line = editor.document.lineAt(0);
    await editor.edit((e) => e.replace(line.range, 'erlang 26.2.5'));
    const onToolVersions = await waitForDiagnostics(toolVersions(), (d) => d.some((x) => x.code === 'erlang-mismatch'));
    const mismatch = onToolVersions.find((d) => d.code === 'erlang-mismatch')!;
    assert.equal(mismatch.severity, vscode.DiagnosticSeverity.Error);
    assert.equal(mismatch.range.start.line, 0);
    assert.ok(mismatch.relatedInformation?.some((r) => r.location.uri.fsPath === dockerfile().fsPath), 'points at the Dockerfile');
    await waitForDiagnostics(dockerfile(), (d) => d.some((x) => x.code === 'erlang-mismatch'));

    await editor.edit((e) => e.replace(editor.document.lineAt(0).range, 'erlang 25.2.3'));
    await waitForDiagnostics(toolVersions(), (d) => d.length === 0);
  });

  it('applies the preferred quick fix: the Dockerfile follows .tool-versions', async () => {
    const editor = await vscode.window.showTextDocument(toolVersions());
    await editor.edit((e) => e.replace(editor.document.lineAt(0).range, 'erlang 25.3.2'));
    const [diagnostic] = (await waitForDiagnostics(toolVersions(), (d) => d.some((x) => x.code === 'erlang-mismatch')))
      .filter((d) => d.code === 'erlang-mismatch');
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', toolVersions(), diagnostic.range, vscode.CodeActionKind.QuickFix.value);
    const preferred = actions.find((a) => a.isPreferred);
    assert.ok(preferred, `actions: ${actions.map((a) => a.title).join(', ')}`);
    assert.equal(preferred.title, 'Use OTP 25.3.2 in Dockerfile');
    assert.ok(await vscode.workspace.applyEdit(preferred.edit!));
    const dockerText = (await vscode.workspace.openTextDocument(dockerfile())).getText();
    assert.match(dockerText, /ARG OTP_VERSION=25\.3\.2/);
    await waitForDiagnostics(toolVersions(), (d) => !d.some((x) => x.code === 'erlang-mismatch'));
    // put the Dockerfile back for the other tests
    const doc = await vscode.workspace.openTextDocument(dockerfile());
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  it('a mise.toml with a mismatch shows the squiggle at the version and the quick fix that rewrites it', async () => {
    const mise = vscode.Uri.joinPath(folder(), 'mise.toml');
    // The example builds with OTP 25.2.3; mise.toml takes precedence over .tool-versions, whose
    // erlang (25.2.3, or what an earlier test typed) is not 25.1.4.
    await vscode.workspace.fs.writeFile(mise, Buffer.from('[tools]\nerlang = "25.1.4"\n'));
    try {
      const onMise = await waitForDiagnostics(mise, (d) => d.some((x) => x.code === 'erlang-mismatch'));
      const mismatch = onMise.find((d) => d.code === 'erlang-mismatch')!;
      assert.equal(mismatch.severity, vscode.DiagnosticSeverity.Error);
      assert.deepEqual([mismatch.range.start.line, mismatch.range.start.character, mismatch.range.end.character], [1, 10, 16], 'the squiggle covers 25.1.4 inside the quotes');
      assert.ok(mismatch.relatedInformation?.some((r) => r.location.uri.fsPath === dockerfile().fsPath), 'points at the Dockerfile');
      await waitForDiagnostics(toolVersions(), (d) => d.some((x) => x.code === 'pin-shadowed'));

      await vscode.window.showTextDocument(mise); // as a person would, to see the squiggle
      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', mise, mismatch.range, vscode.CodeActionKind.QuickFix.value);
      const titles = actions.map((a) => a.title);
      assert.ok(titles.includes('Use OTP 25.1.4 in Dockerfile'), `actions: ${titles.join(', ')}`);
      // The Dockerfile's OTP (25.2.3 unless an earlier test left an edit in it), written back in the same format.
      const pinFix = actions.find((a) => /^Use erlang \d+\.\d+\.\d+ in mise\.toml$/.test(a.title));
      assert.ok(pinFix, `actions: ${titles.join(', ')}`);
      const built = pinFix.title.split(' ')[2];
      assert.ok(await vscode.workspace.applyEdit(pinFix.edit!));
      const doc = await vscode.workspace.openTextDocument(mise);
      assert.equal(doc.getText(), `[tools]\nerlang = "${built}"\n`, 'the same format, only the version changed');
      await waitForDiagnostics(mise, (d) => !d.some((x) => x.code === 'erlang-mismatch'));
      assert.ok(await doc.save());
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      // Through the workbench, so that no editor model of the deleted file lingers as a buffer.
      const remove = new vscode.WorkspaceEdit();
      remove.deleteFile(mise, { ignoreIfNotExists: true });
      await vscode.workspace.applyEdit(remove);
    }
    await waitForDiagnostics(toolVersions(), (d) => !d.some((x) => x.code === 'pin-shadowed'));
  });

  it('rel/env.sh.eex naming the node, with a blue/green environment: an error at the value and the ${RELEASE_NODE:-…} quick fix', async () => {
    const envSh = vscode.Uri.joinPath(folder(), 'rel', 'env.sh.eex');
    const deployYml = vscode.Uri.joinPath(folder(), 'config', 'deploy.yml');
    const original = await vscode.workspace.fs.readFile(deployYml);
    // A blue/green environment (the slots are what the export would break), written on disk and put back below.
    await vscode.workspace.fs.writeFile(deployYml, Buffer.concat([Buffer.from(original), Buffer.from(
      '  staging:\n    deploy_to: /opt/hello_phoenix\n    hosts: [127.0.0.1]\n    service: systemd\n    strategy: blue_green\n' +
      '    proxy: { listen: 80, server_name: staging.example.test }\n    health: { path: /health }\n')]));
    await vscode.workspace.fs.writeFile(envSh, Buffer.from('export RELEASE_NODE=<%= @release.name %>@127.0.0.1\n'));
    try {
      await vscode.commands.executeCommand('phoenixDeploy.checkVersions');
      const [shared] = (await waitForDiagnostics(envSh, (d) => d.some((x) => x.code === 'release-node-shared'))).filter((d) => d.code === 'release-node-shared');
      assert.equal(shared.severity, vscode.DiagnosticSeverity.Error);
      assert.match(shared.message, /both blue\/green slots of (?:"\w+", )*"staging" would get this node name/);
      assert.deepEqual([shared.range.start.line, shared.range.start.character, shared.range.end.character], [0, 20, 50], 'the squiggle covers the value');
      await vscode.window.showTextDocument(envSh); // the code action command needs the document open, as a person has it
      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', envSh, shared.range, vscode.CodeActionKind.QuickFix.value);
      const fix = actions.find((a) => a.isPreferred);
      assert.ok(fix, `actions: ${actions.map((a) => a.title).join(', ')}`);
      assert.ok(await vscode.workspace.applyEdit(fix.edit!));
      const doc = await vscode.workspace.openTextDocument(envSh);
      assert.equal(doc.getText(), 'export RELEASE_NODE="${RELEASE_NODE:-<%= @release.name %>@127.0.0.1}"\n');
      await waitForDiagnostics(envSh, (d) => !d.some((x) => x.code === 'release-node-shared'));
      assert.ok(await doc.save());
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      const remove = new vscode.WorkspaceEdit();
      remove.deleteFile(envSh, { ignoreIfNotExists: true });
      await vscode.workspace.applyEdit(remove);
      await vscode.workspace.fs.writeFile(deployYml, original);
      // Let the file watchers' reloads of deploy.yml finish here, not inside the next suite's counts.
      await new Promise((r) => setTimeout(r, 2000));
    }
  });
});
