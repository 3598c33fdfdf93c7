/** How both adapters reach an environment's hosts: the project's config, the environment, SSH options and the app's name. */
import type { DeployConfig, EnvironmentConfig } from '../config/types';
import type { FleetDeps, RemoteOptions } from '../fleet/types';
import { remoteOptionsFor } from '../fleet/remoteOptions';
import type { ResolveOptions } from '../fleet/local';
import { projectAppName } from '../project/appName';
import { requireConfig, requireEnvironment } from '../project/loadConfig';
import type { PassphraseProvider } from '../ssh/auth';

export interface EnvironmentAccess {
  /** The project's config when it loads (the app's name comes from it). */
  config?: DeployConfig;
  environment: EnvironmentConfig;
  passphrase: PassphraseProvider;
  /** What the adapter runs differently (e.g. the editor's rsync binary). */
  deps?: Partial<FleetDeps>;
  resolve?: ResolveOptions;
}

/** SSH options for an environment's hosts (the agent first, then identity files), with the app that names a managed host's units. */
export async function environmentOptions(projectDir: string, access: EnvironmentAccess): Promise<RemoteOptions> {
  const options = await remoteOptionsFor(access.environment, projectDir, access.passphrase, access.deps, access.resolve);
  return { ...options, app: access.config ? await projectAppName(projectDir, access.config) : undefined };
}

/** The project's config and one of its environments; a missing file or name is a UserError naming it. */
export async function loadEnvironment(projectDir: string, name: string): Promise<{ config: DeployConfig; environment: EnvironmentConfig }> {
  const config = await requireConfig(projectDir);
  return { config, environment: requireEnvironment(config, name) };
}
