/**
 * The Deploy panel in the real editor (code-server + Playwright on Debian's Chromium): four hosts
 * from an Ansible inventory, `rollout: { canary: 1, batch: 2 }`, and a release that crashes on
 * boot on one host of the second batch. The panel shows the failed cell (its error on hover), the
 * rolled-back hosts and the batch that was never reached; it survives being hidden and shown
 * again, and takes its colours from the theme. Screenshots: test-results/deploy-panel-*.png.
 *   npx tsc -p . && node scripts/bundle.mjs && node out/test/support/runLayer.js ui deployPanel
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import * as path from 'node:path';
import type { FrameLocator, Page } from 'playwright-core';
import { openWorkbench, until, type Workbench } from '../support/browser';
import { RESULTS_DIR } from '../support/paths';
import { createSandboxProject, type SandboxProject } from '../support/sandboxProject';

const HOSTS = [1, 2, 3, 4].map((n) => ({ name: `pd14-ui${n}`, port: 2525 + n })); // 2526-2529: apart from fleet.test's and the fan-out bench's hosts
const CRASHING = 'web3'; // batch 2 of [web1] [web2 web3] [web4]
const onHost = (name: string, script: string) => execFileSync('docker', ['exec', `phx-sandbox-${name}`, 'sh', '-c', script], { encoding: 'utf8' }).trim();

describe('the Deploy panel shows a rolling deploy whose second batch fails (Playwright + code-server + real hosts)', function () {
  let project: SandboxProject;
  let workbench: Workbench;
  let page: Page;
  const shot = (name: string) => page.screenshot({ path: path.join(RESULTS_DIR, `deploy-panel-${name}.png`) });
  /** The panel's page: a webview is an iframe holding the page's own iframe. */
  const panel = (): FrameLocator => page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
  const cell = (host: string, step: string) => panel().locator(`td.cell[data-host="${host}"][data-step="${step}"]`);
  const states = async (step: string) => Promise.all(['web1', 'web2', 'web3', 'web4'].map((h) => cell(h, step).getAttribute('data-state')));

  async function runCommand(title: string) {
    const input = page.locator('.quick-input-widget input');
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
    for (let attempt = 0; attempt < 20; attempt++) {
      await page.keyboard.press('Escape');
      await page.keyboard.press('F1');
      await input.waitFor();
      await input.fill(`>${title}`);
      if (await row.waitFor({ timeout: 5_000 }).then(() => true, () => false)) break;
    }
    await page.keyboard.press('Enter');
  }

  before(async () => {
    await mkdir(RESULTS_DIR, { recursive: true });
    project = await createSandboxProject(HOSTS.map((h, i) => ({ ...h, primary: i === 0 })), 'pd14-ui-');
    mkdirSync(path.join(project.dir, 'deploy'));
    writeFileSync(path.join(project.dir, 'deploy', 'inventory.ini'), `[web]\n${HOSTS.map((h, i) => `web${i + 1} ansible_host=127.0.0.1 ansible_port=${h.port}`).join('\n')}\n\n[web:vars]\nansible_user=deploy\n`);
    const file = path.join(project.dir, 'config', 'deploy.yml');
    const config = readFileSync(file, 'utf8')
      .replace(/    hosts:\n(      - .*\n)+/, '    hosts: { inventory: deploy/inventory.ini, group: web }\n    rollout: { canary: 1, batch: 2, pause: 1 }\n')
      .replace(/timeout: 30 \}/, 'timeout: 8 }');
    writeFileSync(file, config);
    project.commitAndPush('config/deploy.yml', config, 'Hosts from the inventory, rolled out in batches');
    project.cli('deploy', '--yes');
    // The next release crashes on boot where the host says so: only on web3.
    const app = 'lib/hello_phoenix/application.ex';
    project.commitAndPush(app, readFileSync(path.join(project.dir, app), 'utf8').replace('  def start(_type, _args) do\n',
      '  def start(_type, _args) do\n    if File.exists?("/opt/hello_phoenix/shared/crash-on-boot"), do: raise("crashing on boot on purpose")\n'), 'Crash on boot where marked');
    onHost(HOSTS[2].name, 'touch /opt/hello_phoenix/shared/crash-on-boot');
    workbench = await openWorkbench(project.dir, { settings: { 'workbench.colorTheme': 'Default Dark Modern' }, width: 1600 });
    page = workbench.page;
    await page.locator('.explorer-folders-view .monaco-list-row', { hasText: '.tool-versions' }).waitFor({ timeout: 60_000 });
  });

  after(async () => {
    await workbench?.close();
    await project?.cleanup();
  });

  it('1. the Servers view lists the inventory\'s hosts', async () => {
    await page.locator('.activitybar .action-item a[aria-label^="Phoenix Deploy"]').click();
    const tree = page.locator('.pane-body .monaco-list-rows');
    const env = tree.locator('.monaco-list-row', { hasText: 'production' }).first();
    await env.click();
    if ((await env.getAttribute('aria-expanded')) !== 'true') await page.keyboard.press('ArrowRight');
    for (const host of ['web1', 'web2', 'web3', 'web4']) await tree.locator('.monaco-list-row', { hasText: host }).first().waitFor({ timeout: 60_000 });
    await shot('1-servers');
  });

  it('2. deploys from the editor; the panel opens and follows the run', async () => {
    await runCommand('Phoenix: Deploy to production');
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ timeout: 240_000 });
    await dialog.locator('.monaco-button', { hasText: /^Deploy$/ }).click();
    await panel().locator('table.grid').waitFor({ timeout: 120_000 });
    await until('the switch of batch 1', async () => (await cell('web1', 'switch').getAttribute('data-state')) === 'done', 120_000);
    await shot('2-running');
    await panel().locator('.status[data-status="failed"]').waitFor({ timeout: 180_000 });
  });

  it('3. shows the failed cell with its error on hover, the rolled-back hosts, and the batch never reached', async () => {
    assert.deepEqual(await states('health'), ['done', 'done', 'failed', 'skipped']);
    assert.deepEqual(await states('switch'), ['rolled-back', 'rolled-back', 'rolled-back', 'skipped']);
    assert.deepEqual(await states('restart'), ['done', 'done', 'done', 'skipped']);
    assert.deepEqual(await states('upload'), ['done', 'done', 'done', 'done']);
    assert.deepEqual(await states('migrate'), ['done', 'none', 'none', 'none']);
    const rows = panel().locator('tbody tr');
    assert.deepEqual(await rows.locator('td.batch').allInnerTexts(), ['1 (canary)', '2', '2', '3']);
    for (const text of await rows.locator('td.bytes').allInnerTexts()) assert.match(text, /^\d+(\.\d)? (B|KB|MB)$/);
    assert.deepEqual(await panel().locator('tbody tr.rolled-back th.host').evaluateAll((els) => els.map((e) => e.firstChild?.textContent)), ['web1', 'web2', 'web3']);
    const failed = cell(CRASHING, 'health');
    await failed.hover();
    const tip = failed.locator('.tip');
    await tip.waitFor({ state: 'visible' });
    assert.match(await tip.innerText(), /not healthy after 8s/);
    assert.match(await panel().locator('pre.error').innerText(), /^batch 2 of 3 \(web2, web3\) failed at health: health check failed\. Rolled back automatically\./);
    await shot('3-failed-batch');
    for (const h of HOSTS) assert.match(onHost(h.name, 'readlink /opt/hello_phoenix/current'), /^releases\//);
  });

  it('4. follows the theme: its colours are VS Code\'s', async () => {
    // In the page: the colours in use, and the theme variables they should come from (no DOM types here, hence `page`).
    const colours = await panel().locator('body').evaluate(() => {
      const page = globalThis as unknown as { document: any; getComputedStyle(el: unknown): any };
      const { document } = page;
      const probe = (value: string): string => {
        const el = document.createElement('span');
        el.style.color = value;
        document.body.append(el);
        const c = page.getComputedStyle(el).color as string;
        el.remove();
        return c;
      };
      const vars = page.getComputedStyle(document.documentElement);
      return {
        background: probe(page.getComputedStyle(document.body).backgroundColor), editor: probe(vars.getPropertyValue('--vscode-editor-background')),
        failed: page.getComputedStyle(document.querySelector('td.state-failed')).color as string, failedTheme: probe(vars.getPropertyValue('--vscode-testing-iconFailed')),
      };
    });
    assert.equal(colours.background, colours.editor);
    assert.equal(colours.failed, colours.failedTheme);
    assert.notEqual(colours.editor, 'rgba(0, 0, 0, 0)');
  });

  it('5. hidden behind another editor and shown again, it shows the same run', async () => {
    await page.locator('.tabs-container .tab', { hasText: 'Phoenix Deploy' }).click();
    // Keys can be lost while focus moves into the webview's frame: press again until Quick Open shows.
    const quickOpen = page.locator('.quick-input-widget input');
    for (let attempt = 0; attempt < 10 && !(await quickOpen.isVisible()); attempt++) {
      await page.keyboard.press('Control+P');
      await quickOpen.waitFor({ timeout: 3_000 }).catch(() => undefined);
    }
    await quickOpen.fill('.tool-versions');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: '.tool-versions' }).first().click();
    await until('the panel to be hidden', async () => (await page.locator('iframe.webview.ready').count()) === 0 || !(await page.locator('iframe.webview.ready').isVisible()), 30_000);
    await shot('5a-hidden');
    await runCommand('Phoenix: Show Deploy Panel');
    await panel().locator('.status[data-status="failed"]').waitFor({ timeout: 30_000 });
    assert.deepEqual(await states('health'), ['done', 'done', 'failed', 'skipped']);
    assert.deepEqual(await states('switch'), ['rolled-back', 'rolled-back', 'rolled-back', 'skipped']);
    await shot('5b-shown-again');
  });
});
