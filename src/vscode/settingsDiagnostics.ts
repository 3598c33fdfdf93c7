/**
 * The hosts' shared/env against what config/runtime.exs cannot start without, as diagnostics at
 * the `System.get_env("X")` token (the core's settings probe, over SSH: keys only). Checked when
 * runtime.exs is opened or saved in a trusted workspace, or on "Check Hosts' Settings". A quick fix
 * opens "Edit Environment…" for the key. A host that did not answer is a warning at its deploy.yml entry.
 */
import * as vscode from 'vscode';
import type { Commands } from './commands';
import type { SettingFinding } from '../core/check/settingsProbe';
import type { SettingsCheck } from '../core/check/settingsCheck';
import type { Finding } from '../core/findings';
import { loadConfigFile } from '../core/project/loadConfig';
import { toRange } from './diagnostics';
import { editorRemoteOptions } from './remoteOptions';
import type { Secrets } from './secrets';
import type { HostNode } from './serverNodes';
import { projectRoot } from './workspace';

const RUNTIME_FILES = /(^|[\\/])config[\\/](runtime|releases)\.exs$/;
const CODES = new Set(['setting-missing', 'phx-host-mismatch']);

/** The core's settings check over the editor's connections; a host that did not answer is also logged. */
async function checkAll(root: vscode.Uri, secrets: Secrets, log: vscode.LogOutputChannel): Promise<SettingsCheck> {
  const { checkHostSettings } = await import('../core/check/settingsCheck');
  const check = await checkHostSettings(root.fsPath, await loadConfigFile(root.fsPath), (env) => editorRemoteOptions(root, env, secrets));
  for (const f of check.unanswered) log.warn(`settings check: ${f.message}`);
  return check;
}

class SetSettingFix implements vscode.CodeActionProvider {
  constructor(private readonly findings: () => SettingFinding[], private readonly root: () => vscode.Uri | undefined) {}

  async provideCodeActions(document: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): Promise<vscode.CodeAction[]> {
    const root = this.root();
    if (!root) return [];
    const { config } = await loadConfigFile(root.fsPath);
    return context.diagnostics.filter((d) => d.source === 'phoenix-deploy' && CODES.has(String(d.code))).flatMap((d) => {
      const finding = this.findings().find((f) => toRange(f).isEqual(d.range) && f.code === d.code && document.uri.fsPath.endsWith(f.file));
      const env = finding && config?.environments[finding.setting.environment];
      if (!finding || !env) return [];
      const node: HostNode = { kind: 'host', env, key: finding.setting.hosts[0], primary: false };
      const action = new vscode.CodeAction(vscode.l10n.t('Set {0} in shared/env of {1}…', finding.setting.key, env.name), vscode.CodeActionKind.QuickFix);
      action.command = { command: 'phoenixDeploy.editEnvironment', title: action.title, arguments: [node, undefined, finding.setting.key] };
      action.diagnostics = [d];
      action.isPreferred = true;
      return [action];
    });
  }
}

export function registerSettingsDiagnostics(context: vscode.ExtensionContext, commands: Commands, secrets: Secrets, log: vscode.LogOutputChannel): void {
  const collection = vscode.languages.createDiagnosticCollection('phoenix-deploy-settings');
  let findings: SettingFinding[] = [];
  let root: vscode.Uri | undefined;
  const refresh = async (): Promise<number> => {
    if (!vscode.workspace.isTrusted) return 0;
    root = await projectRoot();
    if (!root) return 0;
    const base = root;
    const check = await checkAll(base, secrets, log);
    findings = check.findings;
    collection.clear();
    const byFile = new Map<string, vscode.Diagnostic[]>();
    const shown: Finding[] = [...findings, ...check.unanswered];
    for (const f of shown) {
      const d = new vscode.Diagnostic(toRange(f), f.message, f.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning);
      d.source = 'phoenix-deploy';
      d.code = f.code;
      byFile.set(f.file, [...(byFile.get(f.file) ?? []), d]);
    }
    for (const [file, list] of byFile) collection.set(vscode.Uri.joinPath(base, file), list);
    return findings.length;
  };
  const onRuntimeFile = (doc: vscode.TextDocument) => {
    if (doc.uri.scheme === 'file' && RUNTIME_FILES.test(doc.uri.fsPath)) void refresh();
  };
  context.subscriptions.push(
    collection,
    vscode.workspace.onDidOpenTextDocument(onRuntimeFile),
    vscode.workspace.onDidSaveTextDocument(onRuntimeFile),
    vscode.languages.registerCodeActionsProvider([{ scheme: 'file', pattern: '**/config/{runtime,releases}.exs' }],
      new SetSettingFix(() => findings, () => root), { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] }),
  );
  commands.register('phoenixDeploy.checkSettings', refresh, { progress: vscode.l10n.t('Checking the hosts\' settings') });
}
