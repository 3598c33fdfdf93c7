import * as vscode from 'vscode';
import type { EnvironmentConfig } from '../core/config/types';
import type { RemoteOptions } from '../core/deploy';
import type { Secrets } from './secrets';

/** SSH options for an environment: the agent first, then the identity file with a stored passphrase. */
export async function remoteOptionsFor(root: vscode.Uri, env: EnvironmentConfig, secrets: Secrets): Promise<RemoteOptions> {
  const deploy = await import('../core/deploy');
  return {
    environment: env,
    targets: deploy.resolveTargets(env),
    identity: await deploy.localIdentity(root.fsPath),
    agentSocket: process.env.SSH_AUTH_SOCK,
    passphrase: (file) => secrets.passphrase(file),
  };
}
