import type { ResolvedTarget } from '../../src/core/ssh/target';

/** A host reached directly, every value from deploy.yml: what resolveTargets gives without an ssh config. */
export function directTarget(key: string, host: string, port: number, extra: Partial<ResolvedTarget> = {}): ResolvedTarget {
  return {
    key, alias: host, target: { host, port, user: 'deploy' }, primary: true, jumps: [],
    identityFiles: [], knownHostsFile: '/kh', extraKnownHostsFiles: [], strictHostKeyChecking: 'yes',
    sources: { user: 'deploy.yml environment', hostName: 'deploy.yml host', port: 'deploy.yml host', identityFiles: 'default', knownHosts: 'deploy.yml environment' },
    ...extra,
  };
}
