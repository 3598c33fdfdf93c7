import * as vscode from 'vscode';
import type { EnvironmentConfig } from '../core/config/types';
import type { RemoteOptions } from '../core/deploy';
import { resolveBinary } from '../core/tools/binaries';
import { loadConfigFile } from '../core/project/loadConfig';
import { projectAppName } from '../core/project/appName';
import type { Secrets } from './secrets';

/** SSH options for an environment: the agent first, then the identity file with a stored passphrase. */
export async function editorRemoteOptions(root: vscode.Uri, env: EnvironmentConfig, secrets: Secrets): Promise<RemoteOptions> {
  const deploy = await import('../core/deploy');
  const { defaultServices } = await import('../core/deploy/context');
  const passphrase = (file: string) => secrets.passphrase(file);
  const base = defaultServices({ agentSocket: process.env.SSH_AUTH_SOCK, passphrase });
  const rsyncSetting = vscode.workspace.getConfiguration('phoenixDeploy').get<string>('rsyncPath');
  const options = await deploy.remoteOptionsFor(env, root.fsPath, passphrase, {
    // rsync is resolved when the upload starts, so a missing binary fails that step with a clear message.
    upload: async (run, options) => base.upload({ ...run, rsyncBinary: await resolveBinary('rsync', rsyncSetting, 'phoenixDeploy.rsyncPath') }, options),
  });
  const { config } = await loadConfigFile(root.fsPath);
  // The app names a managed host's units and slots.
  return { ...options, app: config ? await projectAppName(root.fsPath, config) : undefined };
}
