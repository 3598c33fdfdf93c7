/** `--host H` / `--all` for the day-two commands: which of an environment's hosts to talk to. */
import { UserError } from '../errors';
import type { ResolvedTarget } from './target';

export interface HostChoice {
  /** `host:port` as configured, or a host name that names one host. */
  host?: string;
  all?: boolean;
}

/** `fallback` when neither is given: every host (logs) or the primary alone (console, rpc). */
export function pickTargets(targets: readonly ResolvedTarget[], choice: HostChoice, fallback: 'all' | 'primary', env = 'the environment'): ResolvedTarget[] {
  if (choice.host !== undefined && choice.all) throw new UserError('--host and --all exclude each other');
  if (choice.host !== undefined) {
    const exact = targets.filter((t) => t.key === choice.host);
    const byName = targets.filter((t) => t.key.replace(/:\d+$/, '') === choice.host);
    const found = exact.length > 0 ? exact : byName;
    if (found.length === 1) return found;
    const known = targets.map((t) => t.key).join(', ');
    throw new UserError(found.length > 1
      ? `--host ${choice.host} names ${found.length} hosts of ${env}; give host:port (one of ${known})`
      : `${env} has no host ${choice.host}; its hosts are ${known}`);
  }
  if (choice.all || fallback === 'all') return [...targets];
  return targets.filter((t) => t.primary).slice(0, 1);
}
