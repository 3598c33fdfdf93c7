import * as vscode from 'vscode';
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { PhoenixDeployApi } from '../../src/extension';
import type { EnvResult } from '../../src/core/env';
import type { RpcHostResult } from '../../src/core/node';
import type { EnvironmentUi } from '../../src/vscode/envCommand';
import { bluegreenHostNode } from './bluegreenHost';

/** The harness's `bluegreen` environment: a real systemd + nginx host (container pd11-ext1), set up and deployed once. */
const CONTAINER = 'pd11-ext1';
const DAY_TWO = ['phoenixDeploy.openRemoteConsole', 'phoenixDeploy.tailLogs', 'phoenixDeploy.runExpression', 'phoenixDeploy.editEnvironment'];
const onHost = (script: string) => execFileSync('docker', ['exec', CONTAINER, 'sh', '-c', script], { encoding: 'utf8' }).trim();

/** Answers the prompts of Edit Environment… in order, and records what each was asked with. */
function scriptedUi(answers: Array<string | boolean>, asked: Array<{ kind: string; options: unknown; items?: string[] }>): EnvironmentUi {
  const next = () => answers.shift();
  return {
    async pick(items, options) {
      asked.push({ kind: 'pick', options, items: items.map((i) => `${i.label}|${i.description ?? ''}`) });
      const want = next();
      return items.find((i) => i.label === want || i.label.endsWith(String(want)));
    },
    async input(options) {
      asked.push({ kind: 'input', options });
      return next() as string;
    },
    async confirm(message, detail) {
      asked.push({ kind: 'confirm', options: { message, detail } });
      return next() as boolean;
    },
  };
}

async function waitFor(what: string, ok: () => boolean, seconds = 30): Promise<void> {
  for (let i = 0; i < seconds * 5 && !ok(); i++) await new Promise((r) => setTimeout(r, 200));
  assert.ok(ok(), `timed out waiting for ${what}`);
}

const terminalNamed = (name: string) => vscode.window.terminals.find((t) => t.name === name);

function logFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? logFiles(p) : n.endsWith('.log') ? [p] : [];
  });
}

describe('day-two operations from the Servers view (a real systemd + nginx host)', () => {
  let api: PhoenixDeployApi;

  before(async () => {
    api = await vscode.extensions.getExtension<PhoenixDeployApi>('phoenix-deploy.phoenix-deploy')!.activate();
  });

  const hostNode = () => bluegreenHostNode(api);

  it('a host\'s context menu offers Open Remote Console, Tail Logs, Run Expression… and Edit Environment…, trusted workspaces only', async () => {
    const ext = vscode.extensions.getExtension('phoenix-deploy.phoenix-deploy')!;
    const contributes = ext.packageJSON.contributes;
    const menu = contributes.menus['view/item/context'] as Array<{ command: string; when: string; group: string }>;
    const nls = JSON.parse(readFileSync(join(ext.extensionPath, 'package.nls.json'), 'utf8')) as Record<string, string>;
    const titles = DAY_TWO.map((id) => {
      const title = String(contributes.commands.find((c: { command: string }) => c.command === id)?.title);
      return title.startsWith('%') ? nls[title.slice(1, -1)] : title; // the host may hand out the localized title
    });
    assert.deepEqual(titles, ['Open Remote Console', 'Tail Logs', 'Run Expression…', 'Edit Environment…']);
    for (const id of DAY_TWO) {
      const entry = menu.find((m) => m.command === id);
      assert.equal(entry?.when, 'view == phoenixDeploy.servers && viewItem =~ /^host/', id);
      assert.equal(contributes.commands.find((c: { command: string }) => c.command === id).enablement, 'isWorkspaceTrusted', id);
    }
    const registered = await vscode.commands.getCommands(true);
    assert.deepEqual(DAY_TWO.filter((id) => !registered.includes(id)), []);
    const host = api.servers.getTreeItem(await hostNode());
    assert.match(String(host.contextValue), /^host/, 'the host node carries the context value the menu matches');
  });

  it('Edit Environment…: masked keys, the value typed in a password box, written to the host, never shown in the terminal or the log', async () => {
    const node = await hostNode();
    const secret = `pd15-${Date.now()} "quoted" $HOME`;
    const asked: Array<{ kind: string; options: unknown; items?: string[] }> = [];
    const added = await vscode.commands.executeCommand<EnvResult>('phoenixDeploy.editEnvironment', node,
      scriptedUi(['Add…', 'PD15_EXT_SECRET', secret, 'Apply on the next deploy', true], asked));
    assert.ok(added?.ok, added?.error);
    assert.deepEqual(added.hosts.map((h) => [h.written, h.changes]), [[true, [{ key: 'PD15_EXT_SECRET', action: 'add' }]]]);
    const valueBox = asked.filter((a) => a.kind === 'input')[1].options as vscode.InputBoxOptions;
    assert.equal(valueBox.password, true, 'the value is typed in a password box');
    const confirm = asked.find((a) => a.kind === 'confirm')!.options as { detail: string };
    assert.match(confirm.detail, /add PD15_EXT_SECRET/);
    assert.equal(onHost('stat -c %a /opt/hello_phoenix/shared/env'), '600');
    assert.equal(onHost('su deploy -c \'set -a; . /opt/hello_phoenix/shared/env; printf %s "$PD15_EXT_SECRET"\''), secret);

    // Picked again, it is listed masked; unset removes it.
    asked.length = 0;
    const removed = await vscode.commands.executeCommand<EnvResult>('phoenixDeploy.editEnvironment', node,
      scriptedUi(['PD15_EXT_SECRET', 'Unset', 'Apply on the next deploy', true], asked));
    assert.ok(removed?.ok, removed?.error);
    assert.ok(asked[0].items!.includes('PD15_EXT_SECRET|••••••••'), String(asked[0].items));
    assert.equal(onHost('grep -c PD15_EXT_SECRET /opt/hello_phoenix/shared/env || true'), '0', `${JSON.stringify(removed)}\n${onHost('cat -A /opt/hello_phoenix/shared/env')}`);

    const transcript = api.terminalText('bluegreen');
    assert.match(transcript, /add PD15_EXT_SECRET/);
    assert.ok(!transcript.includes(secret.slice(0, 18)), 'not in the terminal');
    let logs = '';
    for (let i = 0; i < 50 && !logs.includes('PD15_EXT_SECRET'); i++) {
      await new Promise((r) => setTimeout(r, 200));
      logs = logFiles(api.logUri.fsPath).map((f) => readFileSync(f, 'utf8')).join('\n');
    }
    assert.match(logs, /PD15_EXT_SECRET/, 'the output channel was read');
    assert.ok(!logs.includes(secret.slice(0, 18)), 'not in the output channel');
  });

  it('Run Expression… evaluates on the live node and shows what it printed', async () => {
    const result = await vscode.commands.executeCommand<RpcHostResult>('phoenixDeploy.runExpression', await hostNode(), 'IO.puts(HelloPhoenix.version())');
    assert.ok(result?.ok, result?.error);
    assert.equal(result.stdout, '0.1.0\n');
    assert.match(api.terminalText('bluegreen'), /\$ rpc IO\.puts\(HelloPhoenix\.version\(\)\)[\s\S]*0\.1\.0/);
  });

  it('Open Remote Console: IEx on the live node in a terminal; typed keys and Ctrl-C reach IEx; the cookie is never shown', async () => {
    const node = await hostNode();
    const cookie = onHost('cat /opt/hello_phoenix/current/releases/COOKIE');
    assert.ok(cookie.length > 8, 'the release has a cookie to look for');
    const closed = new Promise<vscode.Terminal>((resolve) => {
      const sub = vscode.window.onDidCloseTerminal((t) => { if (t.name === `IEx ${node.key}`) { sub.dispose(); resolve(t); } });
    });
    const pty = await vscode.commands.executeCommand<{ transcript: string; exitCode?: number }>('phoenixDeploy.openRemoteConsole', node);
    const terminal = terminalNamed(`IEx ${node.key}`)!;
    assert.ok(terminal, 'a console terminal was opened');
    await waitFor('the IEx prompt of the live slot\'s node', () => /iex\(hello_phoenix_(blue|green)@[^)]+\)1> /.test(pty.transcript), 60);
    terminal.sendText('Enum.sum([40, 2])', true);
    await waitFor('the answer', () => /\n42\r*\n/.test(pty.transcript));
    terminal.sendText('\x03', false);
    await waitFor('the BREAK menu (Ctrl-C went to IEx, not the editor)', () => /BREAK: \(a\)bort/.test(pty.transcript));
    terminal.sendText('a', true);
    await Promise.race([closed, new Promise((_, reject) => setTimeout(() => reject(new Error(`the terminal did not close:\n${pty.transcript}`)), 30_000))]);
    assert.equal(pty.exitCode, 0);
    assert.ok(!pty.transcript.includes(cookie), 'the cookie is never shown');
    const still = await vscode.commands.executeCommand<RpcHostResult>('phoenixDeploy.runExpression', node, 'IO.puts(:still_running)');
    assert.equal(still?.stdout, 'still_running\n', 'leaving the console left the app running');
  });

  it('Tail Logs follows the host\'s app log in a terminal until it is closed', async () => {
    const before = vscode.window.terminals.length;
    const pty = await vscode.commands.executeCommand<{ transcript: string }>('phoenixDeploy.tailLogs', await hostNode());
    for (let i = 0; i < 150 && !/listening on 127\.0\.0\.1:400[12]/.test(pty.transcript); i++) await new Promise((r) => setTimeout(r, 200));
    assert.match(pty.transcript, /\| \S+ \S+ (blue|green) hello_phoenix 0\.1\.0 \(hello\) listening on 127\.0\.0\.1:400[12]/);
    const marker = `pd15-ext-${Date.now()}`;
    await vscode.commands.executeCommand('phoenixDeploy.runExpression', await hostNode(), `IO.puts(:user, "${marker}")`);
    for (let i = 0; i < 100 && !pty.transcript.includes(marker); i++) await new Promise((r) => setTimeout(r, 200));
    assert.ok(pty.transcript.includes(marker), 'a line written after it started');
    const terminal = terminalNamed(`Logs ${(await hostNode()).key}`)!;
    assert.ok(terminal, 'a log terminal was opened');
    assert.equal(vscode.window.terminals.length, before + 1);
    terminal.dispose();
    for (let i = 0; i < 50 && onHost('pgrep -u deploy journalctl || echo none') !== 'none'; i++) await new Promise((r) => setTimeout(r, 200));
    assert.equal(onHost('pgrep -u deploy journalctl || echo none'), 'none', 'closing the terminal stopped the stream on the host');
  });
});
