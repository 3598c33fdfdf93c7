import type { PlanOutcome, StepContext } from '../../plan/types';
import { unlockCommand } from '../../remote/lock';
import { removeReleaseCommand } from '../../remote/release';
import { closeSessions } from '../../ssh/sessions';
import { onHosts } from '../hosts';
import type { DeployState } from '../types';
import { outcomeOf, writeRecords } from './record';

/**
 * The plan's `finally`, on every exit path: record a failure, remove a release that never went
 * live, release our locks (only ours), close connections. Each part runs even if another fails.
 */
export async function finishRun(state: DeployState, outcome: PlanOutcome, note?: StepContext['note']): Promise<void> {
  const ctx: StepContext | undefined = note ? { signal: new AbortController().signal, output: () => undefined, note } : undefined;
  const signal = new AbortController().signal; // cleanup must run even after a cancel
  const problems: string[] = [];
  const attempt = async (what: string, fn: () => Promise<void>) => {
    try {
      await fn();
    } catch (e) {
      problems.push(`${what}: ${(e as Error).message}`);
    }
  };
  if (!state.recorded && state.hosts.some((h) => h.locked)) {
    await attempt('recording', () => writeRecords(state, ctx, outcomeOf(state, outcome), outcome.ok ? undefined : outcome.error.message));
  }
  if (state.kind === 'deploy' && state.release) {
    const id = state.release.id;
    const leftovers = state.hosts.filter((h) => h.prepared && !h.switched && h.previous !== id && h.conn);
    await attempt('removing the unused release', () => onHosts(leftovers, async (h) => {
      await h.conn!.exec(removeReleaseCommand(state.paths, id), { signal });
    }));
  }
  await attempt('unlocking', () => onHosts(state.hosts.filter((h) => h.locked && h.conn), async (h) => {
    const result = await h.conn!.exec(unlockCommand(state.paths), { signal });
    if (result.code !== 0) throw new Error(result.stderr.trim());
    h.locked = false;
  }));
  await closeSessions(state.hosts.flatMap((h) => (h.conn ? [h.conn] : [])));
  state.warnings.push(...problems);
  if (problems.length > 0) throw new Error(problems.join('\n'));
}
