/**
 * Hooks as steps of the deploy plan, one step per position, its commands in the order configured:
 * local ones in the project directory, remote ones on every host (in parallel) in the new release's
 * directory. In an aborting position (before_deploy, after_prepare) a failure fails the step, so the
 * deploy ends exactly as a failed migration does; elsewhere it is reported and the deploy stands.
 */
import type { HookCommand, HookPosition } from '../../config/types';
import { runLocalCommand } from '../../hooks/local';
import { remoteHookCommand } from '../../hooks/remote';
import { hookEnvironment, type HookVariables } from '../../hooks/variables';
import { type Step, type StepContext } from '../../plan/types';
import { isCancel, UserError } from '../../errors';
import { renderCommand } from '../../shell';
import { local } from '../../plan/describe';
import { perHost } from './describe';
import { onHosts } from '../../fleet/hosts';
import { runQuery, tail } from '../../ssh/runQuery';
import { ANY_EXIT, commandQuery } from '../../remoteQuery';
import { outcomeOf } from './record';
import type { DeployState, HostState } from '../types';

const ABORTING: ReadonlySet<HookPosition> = new Set(['before_deploy', 'after_prepare']);

const WHEN: Record<HookPosition, string> = {
  before_deploy: 'before connecting',
  after_prepare: 'on the prepared release, before the switch',
  after_switch: 'once the new release serves',
  after_deploy: 'after the deploy succeeded',
  after_failure: 'after the deploy failed',
};

function variables(state: DeployState, h?: HostState): HookVariables {
  const release = state.release!;
  const ended = state.outcome && !state.outcome.ok ? state.outcome : undefined;
  return {
    release: release.id, commit: release.commit, env: state.environment.name,
    ...(h ? { host: h.target.key, role: h.target.primary ? 'primary' : 'secondary' } : {}),
    ...(ended ? { outcome: outcomeOf(state, ended), ...(ended.step ? { failedStep: ended.step } : {}) } : {}),
  };
}

const shown = (argv: readonly string[]) => renderCommand(argv);

function describeHook(state: DeployState, hook: HookCommand) {
  if (hook.where === 'local') {
    return local([`(in ${state.projectDir ?? 'the project directory'}) ${shown(hook.argv)}  # with PHOENIX_DEPLOY_RELEASE, _COMMIT, _ENV`]);
  }
  return perHost(state, (h) => [remoteHookCommand(state.paths, hook.argv, variables(state, h))]);
}

async function runLocal(hook: HookCommand, state: DeployState, ctx: StepContext, signal: AbortSignal): Promise<string | undefined> {
  if (!state.projectDir) return '(local hooks need the project directory, and none was given)';
  const result = await runLocalCommand(hook.argv, {
    cwd: state.projectDir, env: hookEnvironment(variables(state)), signal, onOutput: (t) => ctx.output(t, 'local'),
  }).catch((e: Error) => e);
  if (result instanceof Error) return `(${result.message})`;
  if (result.code === 0) return undefined;
  return result.signal ? `(stopped by ${result.signal})` : `(exit ${result.code})`;
}

async function runRemote(hook: HookCommand, state: DeployState, ctx: StepContext, signal: AbortSignal): Promise<string | undefined> {
  const failures = new Map<HostState, string>();
  const hosts = state.hosts.filter((h) => h.conn);
  await onHosts(hosts, async (h) => {
    const command = remoteHookCommand(state.paths, hook.argv, variables(state, h));
    const result = await runQuery(h, commandQuery(`the hook ${shown(hook.argv)}`, command, ANY_EXIT), { // failures are gathered below
      signal, onStdout: (t) => ctx.output(t, h.target.key), onStderr: (t) => ctx.output(t, h.target.key),
    });
    if (result.code !== 0) failures.set(h, `on ${h.target.key} (exit ${result.code})${result.stderr.trim() ? `: ${tail(result.stderr.trim(), 500)}` : ''}`);
  });
  return failures.size > 0 ? hosts.flatMap((h) => failures.get(h) ?? []).join('; ') : undefined; // in host order, however they finished
}

export function hookStep(position: HookPosition, hooks: readonly HookCommand[]): Step<DeployState> {
  const aborting = ABORTING.has(position);
  return {
    name: position,
    title: `Hook ${position} (${WHEN[position]}): ${hooks.map((h) => `${h.where} ${shown(h.argv)}`).join('; ')}`,
    describe: (state) => hooks.flatMap((hook) => describeHook(state, hook)),
    async run(ctx, state) {
      // Past the point of no return a hook can still be stopped: only the hook, never the deploy.
      const signal = aborting ? ctx.signal : ctx.cancel ?? ctx.signal;
      for (const hook of hooks) {
        let failed: string | undefined;
        try {
          failed = await (hook.where === 'local' ? runLocal : runRemote)(hook, state, ctx, signal);
        } catch (e) {
          if (aborting) throw e;
          failed = isCancel(e) ? '(cancelled)' : `(${(e as Error).message})`;
        }
        if (!failed) continue;
        const what = `the ${position} hook \`${shown(hook.argv)}\` failed ${failed}`;
        if (aborting) {
          const after = position === 'before_deploy' ? 'nothing was touched' : 'nothing was switched and the new release is removed';
          throw new UserError(`${what}; ${after}`);
        }
        const note = `${what}; the deploy stands (${position} hooks never roll back)`;
        ctx.note(note, 'warning');
        state.warnings.push(note);
      }
    },
  };
}

/** The configured hooks of a position as steps (none when there are none). */
export function hookSteps(state: DeployState, position: HookPosition): Array<Step<DeployState>> {
  const hooks = state.environment.hooks?.[position];
  return hooks && hooks.length > 0 ? [hookStep(position, hooks)] : [];
}
