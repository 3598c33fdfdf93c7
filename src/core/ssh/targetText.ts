/** How a resolved host is reached, in words: for --dry-run, with where each value came from. Pure. */
import { knownHostName } from './knownHosts';
import type { ResolvedTarget, SshHop } from './target';

function hopLine(hop: SshHop): string {
  const t = hop.target;
  const name = hop.hostKeyAlias ?? knownHostName(t.host, t.port);
  const identities = hop.identityFiles.length > 0 ? hop.identityFiles.join(', ') : 'no identity file';
  const warnings = [
    hop.proxyCommand ? `ProxyCommand ${JSON.stringify(hop.proxyCommand)} is refused` : '',
    /^(no|off|accept-new)$/i.test(hop.strictHostKeyChecking) ? `StrictHostKeyChecking ${hop.strictHostKeyChecking} is not followed: host keys are always checked` : '',
  ].filter(Boolean);
  return `${t.user}@${t.host} -p ${t.port} (known_hosts ${hop.knownHostsFile} as ${name}; ssh-agent, then ${identities})${warnings.map((w) => `; ${w}`).join('')}`;
}

export function describeTarget(t: ResolvedTarget): string[] {
  const s = t.sources;
  const chain = t.jumps.length > 0 ? t.jumps.map((j) => j.alias).join(' → ') : 'none (direct)';
  return [
    `ssh ${hopLine(t)}${t.jumps.length > 0 ? ` via ${t.jumps.map((j) => j.alias).join(', ')}` : ''}`,
    `  resolved by ssh -G${t.configFile ? ` -F ${t.configFile}` : ' (OpenSSH\'s default config files)'}: user ${t.target.user} (${s.user}), ` +
      `host name ${t.target.host} (${s.hostName}), port ${t.target.port} (${s.port}), identity files (${s.identityFiles}), ` +
      `known_hosts (${s.knownHosts}), jump chain ${chain}${t.jumps.length > 0 ? ' (ssh config ProxyJump)' : ''}`,
    ...t.jumps.map((j, i) => `  jump ${i + 1}: ${j.alias} = ${hopLine(j)}`),
  ];
}
