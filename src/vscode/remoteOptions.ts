import * as vscode from 'vscode';
import type { EnvironmentConfig } from '../core/config/types';
import type { RemoteOptions } from '../core/fleet/types';
import type { ResolvedTarget } from '../core/ssh/target';
import { resolveBinary } from '../core/tools/binaries';
import { loadConfigFile } from '../core/project/loadConfig';
import type { Secrets } from './secrets';

/** The OpenSSH client the editor uses (phoenixDeploy.sshPath): for `ssh -G` and the SSH terminal. */
export function editorSshBinary(): Promise<string> {
  return resolveBinary('ssh', vscode.workspace.getConfiguration('phoenixDeploy').get<string>('sshPath'), 'phoenixDeploy.sshPath');
}

/** An environment's hosts as OpenSSH resolves them, with the configured ssh binary. */
export async function editorTargets(env: EnvironmentConfig): Promise<ResolvedTarget[]> {
  const { resolveTargets } = await import('../core/fleet/local');
  return resolveTargets(env, { sshBinary: await editorSshBinary() });
}

/** SSH options for an environment: the agent first, then the identity files with a stored passphrase. */
export async function editorRemoteOptions(root: vscode.Uri, env: EnvironmentConfig, secrets: Secrets): Promise<RemoteOptions> {
  const { defaultDeps } = await import('../core/fleet/local');
  const { environmentOptions } = await import('../core/usecases/environmentAccess');
  const passphrase = (file: string) => secrets.passphrase(file);
  const base = defaultDeps({ agentSocket: process.env.SSH_AUTH_SOCK, passphrase });
  const rsyncSetting = vscode.workspace.getConfiguration('phoenixDeploy').get<string>('rsyncPath');
  const { config } = await loadConfigFile(root.fsPath);
  return environmentOptions(root.fsPath, {
    config, environment: env, passphrase,
    // rsync is resolved when the upload starts, so a missing binary fails that step with a clear message.
    deps: { upload: async (run, options) => base.upload({ ...run, rsyncBinary: await resolveBinary('rsync', rsyncSetting, 'phoenixDeploy.rsyncPath') }, options) },
    resolve: { sshBinary: await editorSshBinary() },
  });
}

/** What a command on a host node of the Servers view talks to: the environment's options, and that host. */
export async function editorHostOptions(root: vscode.Uri, env: EnvironmentConfig, key: string, secrets: Secrets): Promise<{ options: RemoteOptions; target: ResolvedTarget }> {
  const options = await editorRemoteOptions(root, env, secrets);
  const target = options.targets.find((t) => t.key === key);
  if (!target) throw new Error(vscode.l10n.t('{0} is not a host of {1} any more; refresh the Servers view', key, env.name));
  return { options, target };
}
