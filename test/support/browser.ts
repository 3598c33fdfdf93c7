import { chromium, type Browser, type Page } from 'playwright-core';
import { installedWorkbenchUrl, startCodeServer, workbenchUrl } from './codeServer';
import { REPO_ROOT } from './paths';

/** Debian's Chromium, headless, with nothing that would reach beyond this machine. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', '--disable-quic', '--disable-dev-shm-usage'],
  });
}

export interface Workbench {
  page: Page;
  close(): Promise<void>;
}

export interface WorkbenchOptions {
  /** User settings besides trust and the startup editor (default: accessibility mode on). */
  settings?: Record<string, unknown>;
  width?: number;
  /** Run this packaged extension, installed into code-server, instead of the source tree. */
  vsix?: string;
  /** Prefix of code-server's temp dir. */
  tempPrefix?: string;
}

/**
 * code-server with the extension on `workspace`, trusted, in Debian's Chromium, ready to drive.
 * Accessibility mode makes the terminal keep its text in the DOM, where a test can read it.
 */
export async function openWorkbench(workspace: string, options: WorkbenchOptions = {}): Promise<Workbench> {
  const settings = options.settings ?? { 'editor.accessibilitySupport': 'on' };
  const server = await startCodeServer({
    settings: { 'security.workspace.trust.enabled': false, 'workbench.startupEditor': 'none', ...settings },
    install: options.vsix ? [options.vsix] : [], tempPrefix: options.tempPrefix,
  });
  const browser = await launchChromium();
  const page = await browser.newPage({ viewport: { width: options.width ?? 1400, height: 900 } });
  await page.goto(options.vsix ? installedWorkbenchUrl(server, workspace) : workbenchUrl(server, workspace, REPO_ROOT));
  await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
  return {
    page,
    close: async () => {
      await browser.close();
      await server.stop();
    },
  };
}

/** Polls `probe` until it returns a truthy value (every 500 ms, at most `ms`). */
export async function until<T>(what: string, probe: () => Promise<T | undefined | false>, ms: number): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/**
 * Runs a command from the palette (F1). The palette lists the commands known when it opens, so it
 * is reopened until `title` shows (the extension may still be activating). `run: false` only finds it.
 */
export async function runCommand(page: Page, title: string, run = true): Promise<void> {
  const input = page.locator('.quick-input-widget input');
  const match = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
  for (let attempt = 0; ; attempt++) {
    await page.keyboard.press('Escape');
    await page.keyboard.press('F1');
    await input.waitFor();
    await input.fill(`>${title}`);
    if (await match.waitFor({ timeout: 5_000 }).then(() => true, () => false)) break;
    if (attempt === 20) throw new Error(`the palette never listed "${title}"`);
  }
  await page.keyboard.press(run ? 'Enter' : 'Escape');
}
