/**
 * `check --probe` (and the editor) for settings: each host's shared/env keys against what the
 * project's runtime.exs cannot start without, as findings at the `System.get_env("X")` token. A
 * finding names its key and environment, so an editor can offer to set it.
 */
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { EnvironmentConfig } from '../config/types';
import type { Finding } from '../findings';
import { remotePaths } from '../remote/paths';
import { envCallAt, fixCommand, requiredSettingsOf, RUNTIME_CONFIG_FILES, type EnvCall, type RequiredSetting } from '../settings/required';
import { envKeysQuery, type EnvKeysOnHost } from '../settings/remote';
import { runQuery, type QueryHost } from '../ssh/runQuery';

export interface SettingFinding extends Finding {
  /** The key to set and where: an editor's quick fix opens "Edit Environment…" for it. */
  setting: { key: string; environment: string; hosts: string[] };
}

export interface ProjectSettings {
  required: RequiredSetting[];
  /** Where runtime.exs reads PHX_HOST, if it does. */
  phxHost?: EnvCall;
}

export async function readProjectSettings(root: string): Promise<ProjectSettings> {
  const files = (await Promise.all(RUNTIME_CONFIG_FILES.map(async (file) => ({ file, text: await readFile(path.join(root, file), 'utf8').catch(() => undefined) }))))
    .flatMap((f) => (f.text === undefined ? [] : [{ file: f.file, text: f.text }]));
  const phxHost = files.map((f) => envCallAt(f.text, f.file, 'PHX_HOST')).find((s) => s !== undefined);
  return { required: requiredSettingsOf(files), ...(phxHost ? { phxHost } : {}) };
}

/** Nothing to ask the hosts: no required setting, and no PHX_HOST to compare with the proxy's name. */
export function needsSettingsProbe(settings: ProjectSettings, env: EnvironmentConfig): boolean {
  return settings.required.length > 0 || (settings.phxHost !== undefined && env.proxy !== undefined);
}

/** The proxy's names PHX_HOST is compared with on the host ('' when the config does not read PHX_HOST). */
export function phxHostNames(settings: ProjectSettings, env: EnvironmentConfig): string {
  return settings.phxHost ? env.proxy?.serverName ?? '' : '';
}

/** One host's keys (values stay there), over an open connection. */
export function probeEnvKeys(host: QueryHost, env: EnvironmentConfig, settings: ProjectSettings, signal?: AbortSignal): Promise<EnvKeysOnHost> {
  return runQuery(host, envKeysQuery(remotePaths(env.deployTo).sharedEnv, phxHostNames(settings, env)), { signal });
}

const at = (s: EnvCall) => ({ file: s.file, line: s.line, column: s.column + 1, endLine: s.line, endColumn: s.endColumn + 1 });

/** Per missing key, one error at its token naming the hosts; PHX_HOST other than proxy.server_name, a warning. */
export function settingsFindings(settings: ProjectSettings, hosts: ReadonlyArray<{ host: string; keys: EnvKeysOnHost }>, env: EnvironmentConfig): SettingFinding[] {
  const findings: SettingFinding[] = [];
  for (const s of settings.required) {
    const lacking = hosts.filter((h) => !h.keys.keys.includes(s.key)).map((h) => h.host);
    if (lacking.length === 0) continue;
    findings.push({
      ...at(s), severity: 'error', code: 'setting-missing', setting: { key: s.key, environment: env.name, hosts: lacking },
      message: `${s.key} is not set in shared/env on ${lacking.join(', ')} (${env.name}), and the release cannot start without it (${s.how}). Set it: ${fixCommand(s.key, env.name)}`,
    });
  }
  const differs = hosts.filter((h) => h.keys.phxHost === 'differs' || h.keys.phxHost === 'unset');
  if (settings.phxHost && differs.length > 0 && env.proxy) {
    const name = env.proxy.serverName.split(' ')[0];
    findings.push({
      ...at(settings.phxHost), severity: 'warning', code: 'phx-host-mismatch', setting: { key: 'PHX_HOST', environment: env.name, hosts: differs.map((h) => h.host) },
      message: `PHX_HOST on ${differs.map((h) => `${h.host} (${h.keys.phxHost === 'unset' ? 'not set' : 'differs'})`).join(', ')} is not proxy.server_name ${name}: LiveView's check_origin refuses sockets from any other host. Set it: phoenix-deploy env set PHX_HOST=${name} --env ${env.name}`,
    });
  }
  return findings;
}
