import * as vscode from 'vscode';
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';

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
