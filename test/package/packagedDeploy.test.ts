/**
 * The packaged extension, as a user gets it: `npm run package` makes phoenix-deploy.vsix,
 * code-server installs it with `--install-extension`, and the workbench opens WITHOUT
 * extensionDevelopmentPath, so only the files inside the .vsix run. Then a build and a deploy from
 * the command palette against a real sandbox host. The other UI layers run the source tree and
 * cannot see a file the package leaves out. Screenshots: test-results/package-*.png.
 *   npx tsc -p . && flock /tmp/pd-vscode.lock node out/test/support/runLayer.js package
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, readFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { openWorkbench, runCommand as runPaletteCommand, until, type Workbench } from '../support/browser';
import { REPO_ROOT, RESULTS_DIR } from '../support/paths';
import { createSandboxProject, type SandboxProject } from '../support/sandboxProject';

const VSIX = path.join(REPO_ROOT, 'phoenix-deploy.vsix');
const HOST = { name: 'pkg-web1', port: 2630, primary: true };

describe('the packaged .vsix installed into code-server builds and deploys (Playwright + a real host)', function () {
  let project: SandboxProject;
  let workbench: Workbench | undefined;
  let page: Page;
  let releaseId = '';
  const shot = (name: string) => page.screenshot({ path: path.join(RESULTS_DIR, `package-${name}.png`) });

  /** The text of the first error notification the editor shows, if any. */
  async function errorNotification(): Promise<string | undefined> {
    const error = page.locator('.notification-list-item', { has: page.locator('.codicon-error') });
    return (await error.count()) > 0 ? error.first().innerText() : undefined;
  }

  /** Waits until `done` holds; fails at once, with the editor's words, when an error notification shows. */
  async function waitFor(what: string, done: () => Promise<boolean>, ms: number): Promise<void> {
    const outcome = await until(what, async () => {
      const error = await errorNotification();
      if (error) return { error };
      return (await done()) && { error: undefined };
    }, ms).catch(async (e: Error) => {
      await shot('timed-out');
      throw e;
    });
    if (outcome.error) {
      await shot('error');
      assert.fail(`the packaged extension reported: ${outcome.error}`);
    }
  }

  const runCommand = (title: string, run = true) => runPaletteCommand(page, title, run);


  const terminalText = () => page.locator('.xterm-accessibility-tree, .xterm-accessibility').first().innerText();

  before(async () => {
    await mkdir(RESULTS_DIR, { recursive: true });
    project = await createSandboxProject([HOST], 'pd-vsix-pkg-', 'pd-vsix-');
  });

  after(async () => {
    await workbench?.close();
    await project?.cleanup();
  });

  it('1. `npm run package` makes the .vsix, holding every module the extension loads from dist/', async () => {
    execFileSync('npm', ['run', 'package'], { cwd: REPO_ROOT, stdio: 'pipe' });
    const inside = execFileSync('unzip', ['-Z1', VSIX], { encoding: 'utf8' }).split('\n');
    // The bundles require their lazily loaded parts (ssh2, dockerode, protobufjs/light) by relative path.
    const bundle = await readFile(path.join(REPO_ROOT, 'dist', 'extension.js'), 'utf8');
    const required = [...new Set([...bundle.matchAll(/require\("\.\/(vendor\/[^"]+)"\)/g)].map((m) => `extension/dist/${m[1]}`))];
    assert.ok(required.length >= 3, `the bundle requires its vendor parts: ${JSON.stringify(required)}`);
    assert.deepEqual(required.filter((file) => !inside.includes(file)), [], 'files the extension requires but the .vsix leaves out');
  });

  it('2. code-server installs it and runs it with no development path: its commands are in the palette', async () => {
    workbench = await openWorkbench(project.dir, { vsix: VSIX, tempPrefix: 'pd-vsix-code-' });
    page = workbench.page;
    await page.locator('.explorer-folders-view .monaco-list-row', { hasText: '.tool-versions' }).waitFor({ timeout: 60_000 });
    await runCommand('Phoenix: Build Release', false);
    await shot('1-installed');
  });

  it('3. "Phoenix: Build Release" builds the release in Docker', async () => {
    await runCommand('Phoenix: Build Release');
    // The build's own terminal ends with the runner's last line (the title has scrolled away by then).
    await waitFor('the build terminal to finish', async () => /✔ done in/.test(await terminalText()), 300_000);
    await shot('2-built');
  });

  it('4. "Phoenix: Deploy to production" deploys it to the host', async () => {
    await runCommand('Phoenix: Deploy to production');
    const dialog = page.locator('.monaco-dialog-box');
    await waitFor('the confirmation', () => dialog.isVisible(), 180_000);
    const text = await dialog.innerText();
    releaseId = /Release: (\S+)/.exec(text)?.[1] ?? '';
    assert.match(releaseId, /^\d{8}T\d{6}Z-0\.1\.0-[0-9a-f]{7}$/);
    assert.match(text, new RegExp(`Hosts: 127\\.0\\.0\\.1:${HOST.port}`));
    await shot('3-confirm');
    await dialog.locator('.monaco-button', { hasText: /^Deploy$/ }).click();
    // The Deploy panel (a webview holding the page's own iframe) heads the run with its title and outcome.
    const panel = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
    await waitFor('the Deploy panel to show the deploy done', async () => {
      const heading = await panel.locator('body').innerText({ timeout: 1_000 });
      return heading.includes(`Deploy ${releaseId} to production`) && /Done in/.test(heading);
    }, 240_000);
    assert.match(await terminalText(), /✔ done in/);
    await shot('4-deployed');
  });

  it('5. the host runs the new release', () => {
    const parsed = JSON.parse(project.cli('releases', '--json')) as { hosts: Array<{ releases: Array<{ id: string; current: boolean }> }> };
    assert.equal(parsed.hosts[0].releases.find((r) => r.current)?.id, releaseId);
    const health = execFileSync('docker', ['exec', `pd-vsix-${HOST.name}`, 'curl', '-fsS', 'http://127.0.0.1:4000/health'], { encoding: 'utf8' });
    assert.match(health, /ok/i);
  });
});
