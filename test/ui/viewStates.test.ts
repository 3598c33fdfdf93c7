/**
 * What the Phoenix Deploy view tells a new user in each state (issue 25), in the real editor
 * (code-server + Playwright on Debian's Chromium), one workbench going through them in order:
 * no config (the welcome button), an invalid config (the message, whole on hover, opening the
 * line), hosts unreachable for each reason (with Retry), a real systemd host not set up yet
 * ([Set Up Servers…], run from that row), then a deploy: the panel with the terminal, "Open Site"
 * on success and "Show Logs" on a failure. Screenshots: test-results/view-states-*.png.
 *   npx tsc -p . && node scripts/bundle.mjs && flock /tmp/pd-vscode.lock node out/test/support/runLayer.js ui viewStates
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { openWorkbench, runCommand as runPaletteCommand, until, type Workbench } from '../support/browser';
import { REPO_ROOT, RESULTS_DIR, SANDBOX_KEY, SANDBOX_KNOWN_HOSTS } from '../support/paths';
import { createSandboxProject, stopSystemdHost, type SandboxProject } from '../support/sandboxProject';

const MANAGED = { name: 'pd-vsix-sd1', ssh: 2632, http: 8632 };
const REFUSED_PORT = 2639; // nothing listens here until the Retry step starts a host on it
const RETRY_HOST = 'retry1'; // hosts.sh names it pd-vsix-retry1
const HOSTS_SH = path.join(REPO_ROOT, 'scripts', 'testbed', 'hosts.sh');
const prefixed = { ...process.env, HOST_CONTAINER_PREFIX: 'pd-vsix-' };

function config(ssh: { key: string; knownHosts: string; emptyKnownHosts: string; wrongKey: string }, healthPath = '/health'): string {
  const access = (key: string, known: string) => `    ssh: { identity_file: ${key}, known_hosts: ${known} }\n`;
  const unmanaged = '    user: deploy\n    deploy_to: /opt/hello_phoenix\n    restart: sudo sv restart hello_phoenix\n    health: { url: "http://127.0.0.1:4000/health", expect: 200, timeout: 5 }\n';
  return `app: hello_phoenix
repo: origin
branch: main
build:
  dockerfile: Dockerfile
  target: builder
  tool: auto
  mix_env: prod
environments:
  managed:
    user: deploy
    deploy_to: /opt/hello_phoenix
    hosts:
      - { host: 127.0.0.1, port: ${MANAGED.ssh} }
    service: systemd
    strategy: blue_green
    ports: [4001, 4002]
    proxy: { listen: 80, server_name: shop.example.test }
    health: { path: ${healthPath}, expect: 200, timeout: 8 }
    drain_timeout: 1
${access(ssh.key, ssh.knownHosts)}  unreachable:
${unmanaged}    hosts:
      - { host: 127.0.0.1, port: ${REFUSED_PORT} }
      - { host: pd-vsix-nohost.invalid, port: 22 }
${access(ssh.key, ssh.knownHosts)}  hostkey:
${unmanaged}    hosts:
      - { host: 127.0.0.1, port: ${MANAGED.ssh} }
${access(ssh.key, ssh.emptyKnownHosts)}  auth:
${unmanaged}    hosts:
      - { host: 127.0.0.1, port: ${MANAGED.ssh} }
${access(ssh.wrongKey, ssh.knownHosts)}`;
}

describe('the Phoenix Deploy view tells a new user what to do, state by state (Playwright + code-server + real hosts)', function () {
  let project: SandboxProject;
  let workbench: Workbench | undefined;
  let page: Page;
  let scratch = '';
  let ssh: Parameters<typeof config>[0];
  let configFile = '';
  const shot = (name: string) => page.screenshot({ path: path.join(RESULTS_DIR, `view-states-${name}.png`) });
  const view = () => page.locator('.pane', { has: page.locator('.pane-header', { hasText: 'Servers' }) });
  const rows = () => view().locator('.monaco-list-row');
  const row = (text: string | RegExp) => rows().filter({ hasText: text }).first();
  const rowTexts = async () => (await rows().allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());

  const runCommand = (title: string, run = true) => runPaletteCommand(page, title, run);




  async function openWalkthrough() {
    await runCommand('Welcome: Open Walkthrough...');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Deploy a Phoenix app' }).first().click({ timeout: 30_000 });
    await page.locator('.getting-started-step').first().waitFor({ timeout: 30_000 });
  }

  /** A terminal's tab (the tabs list, or the single tab's title when there is one). */
  const terminalTab = (name: string): Locator =>
    page.locator(`[aria-label*="${name}"], .single-terminal-tab:has-text("${name}"), .terminal-tabs-entry:has-text("${name}")`).first();

  /** A notification toast holding `text`, and its buttons. */
  const toast = (text: string | RegExp): Locator => page.locator('.notification-toast', { hasText: text }).first();

  before(async () => {
    await mkdir(RESULTS_DIR, { recursive: true });
    scratch = mkdtempSync(path.join(tmpdir(), 'pd-vsix-views-ssh-'));
    ssh = { key: SANDBOX_KEY, knownHosts: SANDBOX_KNOWN_HOSTS, emptyKnownHosts: path.join(scratch, 'known_hosts'), wrongKey: path.join(scratch, 'id_ed25519') };
    writeFileSync(ssh.emptyKnownHosts, '');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', ssh.wrongKey]);
    project = await createSandboxProject([], 'pd-vsix-views-', 'pd-vsix-');
    execFileSync('bash', [path.join(REPO_ROOT, 'scripts', 'testbed', 'systemd-hosts.sh'), 'start', MANAGED.name, String(MANAGED.ssh), String(MANAGED.http)], { stdio: 'pipe' });
    configFile = path.join(project.dir, 'config', 'deploy.yml');
    unlinkSync(configFile); // a project that has never been configured
    workbench = await openWorkbench(project.dir);
    page = workbench.page;
    await page.locator('.explorer-folders-view .monaco-list-row', { hasText: '.tool-versions' }).waitFor({ timeout: 60_000 });
    // A new user follows the walkthrough: it is open before anything happens (VS Code starts tracking
    // its completion events when it is first shown).
    await openWalkthrough();
    await page.locator('.activitybar .action-item a[aria-label^="Phoenix Deploy"]').click();
  });

  after(async () => {
    await workbench?.close();
    execFileSync('bash', [HOSTS_SH, 'stop', RETRY_HOST], { stdio: 'pipe', env: prefixed });
    stopSystemdHost(MANAGED.name);
    await project?.cleanup();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('1. no config: no rows, so the welcome content with [Create Deploy Config] shows', async () => {
    // Once the extension is active (its status bar item shows), ask the tree again: before that the view is empty anyway.
    await page.locator('.statusbar-item', { hasText: 'production:' }).first().waitFor({ timeout: 60_000 });
    await runCommand('Phoenix: Refresh Servers');
    await page.waitForTimeout(2_000);
    const welcome = view().locator('.welcome-view-content');
    await welcome.filter({ hasText: 'No config/deploy.yml in this workspace yet' }).waitFor({ timeout: 60_000 });
    assert.equal(await welcome.locator('.monaco-button', { hasText: 'Create Deploy Config' }).count(), 1);
    assert.deepEqual(await rowTexts(), []);
    await shot('1-no-config');
  });

  it('2. an invalid config: the readable message, whole on hover, and a click opens the file at its line', async () => {
    const text = config(ssh).replace('    drain_timeout: 1\n', '    drain_timeout: 1\n    keep_releases: five\n');
    writeFileSync(configFile, text);
    const line = text.split('\n').findIndex((l) => l.includes('keep_releases: five')) + 1;
    const problem = row('keep_releases must be an integer');
    await problem.waitFor({ timeout: 60_000 });
    const shown = await rowTexts();
    assert.ok(shown.every((t) => !/deploy\.yml:\d+:/.test(t)), `no raw file:line: rows: ${JSON.stringify(shown)}`);
    assert.match(shown[0], new RegExp(`environments\\.managed\\.keep_releases must be an integer from 2 to 100.*config/deploy\\.yml line ${line}`));
    await problem.hover();
    const hover = page.locator('.monaco-hover, .custom-hover, .workbench-hover').filter({ hasText: 'must be an integer from 2 to 100' }).first();
    await hover.waitFor({ timeout: 10_000 });
    assert.match(await hover.innerText(), new RegExp(`config/deploy\\.yml, line ${line}`));
    await shot('2a-invalid-hover');
    await problem.click();
    await page.locator('.tab.active', { hasText: 'deploy.yml' }).waitFor({ timeout: 20_000 });
    await until('the cursor on the line', async () => (await page.locator('.statusbar').innerText()).includes(`Ln ${line},`), 10_000);
    await shot('2b-invalid-opened');
  });

  it('3. a valid config: managed hosts not set up show [Set Up Servers…]; unreachable hosts say why', async () => {
    writeFileSync(configFile, config(ssh));
    const setUp = row('Set Up Servers…');
    await setUp.waitFor({ timeout: 90_000 });
    assert.match((await setUp.innerText()).replace(/\s+/g, ' '), /1 of 1 host\(s\) not set up yet/);
    const expect = [
      [`127.0.0.1:${REFUSED_PORT}`, 'unreachable: connection refused'],
      ['pd-vsix-nohost.invalid', 'unreachable: DNS'],
    ];
    for (const [host, why] of expect) await row(host).filter({ hasText: why }).waitFor({ timeout: 60_000 });
    // Two rows name the managed host with another environment's SSH settings: find them under their environments.
    const texts = await until('every host loaded', async () => {
      const t = await rowTexts();
      return t.some((x) => x.includes('unreachable: host key')) && t.some((x) => x.includes('unreachable: authentication')) && t;
    }, 60_000);
    assert.ok(texts.some((t) => t.includes(`127.0.0.1:${MANAGED.ssh}`) && t.includes('not set up')), JSON.stringify(texts));
    assert.ok(texts.every((t) => !/deploy\.yml:\d+:/.test(t)), JSON.stringify(texts));
    await shot('3a-states');
    await row(`127.0.0.1:${REFUSED_PORT}`).click();
    const why = row('the connection was refused');
    await why.waitFor({ timeout: 10_000 });
    await row(/^Retry/).waitFor();
    await why.hover(); // the whole message, as the connection failed with it
    await page.locator('.monaco-hover, .workbench-hover').filter({ hasText: 'ECONNREFUSED' }).first().waitFor({ timeout: 10_000 });
    await shot('3b-refused-why');
  });

  it('4. Retry reaches a host that now answers', async () => {
    execFileSync('bash', [HOSTS_SH, 'start', RETRY_HOST, String(REFUSED_PORT)], { stdio: 'pipe', env: prefixed });
    await row(/^Retry/).click();
    await until('the host to be reachable', async () => {
      const t = (await row(`127.0.0.1:${REFUSED_PORT}`).innerText()).replace(/\s+/g, ' ');
      return !t.includes('unreachable') && t.includes('Debian');
    }, 60_000);
    await shot('4-retried');
  });

  it('5. [Set Up Servers…] sets the host up, and the row goes away', async () => {
    await row('Set Up Servers…').click();
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ timeout: 20_000 });
    await input.fill('admin');
    await page.keyboard.press('Enter');
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ timeout: 120_000 });
    assert.match(await dialog.innerText(), /Set up managed\?/);
    await dialog.locator('.monaco-button', { hasText: /^Set Up$/ }).click();
    await toast('managed is set up.').waitFor({ timeout: 120_000 });
    await until('the Set Up row to go', async () => (await rows().filter({ hasText: 'Set Up Servers…' }).count()) === 0, 30_000);
    assert.ok((await rowTexts()).every((t) => !t.includes('not set up')));
    await shot('5-set-up');
  });

  it('6. a deploy opens the Deploy panel with the terminal and offers "Open Site" when it succeeds', async () => {
    await runCommand('Phoenix: Deploy to Environment…');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'managed' }).first().click({ timeout: 30_000 });
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ timeout: 240_000 });
    await dialog.locator('.monaco-button', { hasText: /^Deploy$/ }).click();
    await page.locator('iframe.webview.ready').first().waitFor({ timeout: 30_000 });
    await terminalTab('Phoenix: managed').waitFor({ timeout: 10_000 });
    const done = toast(/Deployed .* to managed\./);
    await done.waitFor({ timeout: 180_000 });
    await shot('6a-deployed');
    // The site's name resolves nowhere here: answer for it inside the browser.
    await page.context().route('https://shop.example.test/**', (route) => route.fulfill({ status: 200, body: 'the site' }));
    const popup = page.waitForEvent('popup', { timeout: 20_000 });
    await done.locator('.monaco-button', { hasText: 'Open Site' }).click();
    // VS Code asks before opening a site that is not a trusted domain.
    const ask = page.locator('.monaco-dialog-box', { hasText: 'shop.example.test' });
    if (await ask.waitFor({ timeout: 5_000 }).then(() => true, () => false)) await ask.locator('.monaco-button', { hasText: /^Open$/ }).click();
    assert.match((await popup).url(), /^https:\/\/shop\.example\.test\/?$/);
    await shot('6b-open-site');
  });

  it('7. a failed deploy\'s notification has "Show Logs", which opens that host\'s log', async () => {
    writeFileSync(configFile, config(ssh, '/no-such-route'));
    await runCommand('Phoenix: Deploy to Environment…');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'managed' }).first().click({ timeout: 30_000 });
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ timeout: 240_000 });
    await dialog.locator('.monaco-button', { hasText: /^Deploy$/ }).click();
    // The error notification (the progress one, "Deploy … to managed: 9/14 …", has no error icon).
    const failed = page.locator('.notification-toast', { has: page.locator('.codicon-error'), hasText: /Deploy .* to managed:/ }).first();
    await failed.waitFor({ timeout: 180_000 });
    await shot('7a-failed');
    await failed.locator('.monaco-button', { hasText: 'Show Logs' }).click();
    await terminalTab(`Logs 127.0.0.1:${MANAGED.ssh}`).waitFor({ timeout: 20_000 });
    // The host's journal for the app's slots: the health check's 404 request is in it.
    const log = await until('the host\'s log lines', async () => {
      const text = await page.locator('.xterm-accessibility-tree >> visible=true').first().innerText();
      return /hello_phoenix/.test(text) && !text.includes('create /opt/hello_phoenix') && text;
    }, 30_000);
    console.log(`      log: ${log.split('\n').filter((l) => l.trim()).slice(-3).join(' | ')}`);
    await shot('7b-logs');
  });

  it('8. the walkthrough has ticked the steps whose events happened (and only those)', async () => {
    await openWalkthrough();
    // Each step's text starts with its title ("Deploy" must not match "Create the deploy config").
    const step = (title: string) => page.locator('.getting-started-step', { hasText: new RegExp(`^${title}`) }).first();
    // A done step's checkbox codicon has the class `complete` (and its button aria-checked="true").
    const complete = async (title: string) => (await step(title).locator('.codicon.complete').count()) > 0;
    const titles = ['Set up the servers', 'Set the app\'s settings', 'Deploy', 'Open the site'];
    const expected = { 'Set up the servers': true, 'Set the app\'s settings': false, Deploy: true, 'Open the site': true };
    const read = async () => Object.fromEntries(await Promise.all(titles.map(async (t) => [t, await complete(t)] as const)));
    // The page draws the steps, then their checkboxes.
    await until('the steps to show their state', async () => JSON.stringify(await read()) === JSON.stringify(expected), 15_000).catch(() => undefined);
    await shot('8-walkthrough');
    // Settings were never written to the hosts in this test: that step stays open. Not asserted: the
    // pin step (its key was already true when the walkthrough was first shown, and VS Code does not
    // tick such a step in that session) and the config step (ticked in some runs only: the file
    // appears early, racing VS Code's registration of the walkthrough); logged instead.
    console.log(`      config step ticked: ${await complete('Create the deploy config')}, pin step ticked: ${await complete('Pin Erlang and Elixir')}`);
    assert.deepEqual(await read(), expected);
  });
});
