import * as vscode from 'vscode';
import type { Commands } from './commands';
import * as path from 'node:path';
import { checkWorkspace } from '../core/check/workspace';
import type { CheckFinding } from '../core/versions/check';
import type { SourceRange } from '../core/findings';
import { PIN_FILE_PATHS } from '../core/versions/project';
import { projectRoot } from './workspace';

/** `.tool-versions` and the mise files, comma-separated for a glob's `{…}`. */
export const PIN_FILES_PATTERN = PIN_FILE_PATHS.join(',');
const WATCHED = `{${PIN_FILES_PATTERN},**/Dockerfile*,mix.exs,rel/config.exs,config/deploy.yml,config/runtime.exs,config/releases.exs,rel/env.sh.eex,rel/env.sh,rel/overlays/bin/server}`;
const SEVERITY: Record<CheckFinding['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

export function toRange(r: SourceRange): vscode.Range {
  return new vscode.Range(r.line - 1, r.column - 1, r.endLine - 1, Math.max(r.endColumn - 1, 0));
}

const VERSION_CODES = new Set(['erlang-mismatch', 'elixir-mismatch', 'elixir-otp-mismatch', 'os-mismatch', 'erts-not-included']);

/** The latest findings, shared by the diagnostics, the quick fixes, the status bar and the walkthrough. */
export class FindingsStore {
  root?: vscode.Uri;
  findings: CheckFinding[] = [];
  readonly changed = new vscode.EventEmitter<void>();

  /** Where the pinned versions (.tool-versions, mise), the Dockerfile and mix.exs disagree on versions or OS. */
  versionProblems(): CheckFinding[] {
    return this.findings.filter((f) => VERSION_CODES.has(f.code));
  }
}

function toDiagnostic(root: vscode.Uri, f: CheckFinding): vscode.Diagnostic {
  const d = new vscode.Diagnostic(toRange(f), f.message, SEVERITY[f.severity]);
  d.source = 'phoenix-deploy';
  d.code = f.code;
  d.relatedInformation = f.related?.map(
    (r) => new vscode.DiagnosticRelatedInformation(new vscode.Location(vscode.Uri.joinPath(root, r.file), toRange(r)), r.message),
  );
  return d;
}

/** Unsaved editor buffers under the project, so diagnostics follow typing. */
function unsavedBuffers(root: vscode.Uri): Map<string, string> {
  const buffers = new Map<string, string>();
  for (const doc of vscode.workspace.textDocuments) {
    if (!doc.isDirty || doc.uri.scheme !== 'file') continue;
    buffers.set(path.relative(root.fsPath, doc.uri.fsPath).split(path.sep).join('/'), doc.getText());
  }
  return buffers;
}

/** Keeps diagnostics for the project's version files current: on open, edit (debounced) and file change (saves included). */
export function registerDiagnostics(context: vscode.ExtensionContext, commands: Commands, store: FindingsStore): void {
  const collection = vscode.languages.createDiagnosticCollection('phoenix-deploy');
  let timer: NodeJS.Timeout | undefined;
  let generation = 0;

  const refresh = async () => {
    const root = await projectRoot();
    if (!root) return;
    const mine = ++generation;
    // An inventory is read by running ansible-inventory on it: only in a trusted workspace.
    const findings = await checkWorkspace(root.fsPath, { buffers: unsavedBuffers(root), inventories: vscode.workspace.isTrusted });
    if (mine !== generation) return; // a newer run superseded this one
    const byFile = new Map<string, vscode.Diagnostic[]>();
    for (const f of findings) byFile.set(f.file, [...(byFile.get(f.file) ?? []), toDiagnostic(root, f)]);
    collection.clear();
    for (const [file, diagnostics] of byFile) collection.set(vscode.Uri.file(path.join(root.fsPath, file)), diagnostics);
    store.root = root;
    store.findings = findings;
    store.changed.fire();
  };
  const schedule = (delay: number) => {
    clearTimeout(timer);
    timer = setTimeout(() => void refresh(), delay);
  };

  const watcher = vscode.workspace.createFileSystemWatcher(WATCHED);
  const isProjectFile = (doc: vscode.TextDocument) => doc.uri.scheme === 'file' && (
    /(Dockerfile[^/]*|mix\.exs|config\.exs|deploy\.yml|runtime\.exs|releases\.exs|env\.sh(\.eex)?)$/.test(doc.uri.fsPath)
    || PIN_FILE_PATHS.some((pinFile) => doc.uri.fsPath.split(path.sep).join('/').endsWith(`/${pinFile}`)));
  context.subscriptions.push(
    collection,
    watcher,
    store.changed,
    watcher.onDidChange(() => schedule(100)),
    watcher.onDidCreate(() => schedule(100)),
    watcher.onDidDelete(() => schedule(100)),
    vscode.workspace.onDidChangeTextDocument((e) => isProjectFile(e.document) && e.contentChanges.length > 0 && schedule(250)),
    vscode.workspace.onDidCloseTextDocument((doc) => isProjectFile(doc) && schedule(50)),
    { dispose: () => clearTimeout(timer) },
  );
  commands.register('phoenixDeploy.checkVersions', async () => {
    await refresh();
    await vscode.commands.executeCommand('workbench.actions.view.problems');
    return store.findings.length;
  });
  schedule(0);
}
