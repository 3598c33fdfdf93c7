import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { openWorkbench, type Workbench } from '../support/browser';
import { RESULTS_DIR } from '../support/paths';
import { createBlueGreenProject, stopSystemdHost, type SandboxProject } from '../support/sandboxProject';

const HOST = { name: 'pd11-ui1', ssh: 2455, http: 8055 };
const onHost = (script: string) => execFileSync('docker', ['exec', HOST.name, 'sh', '-c', script], { encoding: 'utf8' }).trim();

describe('a developer sets up a fresh systemd host from the editor (Playwright + code-server)', function () {
  let project: SandboxProject;
  let workbench: Workbench | undefined;
  let page: Page;
  const shot = (name: string) => page.screenshot({ path: path.join(RESULTS_DIR, `setup-flow-${name}.png`) });

  before(async () => {
    await mkdir(RESULTS_DIR, { recursive: true });
    project = await createBlueGreenProject(HOST, 'phx-ui-setup-', 2456);
    workbench = await openWorkbench(project.dir);
    page = workbench.page;
  });

  after(async () => {
    await workbench?.close();
    stopSystemdHost(HOST.name);
    await project?.cleanup();
  });

  it('runs "Phoenix: Set Up Servers…", sees every file in the modal, and nothing changes before it is confirmed', async () => {
    await page.locator('.explorer-folders-view .monaco-list-row', { hasText: '.tool-versions' }).waitFor({ timeout: 60_000 });
    // The palette lists the commands known when it opens: reopen it until the extension's have arrived.
    const input = page.locator('.quick-input-widget input');
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: 'Set Up Servers' }).first();
    for (let attempt = 0; attempt < 20; attempt++) {
      await page.keyboard.press('Escape');
      await page.keyboard.press('F1');
      await input.waitFor();
      await input.fill('>Phoenix: Set Up Servers');
      if (await row.waitFor({ timeout: 5_000 }).then(() => true, () => false)) break;
    }
    await shot('0-palette');
    await page.keyboard.press('Enter');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'bluegreen' }).first().click({ timeout: 30_000 });
    await input.waitFor();
    await input.fill('admin');
    await page.keyboard.press('Enter');
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ timeout: 120_000 });
    const text = await dialog.innerText();
    assert.match(text, /Set up bluegreen\?/);
    for (const file of ['/etc/systemd/system/hello_phoenix@.service', '/etc/sudoers.d/phoenix-deploy-hello_phoenix', '/etc/nginx/sites-available/hello_phoenix', '/opt/hello_phoenix/shared/env']) {
      assert.ok(text.includes(`+ ${file}`), `${file} is listed`);
    }
    assert.equal(onHost('test -e /etc/systemd/system/hello_phoenix@.service && echo there || echo absent'), 'absent', 'nothing before the answer');
    await shot('1-confirm');
    await dialog.locator('.monaco-button', { hasText: /^Set Up$/ }).click();
    for (let i = 0; i < 120 && onHost('test -e /etc/nginx/sites-enabled/hello_phoenix && echo there || echo absent') !== 'there'; i++) await new Promise((r) => setTimeout(r, 500));
    assert.equal(onHost('readlink /etc/nginx/sites-enabled/hello_phoenix'), '/etc/nginx/sites-available/hello_phoenix');
    assert.equal(onHost('stat -c %a /opt/hello_phoenix/shared/env'), '600');
    await shot('2-done');
  });
});
