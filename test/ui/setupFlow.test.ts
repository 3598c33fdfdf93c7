import * as assert from 'node:assert/strict';
import { systemdWorkbench } from './systemdWorkbench';

const HOST = { name: 'pd11-ui1', ssh: 2455, http: 8055 };

describe('a developer sets up a fresh systemd host from the editor (Playwright + code-server)', function () {
  const ui = systemdWorkbench(HOST, { shots: 'setup-flow', tempPrefix: 'phx-ui-setup-', placeholderPort: 2456 });

  it('runs "Phoenix: Set Up Servers…", sees every file in the modal, and nothing changes before it is confirmed', async () => {
    const { page, shot, onHost } = ui;
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
