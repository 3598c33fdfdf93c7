/** The user's contract: config/deploy.yml, after defaults are applied. */
export type BuildTool = 'auto' | 'mix' | 'distillery';

/**
 * A host as deploy.yml lists it. `port` and `user` are set only when deploy.yml writes them, so
 * ~/.ssh/config's Port and User can apply otherwise (see ssh/target.ts for the precedence).
 */
export interface HostConfig {
  /** An Ansible inventory's name for the host (its `port` and `user` were written there): shown, and the key in results. */
  name?: string;
  /** A host name, an IP address or an ssh config alias. */
  host: string;
  /** Written as `host:port` or `port:`; undefined: ssh config's Port, else 22. */
  port?: number;
  /** Written for this host or for its environment; undefined: ssh config's User, else `deploy`. */
  user?: string;
  /** Where `user` was written: deploy.yml's host or environment, or the Ansible inventory. */
  userFrom?: 'host' | 'environment' | 'inventory';
  primary: boolean;
}

export interface HealthConfig {
  /** Polled as is (restart strategy). */
  url?: string;
  /** Polled on the app's own port on the host, e.g. `/health`: for blue/green, each slot's port. */
  path?: string;
  expect: number;
  /** Seconds. */
  timeout: number;
}

export interface SshConfig {
  identityFile?: string;
  knownHosts?: string;
  /** The OpenSSH client config hosts are resolved with (`ssh -G -F`); `none` reads none. Default: OpenSSH's own (~/.ssh/config, /etc/ssh/ssh_config). */
  configFile?: string;
}

/** `restart` (default): restart in place, with a gap. `blue_green`: two slots behind nginx, no gap. */
export type DeployStrategy = 'restart' | 'blue_green';

/** `tls: { certificate, key }`: files the user obtained and renews. */
export interface TlsFilesConfig {
  auto?: undefined;
  /** Absolute paths on the host, e.g. /etc/letsencrypt/live/<name>/fullchain.pem and privkey.pem. */
  certificate: string;
  key: string;
  /** HTTPS port (default 443); `proxy.listen` then only redirects to it. */
  listen: number;
}

/** Let's Encrypt's production directory: the default CA of `tls: auto`. */
export const LETS_ENCRYPT_DIRECTORY = 'https://acme-v02.api.letsencrypt.org/directory';

/** `tls: auto` / `tls: { auto: true, email, directory }`: setup obtains the certificate with certbot (HTTP-01). */
export interface TlsAutoConfig {
  auto: true;
  /** The ACME account's contact; absent: registered without one. */
  email?: string;
  /** The ACME directory URL (default Let's Encrypt production). */
  directory: string;
  listen: number;
}

export type TlsConfig = TlsFilesConfig | TlsAutoConfig;

/** The nginx site `setup` writes on each host, proxying to the live slot. */
export interface ProxyConfig {
  listen: number;
  /** nginx `server_name`: one or more names separated by spaces, or `_`. */
  serverName: string;
  tls?: TlsConfig;
}

/** A `shared_paths` entry: `priv/…` is under the app's priv dir (lib/<app>-<vsn>/priv), anything else under the release root. */
export interface SharedPath {
  path: string;
  /** Its line in deploy.yml, for errors found on a host at deploy time. */
  line?: number;
}

/** Where a hook runs around the named deploy steps. */
export type HookPosition = 'before_deploy' | 'after_prepare' | 'after_switch' | 'after_deploy' | 'after_failure';

/** One hook command: argv (split like `restart`), run locally in the project or on every host in the new release. */
export interface HookCommand {
  where: 'local' | 'remote';
  argv: string[];
}

export type HooksConfig = Partial<Record<HookPosition, HookCommand[]>>;

/** How to read the app's log on a host the tool does not manage (argv, split like `restart`). */
export interface LogsConfig {
  /** Prints the log and exits; `logs --lines N` keeps the last N lines of what it printed. */
  command: string[];
  /** Prints and keeps following (e.g. `tail -F`), for `logs --follow`. */
  follow?: string[];
}

/** Rolling deploys: `rollout: { canary, batch, pause }`. */
export interface RolloutConfig {
  /** Hosts of the first batch (0: none), primary first; they switch, restart and pass health before any other. */
  canary: number;
  /** Hosts per later batch: a count, or a percentage of all hosts (rounded down, at least 1). Absent: all the rest at once. */
  batch?: { count: number } | { percent: number };
  /** Seconds between batches. */
  pause: number;
}

/** `hosts: { inventory, group }`: the hosts come from an Ansible inventory (`ansible-inventory --list`). */
export interface InventorySource {
  /** As written in deploy.yml: relative to the project directory, or absolute. */
  file: string;
  group: string;
}

export interface EnvironmentConfig {
  name: string;
  /** Written in deploy.yml; undefined lets ssh config's User apply (default `deploy`). */
  user?: string;
  deployTo: string;
  os?: string;
  /** From deploy.yml, or read from `inventory` when the config is loaded (empty until then). */
  hosts: HostConfig[];
  inventory?: InventorySource;
  /** Absent: every host switches and restarts at once. */
  rollout?: RolloutConfig;
  /** argv run inside the new release on the primary host; undefined = no migration. */
  migrate?: string[];
  /** argv that restarts the app on each host; optional with `service: systemd` (the tool's unit is restarted). */
  restart?: string[];
  /** `systemd`: `setup` installs and the deploy drives the app's units. Absent: a host the user manages. */
  service?: 'systemd';
  /** Default `restart`. */
  strategy?: DeployStrategy;
  /** The app's PORT: two (blue, green) for blue_green, one for restart. Default [4001, 4002] or [4000]. */
  ports?: number[];
  proxy?: ProxyConfig;
  /** Directories every release links to under shared/ (`priv/…`: the app's priv dir), in deploy.yml order. */
  sharedPaths?: SharedPath[];
  /** Seconds the old slot keeps serving in-flight requests after the switch (default 30). */
  drainTimeout?: number;
  /** Seconds the restart command may take; past it, it counts as a failed health check (default 120). */
  restartTimeout?: number;
  health?: HealthConfig;
  /** Commands run before/after the named steps of a deploy. */
  hooks?: HooksConfig;
  /** Hosts the tool does not manage: how `logs` reads the app's log (managed hosts use journald). */
  logs?: LogsConfig;
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
