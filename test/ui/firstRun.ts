/**
 * The first ten minutes in the editor (issue 25), all through the UI of code-server + Chromium:
 * examples/shop with no config/deploy.yml and two fresh Debian 13 systemd + nginx hosts; the
 * view's welcome button, the three quick inputs, the SSH key and the test-made certificate added in
 * the editor (what a user with their own key and certificate types), [Set Up Servers…], [Set the
 * app's settings…] three times (DATABASE_URL typed, SECRET_KEY_BASE generated, PHX_HOST typed),
 * "Deploy to production" from the palette, every cell of the Deploy panel done, and "Open Site"
 * opening https://shop.example.test, answered by the app through a host's nginx. Screenshots:
 * test-results/<shots>-*.png. Run from the source tree (test/ui/firstRun.test.ts) and as the .vsix.
 */
import * as assert from 'node:assert/strict';
import { mkdir, readFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { parse } from 'yaml';
import { openWorkbench, runCommand as runPaletteCommand, until, type Workbench } from '../support/browser';
import { RESULTS_DIR, SANDBOX_KEY, SANDBOX_KNOWN_HOSTS } from '../support/paths';
import { DOMAIN, onHost, shopProject, siteGet, startHosts, stopHosts, type FirstRunHost } from './firstRunFixture';

export interface FirstRunOptions {
  hosts: [FirstRunHost, FirstRunHost];
  shots: string;
  /** The packaged extension to install; the source tree when absent. */
  vsix?: () => string;
}

const TLS = '{ certificate: /etc/ssl/shop/fullchain.pem, key: /etc/ssl/shop/privkey.pem, listen: 443 }';
// Typed into deploy.yml as is: no closing brackets or suggestions in the way.
const EDITOR = {
  'editor.accessibilitySupport': 'on', 'editor.autoClosingBrackets': 'never',
  'editor.quickSuggestions': { other: false, comments: false, strings: false }, 'editor.suggestOnTriggerCharacters': false, 'editor.acceptSuggestionOnEnter': 'off',
};

export function describeFirstRun(title: string, options: FirstRunOptions): void {
  describe(title, function () {
    this.timeout(900_000); // a cold build of the release is part of the deploy step
    const { hosts } = options;
    let project: ReturnType<typeof shopProject> | undefined;
    let workbench: Workbench | undefined;
    let page: Page;
    const shot = (name: string, on: Page = page) => on.screenshot({ path: path.join(RESULTS_DIR, `${options.shots}-${name}.png`) });
    const view = () => page.locator('.pane', { has: page.locator('.pane-header', { hasText: 'Servers' }) });
    const row = (text: string | RegExp) => view().locator('.monaco-list-row').filter({ hasText: text }).first();
    const rowText = async (l: Locator) => (await l.innerText()).replace(/\s+/g, ' ').trim();
    const input = () => page.locator('.quick-input-widget input');
    const pick = (text: string) => page.locator('.quick-input-list .monaco-list-row', { hasText: text }).first().click({ timeout: 60_000 });
    const dialog = (text: string | RegExp) => page.locator('.monaco-dialog-box', { hasText: text });
    const toast = (text: string | RegExp) => page.locator('.notification-toast', { hasText: text }).first();
    /** A modal's button; a long preview (two hosts' files) pushes it below the window, so it is focused and pressed. */
    const press = async (box: Locator, button: string) => {
      await box.locator('.monaco-button', { hasText: new RegExp(`^${button}$`) }).focus();
      await page.keyboard.press('Enter');
    };
    /** Waits for `done`; an error notification ends the wait at once, with the editor's words. */
    async function waitOrError(what: string, done: Locator, ms: number) {
      const error = page.locator('.notification-toast', { has: page.locator('.codicon-error') }).first();
      const seen = await until(what, async () => ((await done.isVisible()) ? 'done' : (await error.isVisible()) && 'error'), ms);
      if (seen === 'error') assert.fail(`${what}: the editor reported: ${await error.innerText()}`);
    }
    /**
     * Clicks a Servers row until `opened` shows (up to 3 times). A refresh that replaces the row
     * between its render and the click leaves VS Code's "Actual command not found" toast (the old
     * row's command was disposed), which is closed and the new row clicked; any other error fails.
     */
    async function clickRow(target: Locator, opened: Locator, what: string, ms = 20_000) {
      const stale = page.locator('.notification-toast', { hasText: 'Actual command not found' }).first();
      for (let attempt = 1; ; attempt++) {
        await target.click();
        const seen = await until(what, async () => ((await opened.isVisible()) ? 'opened' : (await stale.isVisible()) && 'stale'), ms);
        if (seen === 'opened') return;
        if (attempt === 3) assert.fail(`${what}: the row's command was gone 3 times`);
        await stale.hover();
        await stale.locator('.codicon-notifications-clear').click();
        await stale.waitFor({ state: 'hidden', timeout: 10_000 });
      }
    }
    const configFile = () => path.join(project!.dir, 'config', 'deploy.yml');

    async function openWalkthrough() {
      await runPaletteCommand(page, 'Welcome: Open Walkthrough...');
      await pick('Deploy a Phoenix app');
      await page.locator('.getting-started-step').first().waitFor({ timeout: 30_000 });
    }

    /** One quick input of Create Deploy Config: its title says which, then the answer. */
    async function answer(step: string, text?: string) {
      await page.locator('.quick-input-title', { hasText: step }).waitFor({ timeout: 30_000 });
      if (text !== undefined) await input().fill(text);
      await page.keyboard.press('Enter');
    }

    /** Types `text` as a new line after line `after` (1-based) of the open editor, which keeps that line's indentation. */
    async function addLineAfter(after: number, text: string) {
      await runPaletteCommand(page, 'Go to Line/Column...');
      await page.keyboard.type(String(after));
      await page.keyboard.press('Enter');
      await page.keyboard.press('End');
      await page.keyboard.press('Enter');
      await page.keyboard.type(text);
    }

    before(async () => {
      await mkdir(RESULTS_DIR, { recursive: true });
      project = shopProject('pd25-first-');
      startHosts(hosts);
      workbench = await openWorkbench(project.dir, { vsix: options.vsix?.(), tempPrefix: 'pd25-code-', settings: EDITOR });
      page = workbench.page;
      await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'mix.exs' }).waitFor({ timeout: 60_000 });
      // A new user follows the walkthrough: shown first, so VS Code tracks its steps' completion events.
      await openWalkthrough();
      await page.locator('.activitybar .action-item a[aria-label^="Phoenix Deploy"]').click();
    });

    // One user's flow: a step that failed leaves nothing for the next ones to build on.
    let broken = false;
    beforeEach(function () {
      if (broken) this.skip();
    });
    afterEach(async function () {
      if (this.currentTest?.state !== 'failed') return;
      broken = true;
      await shot('failed').catch(() => undefined);
    });

    after(async () => {
      await workbench?.close();
      stopHosts(hosts);
      project?.cleanup();
    });

    it('1. the view\'s welcome button starts Create Deploy Config', async () => {
      const welcome = view().locator('.welcome-view-content').filter({ hasText: 'No config/deploy.yml in this workspace yet' });
      await welcome.waitFor({ timeout: 120_000 });
      await shot('1-welcome');
      await welcome.locator('.monaco-button', { hasText: 'Create Deploy Config' }).click();
    });

    it('2. the quick inputs (environment, hosts, domain) write the managed blue/green config and open it', async () => {
      await answer('(1/3)'); // "production", as offered
      await answer('(2/3)', hosts.map((h) => `127.0.0.1:${h.ssh}`).join(' '));
      await answer('(3/3)', DOMAIN);
      await page.locator('.tab.active', { hasText: 'deploy.yml' }).waitFor({ timeout: 30_000 });
      await shot('2a-config-written');
      const written = parse(await readFile(configFile(), 'utf8')).environments.production;
      assert.deepEqual([written.service, written.strategy, written.proxy.server_name, written.hosts], ['systemd', 'blue_green', DOMAIN, hosts.map((h) => `127.0.0.1:${h.ssh}`)]);
      // This user's key and known_hosts are the sandbox's, and the hosts hold a certificate for the domain: both typed in.
      const lines = (await readFile(configFile(), 'utf8')).split('\n');
      // The lower line first, so the upper one's number still holds.
      await addLineAfter(lines.findIndex((l) => l.startsWith('    keep_releases:')) + 1, `ssh: { identity_file: ${SANDBOX_KEY}, known_hosts: ${SANDBOX_KNOWN_HOSTS}, config_file: none }`);
      await addLineAfter(lines.findIndex((l) => l.includes(`server_name: ${DOMAIN}`)) + 1, `tls: ${TLS}`);
      await page.keyboard.press('Control+s');
      const saved = await until('the edits saved', async () => {
        const env = parse(await readFile(configFile(), 'utf8'))?.environments?.production;
        return env?.ssh?.identity_file && env.proxy?.tls && env;
      }, 20_000);
      assert.equal(saved.proxy.tls.listen, 443);
      await shot('2b-config-edited');
    });

    it('3. [Set Up Servers…] sets both hosts up', async () => {
      const setUp = row('Set Up Servers…');
      await setUp.waitFor({ timeout: 120_000 });
      assert.match(await rowText(setUp), /2 of 2 host\(s\) not set up yet/);
      await shot('3a-not-set-up');
      await clickRow(setUp, input(), 'the admin user input after [Set Up Servers…]');
      await input().fill('admin');
      await page.keyboard.press('Enter');
      await dialog('Set up production?').waitFor({ timeout: 180_000 });
      await shot('3b-setup-preview');
      await press(dialog('Set up production?'), 'Set Up');
      await toast('production is set up.').waitFor({ timeout: 240_000 });
      for (const h of hosts) assert.match(onHost(h, 'cat /etc/systemd/system/shop@.service'), /^ExecStart=.*\/opt\/shop\/slots\/%i\b/m, 'the slots\' unit is installed');
      await shot('3c-set-up');
    });

    /** Clicks [Set the app's settings…] (Edit Environment… for the first missing key) and sets it. */
    async function setNext(key: string, value: { typed: string } | 'generate') {
      const settings = row('Set the app\'s settings…');
      await until(`the settings row to name ${key} first`, async () => new RegExp(`^Set the app's settings…\\s*${key}\\b`).test(await rowText(settings)), 120_000);
      await clickRow(settings, page.locator('.quick-input-title', { hasText: `Value of ${key}` }), `the value of ${key} after [Set the app's settings…]`, 60_000);
      await shot(`4-${key}-how`);
      if (value === 'generate') await pick('Generate a secret');
      else {
        await pick('Type a value…');
        // The password box replaces the pick (same title): typed unseen.
        await until('the password box', async () => (await input().getAttribute('type')) === 'password', 20_000);
        await input().fill(value.typed);
        await page.keyboard.press('Enter');
      }
      await pick('Apply on the next deploy');
      const confirm = dialog('Change shared/env on production?');
      await confirm.waitFor({ timeout: 60_000 });
      await press(confirm, 'Apply');
    }

    it('4. [Set the app\'s settings…]: DATABASE_URL typed, SECRET_KEY_BASE generated, PHX_HOST typed; then the row goes', async () => {
      const settings = row('Set the app\'s settings…');
      await settings.waitFor({ timeout: 120_000 });
      assert.match(await rowText(settings), /^Set the app's settings…\s*DATABASE_URL, SECRET_KEY_BASE, PHX_HOST not set$/);
      await shot('4a-settings-missing');
      await setNext('DATABASE_URL', { typed: 'ecto://shop:secret@db.internal/shop_prod' });
      await setNext('SECRET_KEY_BASE', 'generate');
      await setNext('PHX_HOST', { typed: DOMAIN });
      await until('the settings row to go', async () => (await view().locator('.monaco-list-row').filter({ hasText: 'Set the app\'s settings…' }).count()) === 0, 120_000);
      await shot('4b-settings-set');
      for (const h of hosts) {
        const env = onHost(h, 'cat /opt/shop/shared/env');
        assert.match(env, /^DATABASE_URL=/m);
        assert.match(env, /^PHX_HOST=shop\.example\.test$/m);
        const secret = /^SECRET_KEY_BASE=(.*)$/m.exec(env)?.[1].replace(/^'|'$/g, '') ?? '';
        assert.equal(Buffer.from(secret, 'base64').length, 64, 'a generated secret: 64 random bytes, base64');
        const screen = await page.locator('.monaco-workbench').innerText();
        assert.ok(!screen.includes(secret.slice(0, 24)), 'the generated secret is never shown');
      }
    });

    it('5. "Deploy to production" from the palette: the Deploy panel shows every cell done', async () => {
      await runPaletteCommand(page, 'Phoenix: Deploy to production');
      const confirm = dialog('Deploy to production?');
      await waitOrError('the deploy\'s confirmation', confirm, 480_000);
      await shot('5a-confirm');
      await press(confirm, 'Deploy');
      await waitOrError('the deploy to succeed', toast(/Deployed .* to production\./), 300_000);
      const panel = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
      const cells = panel.locator('td.cell');
      const states = await until('the panel\'s cells', async () => {
        const all = await cells.evaluateAll((tds) => tds.map((td) => `${td.getAttribute('data-host')} ${td.getAttribute('data-step')} ${td.getAttribute('data-state')}`));
        return all.length > 0 && all;
      }, 30_000);
      assert.deepEqual(states.filter((s) => !/ (done|none)$/.test(s)), [], 'every cell is done (none: a step that does not run on that host)');
      for (const h of hosts) assert.ok(states.filter((s) => s.startsWith(`127.0.0.1:${h.ssh} `) && s.endsWith(' done')).length >= 5, JSON.stringify(states));
      await shot('5b-panel-all-done');
    });

    it('6. "Open Site" opens https://shop.example.test, which the app answers through nginx', async () => {
      // The domain resolves nowhere here: the browser's requests for it go to a host's nginx (HTTPS port, Host and SNI set).
      const served: number[] = [];
      await page.context().route(`https://${DOMAIN}/**`, async (route) => {
        const url = new URL(route.request().url());
        const res = await siteGet(hosts[0], url.pathname + url.search);
        served.push(res.status);
        const { 'transfer-encoding': _t, 'content-length': _l, ...headers } = res.headers;
        await route.fulfill({ status: res.status, body: res.body, headers });
      });
      const popup = page.waitForEvent('popup', { timeout: 30_000 });
      await toast(/Deployed .* to production\./).locator('.monaco-button', { hasText: 'Open Site' }).click();
      const ask = dialog(DOMAIN);
      if (await ask.waitFor({ timeout: 5_000 }).then(() => true, () => false)) await press(ask, 'Open');
      const site = await popup;
      assert.match(site.url(), new RegExp(`^https://${DOMAIN.replace(/\./g, '\\.')}/?$`));
      await site.locator('body', { hasText: 'Peace of mind from prototype to production' }).waitFor({ timeout: 30_000 });
      assert.equal(served[0], 200);
      await shot('6-site', site);
      for (const h of hosts) assert.equal((await siteGet(h)).status, 200, `${h.name} serves the app`);
    });

    it('7. the walkthrough ticked the servers, settings, deploy and site steps', async () => {
      await openWalkthrough();
      const step = (t: string) => page.locator('.getting-started-step', { hasText: new RegExp(`^${t}`) }).first();
      const titles = ['Set up the servers', 'Set the app\'s settings', 'Deploy', 'Open the site'];
      const read = async () => Promise.all(titles.map(async (t) => (await step(t).locator('.codicon.complete').count()) > 0));
      await until('the steps ticked', async () => (await read()).every(Boolean), 15_000).catch(() => undefined);
      await step('Set the app\'s settings').click();
      await shot('7-walkthrough');
      assert.deepEqual(await read(), titles.map(() => true), titles.join(', '));
      assert.match(await step('Set the app\'s settings').innerText(), /Generate|generated/);
    });
  });
}
