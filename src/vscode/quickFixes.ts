import * as vscode from 'vscode';
import * as path from 'node:path';
import { PIN_FILES_PATTERN, toRange, type FindingsStore } from './diagnostics';

/** Quick fixes a finding carries: version mismatches (rewrite one side to match the other), env.sh's `${RELEASE_NODE:-…}`. */
class VersionFixProvider implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];
  constructor(private readonly store: FindingsStore) {}

  provideCodeActions(document: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const root = this.store.root;
    if (!root) return [];
    const file = path.relative(root.fsPath, document.uri.fsPath).split(path.sep).join('/');
    const actions: vscode.CodeAction[] = [];
    for (const diagnostic of context.diagnostics) {
      if (diagnostic.source !== 'phoenix-deploy') continue;
      const finding = this.store.findings.find((f) => f.file === file && f.code === diagnostic.code && toRange(f).isEqual(diagnostic.range));
      for (const fix of finding?.fix ?? []) {
        const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
        action.edit = new vscode.WorkspaceEdit();
        action.edit.replace(vscode.Uri.joinPath(root, fix.file), toRange(fix), fix.newText);
        action.diagnostics = [diagnostic];
        action.isPreferred = fix.preferred === true;
        actions.push(action);
      }
    }
    return actions;
  }
}

export function registerQuickFixes(context: vscode.ExtensionContext, store: FindingsStore): void {
  const selector: vscode.DocumentSelector = [
    { scheme: 'file', pattern: `**/{${PIN_FILES_PATTERN}}` }, { scheme: 'file', pattern: '**/Dockerfile*' },
    { scheme: 'file', pattern: '**/mix.exs' }, { scheme: 'file', pattern: '**/rel/config.exs' }, { scheme: 'file', pattern: '**/config/deploy.yml' },
    { scheme: 'file', pattern: '**/rel/env.sh{,.eex}' },
  ];
  context.subscriptions.push(
    vscode.languages.registerCodeActionsProvider(selector, new VersionFixProvider(store), { providedCodeActionKinds: VersionFixProvider.kinds }),
  );
}
