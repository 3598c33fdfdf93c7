import { type Step, type StepContext } from '../../plan/types';
import { UserError } from '../../errors';
import { join, op, type Command } from '../../shell';
import { inspectCommand, parseInspection } from '../../remote/inspect';
import { describeHolder, lockCommand, readLockQuery, staleLockReason, type LockHolder } from '../../remote/lock';
import { setupCommand, stageCommand } from '../../remote/release';
import { seedCommand, versionedDirs } from '../../remote/seed';
import { pidRunning } from '../../fleet/locks';
import { slotsToInspect } from '../service';
import { primaryFirst } from '../../fleet/hosts';
import { runQuery, tail } from '../../ssh/runQuery';
import { ANY_EXIT, commandQuery } from '../../remoteQuery';
import { pushUndo, reach } from '../undo';
import type { DeployState, HostState } from '../types';
import { perHost } from './describe';

export class LockHeldError extends UserError {
  constructor(host: string, readonly holder: Partial<LockHolder> | undefined, readonly stale?: string) {
    super(stale
      ? `${host} is locked by ${describeHolder(holder)}; ${stale}. Clear it with \`phoenix-deploy unlock\`, then deploy again.`
      : `${host} is locked by ${describeHolder(holder)}. Wait for that deploy, or run \`phoenix-deploy unlock\` if it is gone.`, { host });
    this.name = 'LockHeldError';
  }
}

const TAKEN = '@@phoenix-deploy:lock-taken';

/** After the lock: the directories a deploy needs, the cache seeded for renamed versions, then what is on the host now. */
function lookCommand(state: DeployState): Command {
  const slots = slotsToInspect(state.environment, state.app);
  if (state.kind !== 'deploy') return inspectCommand(state.paths, slots);
  const seed = state.release ? seedCommand(state.paths.cache(state.identity.developer), versionedDirs(state.release.path)) : undefined;
  const developer = state.identity.developer;
  return join(op.and, setupCommand(state.paths, developer), stageCommand(state.paths, developer), ...(seed ? [seed] : []), inspectCommand(state.paths, slots));
}

/** One round trip: take the lock, say so, then look (see lookCommand). Nothing after the lock runs if it is held. */
function lockAndLookCommand(state: DeployState): Command {
  return join(op.and, lockCommand(state.paths, state.lockHolder), ['echo', TAKEN], lookCommand(state));
}

async function lockAndInspectHost(h: HostState, state: DeployState, ctx: StepContext): Promise<void> {
  // Any exit is an answer: TAKEN in the output says the lock was taken, the exit then says whether the look worked.
  const result = await runQuery(h, commandQuery('taking the lock', lockAndLookCommand(state), ANY_EXIT), { signal: ctx.signal });
  const taken = result.code === 0 || result.stdout.includes(TAKEN);
  if (!taken) {
    // The lock and its holder appear in one step, so a lock that exists always says whose it is.
    const held = await runQuery(h, readLockQuery(state.paths), { signal: ctx.signal });
    if (held) throw new LockHeldError(h.target.key, held.holder, staleLockReason(held.holder, state.identity.localHost, pidRunning));
    throw new UserError(`cannot create ${state.paths.lock} on ${h.target.key}: ${result.stderr.trim() || `exit ${result.code}`}`, { host: h.target.key });
  }
  pushUndo(h, { kind: 'unlock' });
  reach(h, 'locked');
  if (result.code !== 0) {
    const detail = tail(result.stderr.trim(), 1500);
    throw new UserError(`inspecting the host failed on ${h.target.key} (exit ${result.code})${detail ? `: ${detail}` : ''}`, { host: h.target.key });
  }
  for (const line of result.stdout.split('\n')) if (line.startsWith('seeded ')) ctx.note(`cache: ${line}`, 'info', h.target.key);
  const inspection = parseInspection(result.stdout);
  h.previous = inspection.current?.dangling ? undefined : inspection.current?.release;
  h.releases = inspection.releases.filter((r) => r.valid).map((r) => r.name);
  h.log = inspection.log;
  h.slots = inspection.slots;
  if (inspection.current?.dangling) ctx.note(`current points at missing ${inspection.current.target}`, 'warning', h.target.key);
}

/**
 * The atomic lock on every host, primary first so racing deploys collide there, and in the same
 * round trip what the run needs next: a deploy's directories and seeded cache, then what is on the
 * host (current, releases, deploys.log, slots). The step keeps the name `lock` in events and logs.
 */
export const lockAndInspectStep: Step<DeployState> = {
  name: 'lock',
  title: 'Take the deploy lock, then set up and inspect the host',
  describe: (state) => perHost(state, () => [lockAndLookCommand(state)]),
  run: (ctx, state) => primaryFirst(state.hosts, (h) => lockAndInspectHost(h, state, ctx), ctx),
};
