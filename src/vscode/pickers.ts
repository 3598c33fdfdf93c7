import * as vscode from 'vscode';
import type { DeployConfig, EnvironmentConfig } from '../core/config/types';

export async function pickEnvironment(config: DeployConfig, placeHolder: string): Promise<EnvironmentConfig | undefined> {
  const envs = Object.values(config.environments);
  if (envs.length === 1) return envs[0];
  const picked = await vscode.window.showQuickPick(
    envs.map((env) => ({ label: env.name, description: `${env.hosts.length} host(s) · ${env.deployTo}`, env })),
    { placeHolder },
  );
  return picked?.env;
}
