/** How a deploy restarts and health-checks the app: the configured commands, or the tool's own unit. */
import type { EnvironmentConfig } from '../config/types';
import { managedHost, servicePort, systemctl } from '../host/spec';

/** The URL polled for health: `health.url`, else `health.path` on `port` (a slot's) or the app's port. */
export function healthUrl(env: EnvironmentConfig, port = servicePort(env)): string {
  const health = env.health;
  if (!health) throw new Error(`${env.name} has no health check`);
  if (health.url !== undefined && (health.path === undefined || env.strategy !== 'blue_green')) return health.url;
  return `http://127.0.0.1:${port}${health.path ?? '/'}`;
}

/** `restart:` when configured; with `service: systemd` and none configured, a restart of the tool's unit. */
export function restartArgv(env: EnvironmentConfig, app: string | undefined): string[] {
  if (env.restart) return env.restart;
  if (env.service === 'systemd' && app) return systemctl('restart', `${app}.service`);
  throw new Error(`${env.name} has no restart command${env.service === 'systemd' ? ' (the app name is unknown)' : ''}`);
}

/** What the host inspection reads about slots: only blue/green hosts have them. */
export function slotsToInspect(env: EnvironmentConfig, app: string | undefined): { app: string; upstreamFile: string } | undefined {
  if (env.strategy !== 'blue_green' || !app) return undefined;
  const host = managedHost(app, env);
  return host.proxy ? { app, upstreamFile: host.proxy.upstreamFile } : undefined;
}
