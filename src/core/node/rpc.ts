/** `rpc EXPR`: the expression evaluated on each chosen host's live node; each host's output, named. */
import { askEachHost } from '../fleet/eachHost';
import { fleetDeps } from '../fleet/local';
import { ANY_EXIT } from '../remoteQuery';
import type { RemoteOptions } from '../fleet/types';
import { UserError } from '../errors';
import type { ResolvedTarget } from '../ssh/target';
import { NO_LIVE_NODE_EXIT, rpcCommand } from './remote';

export interface RpcHostResult {
  host: string;
  ok: boolean;
  /** The remote exit code (-1: it did not run, see error). */
  code: number;
  stdout: string;
  stderr: string;
  error?: string;
}

export function requireApp(options: RemoteOptions): string {
  if (!options.app) throw new UserError('the app name is needed to run bin/<app>: set "app" in config/deploy.yml', { file: 'config/deploy.yml' });
  return options.app;
}

export async function runRpc(options: RemoteOptions, expression: string, targets: readonly ResolvedTarget[], signal: AbortSignal): Promise<RpcHostResult[]> {
  const command = rpcCommand(options.environment, requireApp(options), expression);
  const results = await askEachHost(fleetDeps(options).connect, targets, {
    what: 'rpc', command, okCodes: ANY_EXIT, // every exit is reported as the host's own result
    parse: (r, host): RpcHostResult => {
      const error = r.code === NO_LIVE_NODE_EXIT ? r.stderr.trim() : r.code !== 0 ? `exit ${r.code}` : undefined;
      return { host, ok: r.code === 0, code: r.code, stdout: r.stdout, stderr: r.stderr, ...(error ? { error } : {}) };
    },
  }, { step: 'rpc', signal });
  return results.map((r) => (r.ok ? r.value : { host: r.host, ok: false, code: -1, stdout: '', stderr: '', error: r.error.message }));
}
