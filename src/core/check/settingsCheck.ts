/**
 * The editor's settings check: in each environment whose runtime.exs needs something of the hosts,
 * every host asked for its shared/env keys (askEachHost). The hosts that answered give their
 * findings; a host that could not be asked is a warning naming it at its `hosts:` entry, as
 * `check --probe` reports an unreachable host.
 */
import type { LoadedConfig } from '../config/load';
import type { EnvironmentConfig } from '../config/types';
import type { Finding } from '../findings';
import { askEachHost } from '../fleet/eachHost';
import { fleetDeps } from '../fleet/local';
import type { RemoteOptions } from '../fleet/types';
import { hostEntryRange } from './hostRange';
import { needsSettingsProbe, probeEnvKeys, readProjectSettings, settingsFindings, type ProjectSettings, type SettingFinding } from './settingsProbe';

/** How long one environment's hosts get to connect and answer. */
export const SETTINGS_CHECK_TIMEOUT_MS = 30_000;

export interface SettingsCheck {
  /** What the hosts that answered lack, at the `System.get_env("X")` token. */
  findings: SettingFinding[];
  /** A host (or an environment whose hosts could not be resolved) that did not answer: a warning naming it and why. */
  unanswered: Finding[];
}

/** Every environment of `loaded` that needs the check, one after the other; `remoteOptions` reaches an environment's hosts. */
export async function checkHostSettings(root: string, loaded: LoadedConfig,
  remoteOptions: (env: EnvironmentConfig) => Promise<RemoteOptions>): Promise<SettingsCheck> {
  const check: SettingsCheck = { findings: [], unanswered: [] };
  if (!loaded.config) return check;
  const settings = await readProjectSettings(root);
  for (const env of Object.values(loaded.config.environments)) {
    if (!needsSettingsProbe(settings, env)) continue;
    const one = await checkEnvironment(settings, env, loaded, remoteOptions);
    check.findings.push(...one.findings);
    check.unanswered.push(...one.unanswered);
  }
  return check;
}

async function checkEnvironment(settings: ProjectSettings, env: EnvironmentConfig, loaded: LoadedConfig,
  remoteOptions: (env: EnvironmentConfig) => Promise<RemoteOptions>): Promise<SettingsCheck> {
  const warning = (host: string | undefined, message: string): Finding =>
    ({ ...hostEntryRange(loaded, env.name, env, host), severity: 'warning', code: 'host-unreachable', message });
  let options: RemoteOptions;
  try {
    options = await remoteOptions(env);
  } catch (e) {
    return { findings: [], unanswered: [warning(undefined, `The hosts of ${env.name} could not be resolved for the settings check: ${(e as Error).message}`)] };
  }
  const answers = await askEachHost(fleetDeps(options).connect, options.targets, (host, signal) => probeEnvKeys(host, env, settings, signal),
    { step: 'settings check', signal: AbortSignal.timeout(SETTINGS_CHECK_TIMEOUT_MS) });
  return {
    findings: settingsFindings(settings, answers.flatMap((a) => (a.ok ? [{ host: a.host, keys: a.value }] : [])), env),
    unanswered: answers.flatMap((a) => (a.ok ? [] : [warning(a.host, `The settings of host ${a.host} (${env.name}) could not be read: ${a.error.message}`)])),
  };
}
