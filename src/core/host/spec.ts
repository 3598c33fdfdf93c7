/**
 * A host the tool manages (`service: systemd`), named once: the units, the slot files, the nginx
 * files, and the exact privileged commands a deploy runs. The renderers, the sudoers drop-in and
 * the deploy steps all read these names from here, so the rule and the command can never drift.
 */
import { DEFAULT_DRAIN_TIMEOUT, DEFAULT_PORTS } from '../config/service';
import type { DeployStrategy, EnvironmentConfig, ProxyConfig, SharedPath } from '../config/types';
import { acmePaths, hostTls, type HostTls } from './acme';
import { remotePaths, type RemotePaths } from '../remote/paths';
import type { ReleaseRuntime } from '../runtime/spec';
import { DEFAULT_USER } from '../ssh/target';

export type SlotName = 'blue' | 'green';
export const SLOT_NAMES: readonly SlotName[] = ['blue', 'green'];

export interface Slot {
  name: SlotName;
  port: number;
  /** systemd instance, e.g. `my_app@blue.service`. */
  unit: string;
  /** RELEASE_NODE: two BEAMs with one node name on a host refuse to start. */
  node: string;
  /** RELEASE_TMP, per slot for the same reason; also Distillery's RELEASE_MUTABLE_DIR (logs, generated vm.args). */
  tmp: string;
  /** `<deploy_to>/slots/<name>`: a symlink to the release this slot runs. */
  link: string;
  /** Root-owned env file loaded after shared/env, so its PORT wins. */
  envFile: string;
  /** The upstream file naming this slot's port; copied over the live upstream to switch. */
  upstreamFile: string;
}

/** Debian/Ubuntu paths (merged /usr); setup checks they exist before it writes anything. */
export const SYSTEMCTL = '/usr/bin/systemctl';
export const NGINX = '/usr/sbin/nginx';
export const CP = '/usr/bin/cp';

export interface ManagedHost {
  app: string;
  environment: string;
  user: string;
  paths: RemotePaths;
  strategy: DeployStrategy;
  /** The unit file: `<app>@.service` (blue/green template) or `<app>.service`. */
  unitFile: string;
  /** The script the units run: `bin/<app> start`, or `foreground` for a Distillery release (host/launch.ts). */
  launcher: string;
  /** The units a deploy drives: the two slot instances, or the one service. */
  slots: Slot[];
  /** blue/green: the unit that runs epmd outside both slots, so stopping one never unregisters the other's node. */
  epmdUnit?: string;
  /** The restart strategy's unit, e.g. `my_app.service`. */
  serviceUnit?: string;
  serviceEnvFile?: string;
  /** The restart strategy's PORT. */
  servicePort?: number;
  /** The restart strategy's RELEASE_MUTABLE_DIR: Distillery's state outside the release. */
  serviceMutableDir?: string;
  configDir: string;
  sudoersFile: string;
  drainTimeout: number;
  /** `shared_paths`, each a directory under `paths.shared`. */
  sharedPaths: SharedPath[];
  /** `<deploy_to>/static`: links 0… to the priv/static of kept releases with a cache_manifest.json. */
  staticDir: string;
  /** How many such links nginx looks through: every release cleanup may keep (keep_releases, current, rollback target). */
  staticLinks: number;
  /** How the release starts, read from the project (bin/server, PHX_SERVER, the final stage's ENV); absent: `bin/<app> start`. */
  runtime?: ReleaseRuntime;
  /** Loaded before shared/env (which wins): the variables `runtime` sets. Absent when it sets none. */
  runtimeEnvFile?: string;
  proxy?: Omit<ProxyConfig, 'tls'> & {
    siteFile: string; siteLink: string; upstreamFile: string; upstreamName: string;
    /** HTTPS with these files; absent: HTTP only (also while `tls: auto` has no certificate yet). */
    tls?: HostTls;
    /** `tls: auto`: the webroot nginx serves /.well-known/acme-challenge/ from, on the HTTP port. */
    challengeRoot?: string;
  };
}

export function managedHost(app: string, env: EnvironmentConfig, runtime?: ReleaseRuntime): ManagedHost {
  const strategy = env.strategy ?? 'restart';
  const ports = env.ports ?? DEFAULT_PORTS[strategy];
  const paths = remotePaths(env.deployTo);
  const configDir = `/etc/phoenix-deploy/${app}`;
  const nginxDir = `/etc/nginx/phoenix-deploy/${app}`;
  const slots: Slot[] = strategy === 'blue_green'
    ? SLOT_NAMES.map((name, i) => ({
      name,
      port: ports[i],
      unit: `${app}@${name}.service`,
      node: `${app}_${name}`,
      tmp: `${paths.root}/tmp/${name}`,
      link: `${paths.root}/slots/${name}`,
      envFile: `${configDir}/${name}.env`,
      upstreamFile: `${nginxDir}/upstream-${name}.conf`,
    }))
    : [];
  return {
    app,
    environment: env.name,
    user: env.user ?? DEFAULT_USER,
    paths,
    strategy,
    unitFile: `/etc/systemd/system/${strategy === 'blue_green' ? `${app}@` : app}.service`,
    launcher: `${configDir}/launch`,
    slots,
    epmdUnit: strategy === 'blue_green' ? `${app}-epmd.service` : undefined,
    serviceUnit: strategy === 'restart' ? `${app}.service` : undefined,
    serviceEnvFile: strategy === 'restart' ? `${configDir}/service.env` : undefined,
    servicePort: strategy === 'restart' ? ports[0] : undefined,
    serviceMutableDir: strategy === 'restart' ? `${paths.root}/tmp/service` : undefined,
    configDir,
    // sudo skips drop-ins whose names contain a dot; app names never do.
    sudoersFile: `/etc/sudoers.d/phoenix-deploy-${app}`,
    drainTimeout: env.drainTimeout ?? DEFAULT_DRAIN_TIMEOUT,
    sharedPaths: env.sharedPaths ?? [],
    staticDir: `${paths.root}/static`,
    staticLinks: staticLinkCount(env),
    runtime,
    runtimeEnvFile: runtime && runtime.environment.length > 0 ? `${configDir}/release.env` : undefined,
    proxy: env.proxy && {
      ...env.proxy,
      tls: env.proxy.tls && hostTls(app, env.proxy.tls, env.proxy.serverName, env.hosts.length),
      ...(env.proxy.tls?.auto ? { challengeRoot: acmePaths(app).webroot } : {}),
      siteFile: `/etc/nginx/sites-available/${app}`,
      siteLink: `/etc/nginx/sites-enabled/${app}`,
      upstreamFile: `${nginxDir}/upstream.conf`,
      upstreamName: `${app}_${env.name.replace(/-/g, '_')}`,
    },
  };
}

/** Links to kept releases' static dirs: keep_releases, plus the current release and the rollback target. */
export const staticLinkCount = (env: EnvironmentConfig) => env.keepReleases + 2;

/** The port the restart strategy's app listens on (and nginx proxies to). */
export function servicePort(env: EnvironmentConfig): number {
  return (env.ports ?? DEFAULT_PORTS[env.strategy ?? 'restart'])[0];
}

// ---- the privileged commands a deploy runs; sudoers allows exactly these ----------------------

const sudo = (argv: string[]) => ['sudo', '-n', ...argv];

export const systemctl = (action: 'start' | 'stop' | 'restart' | 'enable' | 'disable', unit: string) => sudo([SYSTEMCTL, action, unit]);
export const nginxTest = () => sudo([NGINX, '-t']);
export const nginxReload = () => sudo([SYSTEMCTL, 'reload', 'nginx.service']);
/** Makes `slot` the one nginx proxies to: its pre-rendered upstream file over the live one. */
export const routeTo = (host: ManagedHost, slot: Slot) => sudo([CP, slot.upstreamFile, host.proxy!.upstreamFile]);

/** Every command the deploy user may run as root on this host, as argv after `sudo -n`. */
export function deployCommands(host: ManagedHost): string[][] {
  const strip = (argv: string[]) => argv.slice(2);
  const units = host.strategy === 'blue_green' ? host.slots.map((s) => s.unit) : [host.serviceUnit!];
  const actions = host.strategy === 'blue_green' ? (['start', 'stop', 'restart', 'enable', 'disable'] as const) : (['start', 'stop', 'restart'] as const);
  const commands = units.flatMap((unit) => actions.map((a) => strip(systemctl(a, unit))));
  if (host.proxy && host.strategy === 'blue_green') {
    commands.push(strip(nginxTest()), strip(nginxReload()), ...host.slots.map((s) => strip(routeTo(host, s))));
  }
  return commands;
}
