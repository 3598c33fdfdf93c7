import { UserError, type Step, type StepContext } from '../../plan/types';
import { and, join } from '../../shell';
import { inspectCommand, parseInspection } from '../../remote/inspect';
import { describeHolder, lockCommand, parseLockHolder, readLockCommand, type LockHolder } from '../../remote/lock';
import { setupCommand } from '../../remote/release';
import { primaryFirst, runOn } from '../hosts';
import type { DeployState, HostState } from '../types';
import { perHost } from './describe';

export class LockHeldError extends UserError {
  constructor(host: string, readonly holder: Partial<LockHolder> | undefined) {
    super(`${host} is locked by ${describeHolder(holder)}. Wait for that deploy, or run \`phoenix-deploy unlock\` if it is gone.`, { host });
    this.name = 'LockHeldError';
  }
}

export function holderFor(state: DeployState): LockHolder {
  return {
    who: state.identity.who,
    when: state.startedAt.toISOString(),
    release: state.release?.id ?? state.rollbackTo ?? 'previous release',
    pid: state.identity.pid,
    host: state.identity.localHost,
    kind: state.kind,
  };
}

async function lockHost(h: HostState, state: DeployState, ctx: StepContext): Promise<void> {
  const conn = h.conn!;
  const result = await conn.exec(lockCommand(state.paths, holderFor(state)), { signal: ctx.signal });
  if (result.code !== 0) {
    const held = await conn.exec(readLockCommand(state.paths), { signal: ctx.signal });
    if (held.code === 0) throw new LockHeldError(h.target.key, parseLockHolder(held.stdout));
    throw new UserError(`cannot create ${state.paths.lock} on ${h.target.key}: ${result.stderr.trim()}`, { host: h.target.key });
  }
  h.locked = true;
  // Same round trip: the directories a deploy needs, then what is on the host now.
  const look = state.kind === 'deploy'
    ? join(and, setupCommand(state.paths, state.identity.developer), inspectCommand(state.paths))
    : inspectCommand(state.paths);
  const inspection = parseInspection((await runOn(h, look, ctx, 'inspecting the host')).stdout);
  h.previous = inspection.current?.dangling ? undefined : inspection.current?.release;
  h.releases = inspection.releases.filter((r) => r.valid).map((r) => r.name);
  if (inspection.current?.dangling) ctx.note(`current points at missing ${inspection.current.target}`, 'warning', h.target.key);
}

/** mkdir-based lock on every host, primary first so racing deploys collide there. */
export const lockStep: Step<DeployState> = {
  name: 'lock',
  title: 'Take the deploy lock',
  describe: (state) => perHost(state, () => [lockCommand(state.paths, holderFor(state)),
    ...(state.kind === 'deploy' ? [setupCommand(state.paths, state.identity.developer)] : []),
    `(read-only, one round trip) inspect ${state.paths.root}: os-release, glibc, current, releases, lock, deploys.log`]),
  run: (ctx, state) => primaryFirst(state.hosts, (h) => lockHost(h, state, ctx)),
};
