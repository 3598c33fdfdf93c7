import * as vscode from 'vscode';
import type { Commands } from './commands';
import { checkInitInput, readInitFacts, renderInit, type InitFacts } from '../core/scaffold/init';
import { dockerfileTemplate } from '../core/scaffold/templates';
import { projectRoot } from './workspace';

/** Hosts as typed in one box: separated by spaces or commas. */
const splitHosts = (text: string) => text.split(/[\s,]+/).filter((h) => h !== '');

/** The input boxes of the flow; the extension tests script them, everyone else gets VS Code's. */
export interface CreateConfigUi {
  input(options: vscode.InputBoxOptions): Promise<string | undefined>;
}

const vscodeUi: CreateConfigUi = { input: (options) => Promise.resolve(vscode.window.showInputBox(options)) };

/** The same three questions as `phoenix-deploy init`: environment, hosts, domain. Undefined: the user cancelled. */
async function askInitInputs(facts: InitFacts, ui: CreateConfigUi): Promise<{ env: string; hosts: string[]; domain?: string } | undefined> {
  const title = vscode.l10n.t('Create Deploy Config');
  const env = await ui.input({
    title: `${title} (1/3)`, prompt: vscode.l10n.t('Environment name'), value: 'production', ignoreFocusOut: true,
    validateInput: (v) => checkInitInput('env', v.trim()),
  });
  if (env === undefined) return undefined;
  const hosts = await ui.input({
    title: `${title} (2/3)`, prompt: vscode.l10n.t('Hosts: host or host:port, separated by spaces (the first is the primary)'),
    placeHolder: 'app1.example.com app2.example.com:2222', ignoreFocusOut: true,
    validateInput: (v) => splitHosts(v).map((h) => checkInitInput('host', h)).find((p) => p !== undefined),
  });
  if (hosts === undefined) return undefined;
  const domain = await ui.input({
    title: `${title} (3/3)`, prompt: vscode.l10n.t('Domain the app is served on (nginx server_name, PHX_HOST)'),
    placeHolder: `${(facts.app ?? 'my_app').replace(/_/g, '-')}.example.com`, ignoreFocusOut: true,
    validateInput: (v) => (v.trim() === '' ? undefined : checkInitInput('domain', v.trim())),
  });
  if (domain === undefined) return undefined;
  return { env: env.trim(), hosts: splitHosts(hosts), ...(domain.trim() ? { domain: domain.trim() } : {}) };
}

/** Asks what `init` asks, writes config/deploy.yml from the core's text (never over an existing one), then shows what is left. */
async function createDeployConfig(ui: CreateConfigUi = vscodeUi): Promise<vscode.Uri | undefined> {
  const root = await projectRoot();
  if (!root) {
    void vscode.window.showErrorMessage(vscode.l10n.t('Open the Phoenix project folder first.'));
    return undefined;
  }
  let facts = await readInitFacts(root.fsPath);
  const target = vscode.Uri.joinPath(root, 'config', 'deploy.yml');
  if (facts.hasConfig) {
    await vscode.window.showTextDocument(target);
    void vscode.window.showInformationMessage(vscode.l10n.t('config/deploy.yml already exists.'));
    return target;
  }
  if (facts.missing.some((m) => m.startsWith('no Dockerfile'))) {
    const write = vscode.l10n.t('Write Dockerfile');
    const answer = await vscode.window.showInformationMessage(
      vscode.l10n.t('This project has no Dockerfile. Write one in the phx.gen.release shape, pinned to .tool-versions?'), write, vscode.l10n.t('Not now'));
    if (answer === write) {
      await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(root, 'Dockerfile'), Buffer.from(dockerfileTemplate(facts)));
      facts = await readInitFacts(root.fsPath);
    }
  }
  const inputs = await askInitInputs(facts, ui);
  if (!inputs) return undefined;
  const result = renderInit(facts, inputs);
  await vscode.workspace.fs.writeFile(target, Buffer.from(result.text));
  await vscode.window.showTextDocument(target);
  await vscode.commands.executeCommand('setContext', 'phoenixDeploy.hasConfig', true);
  if (result.warnings.length > 0) void vscode.window.showWarningMessage(result.warnings.join(' · '));
  void vscode.window.showInformationMessage(vscode.l10n.t('Next, in order: {0}', result.nextSteps.map((s, i) => `${i + 1}. ${s.replace(/\s+#.*$/, '')}`).join('  ')));
  return target;
}

export function registerCreateConfig(commands: Commands): void {
  commands.register('phoenixDeploy.createConfig', (ui?: CreateConfigUi) => createDeployConfig(ui ?? vscodeUi));
}
