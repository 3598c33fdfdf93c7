import * as vscode from 'vscode';
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import type { PhoenixDeployApi } from '../../src/extension';

const runningBuildContainers = () =>
  execFileSync('docker', ['ps', '-q', '--filter', 'label=dev.phoenix-deploy.role=build'], { encoding: 'utf8' }).trim();

describe('Build Release in the editor', () => {
  it('builds the central branch in a container, streaming to the build terminal', async () => {
    const manifest = await vscode.commands.executeCommand<{ id: string; path: string; erts: string } | undefined>('phoenixDeploy.buildRelease');
    assert.ok(manifest, 'the command returns the manifest');
    assert.match(manifest.id, /^\d{8}T\d{6}Z-0\.1\.0-[0-9a-f]{7}$/);
    assert.equal(manifest.erts, '13.1.5');
    assert.ok(vscode.window.terminals.some((t) => t.name === 'Phoenix: build'), 'a "Phoenix: build" terminal exists');
  });

  it('shows BuildKit\'s progress in the build terminal as readable lines', async () => {
    const api = await vscode.extensions.getExtension<PhoenixDeployApi>('phoenix-deploy.phoenix-deploy')!.activate();
    const before = api.terminalText('build').length;
    assert.ok(await vscode.commands.executeCommand('phoenixDeploy.buildRelease.force'), 'the forced rebuild returns a manifest');
    // eslint-disable-next-line no-control-regex
    const shown = api.terminalText('build').slice(before).replace(/\x1b\[[0-9;]*m/g, '');
    assert.match(shown, /Building stage builder with BuildKit \(Docker 20\.10/);
    assert.match(shown, /^#\d+ \[(?:builder +)?\d+\/\d+\] WORKDIR \/app\r$/m, 'BuildKit steps are shown by name, one per line');
    assert.match(shown, /^#\d+ (CACHED|DONE \d+\.\ds)\r$/m);
    assert.doesNotMatch(shown, /moby\.buildkit\.trace|"aux"/, 'no raw protobuf');
  });

  it('closing the terminal cancels a running build and leaves no container running', async () => {
    const pending = vscode.commands.executeCommand('phoenixDeploy.buildRelease.force');
    const deadline = Date.now() + 60_000;
    while (!runningBuildContainers()) {
      if (Date.now() > deadline) assert.fail('the build container never started');
      await new Promise((r) => setTimeout(r, 100));
    }
    vscode.window.terminals.find((t) => t.name === 'Phoenix: build')!.dispose();
    assert.equal(await pending, undefined, 'a cancelled build returns no manifest');
    assert.equal(runningBuildContainers(), '', 'no build container is left running');
  });
});

describe('compile errors from the build container', () => {
  const folder = () => vscode.workspace.workspaceFolders![0].uri.fsPath;
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.invalid', ...args], { cwd: folder(), stdio: 'pipe' });

  it('land in the Problems panel at the project file and line', async () => {
    const file = vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0].uri, 'lib', 'hello_phoenix', 'greeting.ex');
    const original = (await vscode.workspace.fs.readFile(file)).toString();
    const broken = original.replace('def message, do: "hello"', 'def message, do: "hello" +');
    assert.notEqual(broken, original);
    await vscode.workspace.fs.writeFile(file, Buffer.from(broken));
    git('commit', '-qam', 'Break the build');
    git('push', '-q', 'origin', 'main');
    try {
      assert.equal(await vscode.commands.executeCommand('phoenixDeploy.buildRelease'), undefined);
      const problems = vscode.languages.getDiagnostics(file).filter((d) => d.source === 'mix compile (build container)');
      assert.equal(problems.length >= 1, true, 'a compile problem on greeting.ex');
      assert.equal(problems[0].severity, vscode.DiagnosticSeverity.Error);
      assert.ok(problems[0].range.start.line >= 2 && problems[0].range.start.line <= 4, `line ${problems[0].range.start.line + 1}`);
    } finally {
      await vscode.workspace.fs.writeFile(file, Buffer.from(original));
      git('commit', '-qam', 'Fix the build');
      git('push', '-q', 'origin', 'main');
    }
  });
});
