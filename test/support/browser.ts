import { chromium, type Browser, type Page } from 'playwright-core';
import { startCodeServer, workbenchUrl } from './codeServer';
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

/**
 * code-server with the extension on `workspace`, trusted, in Debian's Chromium, ready to drive.
 * Accessibility mode makes the terminal keep its text in the DOM, where a test can read it.
 */
export async function openWorkbench(workspace: string): Promise<Workbench> {
  const server = await startCodeServer({ settings: { 'security.workspace.trust.enabled': false, 'workbench.startupEditor': 'none', 'editor.accessibilitySupport': 'on' } });
  const browser = await launchChromium();
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(workbenchUrl(server, workspace, REPO_ROOT));
  await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
  return {
    page,
    close: async () => {
      await browser.close();
      await server.stop();
    },
  };
}
