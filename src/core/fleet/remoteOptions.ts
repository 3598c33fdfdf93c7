import type { EnvironmentConfig } from '../config/types';
import type { PassphraseProvider } from '../ssh/auth';
import { localIdentity, resolveTargets, type ResolveOptions } from './local';
import type { FleetDeps, RemoteOptions } from './types';

/** Options for talking to an environment's hosts: the agent first, then the identity file. Shared by the CLI and the editor. */
export async function remoteOptionsFor(environment: EnvironmentConfig, projectDir: string, passphrase: PassphraseProvider,
  deps?: Partial<FleetDeps>, resolve: ResolveOptions = {}): Promise<RemoteOptions> {
  return {
    environment,
    targets: await resolveTargets(environment, resolve),
    projectDir,
    identity: await localIdentity(projectDir),
    agentSocket: process.env.SSH_AUTH_SOCK,
    passphrase,
    deps,
  };
}
