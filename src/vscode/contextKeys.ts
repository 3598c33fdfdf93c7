import * as vscode from 'vscode';
import type { Commands } from './commands';
import * as http from 'node:http';
import { PIN_FILES_PATTERN, type FindingsStore } from './diagnostics';
import { PIN_FILE_PATHS } from '../core/versions/project';
import { projectRoot } from './workspace';

const setContext = (key: string, value: unknown) => vscode.commands.executeCommand('setContext', key, value);

/** Asks the engine's /_ping over its socket, without loading dockerode. */
function dockerReachable(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get({ socketPath, path: '/_ping', timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
  });
}

export function dockerSocketPath(): string {
  const configured = vscode.workspace.getConfiguration('phoenixDeploy').get<string>('dockerSocket');
  const fromEnv = process.env.DOCKER_HOST?.startsWith('unix://') ? process.env.DOCKER_HOST.slice('unix://'.length) : undefined;
  return configured || fromEnv || '/var/run/docker.sock';
}

/**
 * Context keys for the welcome views and the walkthrough: hasConfig, versionsPinned,
 * dockerUnreachable. Cheap checks only; nothing here connects to a server.
 */
export function registerContextKeys(context: vscode.ExtensionContext, commands: Commands, findings: FindingsStore): void {
  const update = async () => {
    const root = await projectRoot();
    const exists = async (rel: string) => !!root && (await vscode.workspace.fs.stat(vscode.Uri.joinPath(root, rel)).then(() => true, () => false));
    await setContext('phoenixDeploy.hasConfig', await exists('config/deploy.yml'));
    const pinned = await Promise.all(PIN_FILE_PATHS.map(exists));
    await setContext('phoenixDeploy.versionsPinned', pinned.includes(true));
  };
  const watcher = vscode.workspace.createFileSystemWatcher(`{config/deploy.yml,${PIN_FILES_PATTERN}}`);
  context.subscriptions.push(
    watcher, watcher.onDidCreate(update), watcher.onDidDelete(update),
    findings.changed.event(() => void setContext('phoenixDeploy.versionsAgree', findings.versionProblems().length === 0)),
  );
  commands.register('phoenixDeploy.checkDocker', async () => {
    const ok = await dockerReachable(dockerSocketPath());
    await setContext('phoenixDeploy.dockerUnreachable', !ok);
    return ok;
  });
  void update();
}
