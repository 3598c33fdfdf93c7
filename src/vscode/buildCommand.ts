import * as vscode from 'vscode';
import { requireConfig } from '../core/project/loadConfig';
import type { Manifest } from '../core/releaseBuild';
import { runJob, type JobServices } from './jobs';
import { projectRoot } from './workspace';
import type { Commands } from './commands';
import { dockerSocketPath } from './contextKeys';

/** Builds the release of the central branch in a container; compile errors go to the Problems panel. */
export async function buildRelease(services: JobServices, problems: vscode.DiagnosticCollection, terminalKey = 'build', force = false): Promise<Manifest | undefined> {
  const root = await projectRoot();
  if (!root) return undefined;
  const config = await requireConfig(root.fsPath);
  const build = await import('../core/releaseBuild');
  const { connectDocker } = await import('../core/docker/client');
  let output = '';
  problems.clear();
  const retry = () => void buildRelease(services, problems, terminalKey, force);
  const manifest = await runJob(services, terminalKey, vscode.l10n.t('Build release'), ({ emit, signal }) =>
    build.runBuild({ projectDir: root.fsPath, config, force, connect: () => connectDocker({ socketPath: dockerSocketPath() }) }, (event) => {
      if (event.type === 'output') output += event.text;
      emit(event);
    }, signal), { retry });
  if (manifest) void vscode.commands.executeCommand('setContext', 'phoenixDeploy.built', true);
  if (!manifest) publishCompileProblems(root, problems, build.parseCompileDiagnostics(output, { containerDir: '/app', projectDir: '' }));
  return manifest;
}

function publishCompileProblems(root: vscode.Uri, problems: vscode.DiagnosticCollection, found: ReturnType<typeof import('../core/releaseBuild').parseCompileDiagnostics>) {
  const byFile = new Map<string, vscode.Diagnostic[]>();
  for (const d of found) {
    const line = Math.max(d.line - 1, 0);
    const col = Math.max((d.column ?? 1) - 1, 0);
    const diagnostic = new vscode.Diagnostic(new vscode.Range(line, col, line, Number.MAX_SAFE_INTEGER), d.message,
      d.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning);
    diagnostic.source = 'mix compile (build container)';
    byFile.set(d.file, [...(byFile.get(d.file) ?? []), diagnostic]);
  }
  for (const [file, list] of byFile) problems.set(vscode.Uri.joinPath(root, file), list);
}

export function registerBuildCommand(commands: Commands, services: JobServices, problems: vscode.DiagnosticCollection): void {
  const building = { needsTrust: vscode.l10n.t('Building') };
  commands.register('phoenixDeploy.buildRelease', () => buildRelease(services, problems), building);
  // Rebuilds even if the commit's release is stored (the CLI's --force).
  commands.register('phoenixDeploy.buildRelease.force', () => buildRelease(services, problems, 'build', true), building);
}
