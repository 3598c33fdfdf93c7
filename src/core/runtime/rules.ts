/**
 * `check`'s findings about how the release will run on the hosts: a server left off, and a
 * `rel/env.sh(.eex)` that takes the blue/green slots' identity or names a node from variables our
 * hosts do not have. Pure. Codes: server-off, release-node-shared, release-node-off-platform, ipv6-dist.
 */
import type { DeployConfig, EnvironmentConfig } from '../config/types';
import type { CheckFinding, QuickFix } from '../versions/findingKit';
import { single } from '../versions/findingKit';
import { deferringValue, identityOverrides, needsIpv6, readEnvSh, type EnvShExport } from './envSh';
import type { RuntimeFiles } from './read';
import { phxServerGate } from './serverGate';

const isBlueGreen = (env: EnvironmentConfig) => env.service === 'systemd' && env.strategy === 'blue_green';
/** `…/bin/<release> start` (or daemon, foreground): starts the release without PHX_SERVER, unlike `bin/server`. */
const PLAIN_START = /(?:^|[\s/])bin\/(?!server\b)([A-Za-z_][A-Za-z0-9_]*)\s+(start|daemon|foreground|start_iex|daemon_iex)\b/;

export function runtimeFindings(files: RuntimeFiles, config: DeployConfig | undefined, only?: string): CheckFinding[] {
  const envs = Object.values(config?.environments ?? {}).filter((e) => only === undefined || e.name === only);
  return [...serverOffFindings(files, envs), ...envShFindings(files, envs)];
}

/** Hosts the tool does not manage, restarted with a plain `bin/<app> start`: the endpoint never serves. */
function serverOffFindings(files: RuntimeFiles, envs: EnvironmentConfig[]): CheckFinding[] {
  const runtime = files.runtimeConfig;
  const gate = runtime && phxServerGate(runtime.text, runtime.path);
  if (!gate) return [];
  return envs.flatMap((env) => {
    const restart = env.restart?.join(' ') ?? '';
    const m = PLAIN_START.exec(restart);
    if (env.service === 'systemd' || !m || /\bPHX_SERVER=/.test(restart)) return [];
    const instead = files.serverScript ? `restart with bin/server (rel/overlays/bin/server), e.g. \`${restart.replace(m[0], m[0].replace(/bin\/\S+\s+\S+/, 'bin/server'))}\`` :
      'set PHX_SERVER=true in the environment the host starts it with (e.g. its shared/env or unit)';
    return [single('server-off', 'warning', gate,
      `Environment "${env.name}" restarts the app with \`${restart}\`, and ${runtime.path} turns the endpoint's server on only when PHX_SERVER is set: ` +
      `the release would boot, log "Configuration :server was not enabled", and listen on nothing. Unless the host sets PHX_SERVER, ${instead}; ` +
      '`service: systemd` hosts get this right by themselves.')];
  });
}

function envShFindings(files: RuntimeFiles, envs: EnvironmentConfig[]): CheckFinding[] {
  const envSh = files.envSh;
  if (!envSh) return [];
  const found = readEnvSh(envSh.text);
  const range = (e: EnvShExport) => ({ file: envSh.path, line: e.line, column: e.column, endLine: e.line, endColumn: e.endColumn });
  const blueGreen = envs.filter(isBlueGreen).map((e) => `"${e.name}"`);
  const out: CheckFinding[] = [];
  if (blueGreen.length > 0) {
    for (const e of identityOverrides(found)) {
      const fix: QuickFix = { ...range(e), newText: deferringValue(e), title: `Let the slot's ${e.name} win: export ${e.name}=${deferringValue(e)}`, preferred: true };
      out.push(single('release-node-shared', 'error', range(e),
        `${envSh.path} sets ${e.name}=${e.value} for every node of this release, after the unit's environment: both blue/green slots of ${blueGreen.join(', ')} ` +
        `would get this ${e.name === 'RELEASE_NODE' ? 'node name, and the second to start refuses ("the name … seems to be in use by another Erlang node")' : 'distribution instead of the slot\'s'}. ` +
        `Keep it as the default only: export ${e.name}=${deferringValue(e)}`, undefined, [fix]));
    }
  }
  for (const e of found) {
    if (e.name !== 'RELEASE_NODE' || e.guarded || e.offPlatform.length === 0) continue;
    if (e.defers && envs.length > 0 && envs.every(isBlueGreen)) continue; // every slot sets its own
    out.push(single('release-node-off-platform', 'warning', range(e),
      `RELEASE_NODE=${e.value} is made of ${e.offPlatform.map((v) => `$${v}`).join(', ')}, which the hosts do not set: the node name would be empty or wrong there. ` +
      `Guard it for that platform (e.g. \`if [ -n "$${e.offPlatform[0]}" ]; then … fi\`), or let the host's value win: export RELEASE_NODE=${deferringValue(e)}`));
  }
  for (const e of found) {
    if (!['ERL_AFLAGS', 'ELIXIR_ERL_OPTIONS'].includes(e.name) || e.guarded || !needsIpv6(e.value)) continue;
    out.push(single('ipv6-dist', 'warning', range(e),
      `${e.name}=${e.value} makes Erlang distribution use IPv6 (-proto_dist inet6_tcp): on a host without IPv6 loopback (::1) the node cannot start. ` +
      'Blue/green deploys check the hosts for it before uploading; guard the export for the platform that needs it.'));
  }
  return out;
}
