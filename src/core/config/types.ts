/** The user's contract: config/deploy.yml, after defaults are applied. */
export type BuildTool = 'auto' | 'mix' | 'distillery';

export interface HostConfig {
  host: string;
  port: number;
  user: string;
  primary: boolean;
}

export interface HealthConfig {
  url: string;
  expect: number;
  /** Seconds. */
  timeout: number;
}

export interface SshConfig {
  identityFile?: string;
  knownHosts?: string;
}

export interface EnvironmentConfig {
  name: string;
  user: string;
  deployTo: string;
  os?: string;
  hosts: HostConfig[];
  /** argv run inside the new release on the primary host; undefined = no migration. */
  migrate?: string[];
  /** argv that restarts the app on each host. */
  restart: string[];
  /** Seconds the restart command may take; past it, it counts as a failed health check (default 120). */
  restartTimeout?: number;
  health?: HealthConfig;
  keepReleases: number;
  ssh: SshConfig;
}

export interface BuildConfig {
  dockerfile: string;
  target?: string;
  tool: BuildTool;
  mixEnv: string;
  /** Docker network for the release build; undefined = none. */
  network?: string;
}

export interface DeployConfig {
  /** Undefined when the file leaves it to mix.exs. */
  app?: string;
  repo: string;
  branch: string;
  build: BuildConfig;
  environments: Record<string, EnvironmentConfig>;
}

export const CONFIG_PATH = 'config/deploy.yml';
