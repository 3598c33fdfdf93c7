import * as assert from 'node:assert/strict';
import { mkdir, rm } from 'node:fs/promises';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/browser';
import { startCodeServer, workbenchUrl, type CodeServer } from '../support/codeServer';
import { REPO_ROOT, RESULTS_DIR } from '../support/paths';
import { copyExample } from '../support/workspace';

describe('command palette in code-server (Playwright + Chromium)', function () {
  let server: CodeServer;
  let browser: Browser;
  let page: Page;
  let workspace: string;

  before(async () => {
    workspace = await copyExample();
    server = await startCodeServer({ settings: { 'security.workspace.trust.enabled': false, 'workbench.startupEditor': 'none' } });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(workbenchUrl(server, workspace, REPO_ROOT));
    await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
    await mkdir(RESULTS_DIR, { recursive: true });
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    if (workspace) await rm(workspace, { recursive: true, force: true });
  });

  it('finds "Phoenix: Deploy to production"', async () => {
    // The extension registers its commands once activated; retry the palette until it lists ours.
    const deadline = Date.now() + 60_000;
    let labels: string[] = [];
    while (Date.now() < deadline) {
      await page.keyboard.press('Escape');
      await page.keyboard.press('F1');
      const input = page.locator('.quick-input-widget input');
      await input.waitFor({ timeout: 10_000 });
      await input.fill('>Phoenix: Deploy');
      await page.waitForTimeout(500);
      labels = await page.locator('.quick-input-list .monaco-list-row').allInnerTexts();
      if (labels.some((l) => l.includes('Phoenix: Deploy to production'))) break;
      await page.waitForTimeout(1000);
    }
    await page.screenshot({ path: path.join(RESULTS_DIR, 'palette.png') });
    assert.ok(labels.some((l) => l.includes('Phoenix: Deploy to production')), `palette rows: ${JSON.stringify(labels)}`);
  });
});
