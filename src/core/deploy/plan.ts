/** Deploy and rollback as plans of named steps; `describePlan` prints them for --dry-run. */
import type { Plan, PlanBatch, Step } from '../plan/types';
import { newLockToken } from '../remote/lock';
import { checkReleaseId, remotePaths } from '../remote/paths';
import { fleetDeps } from '../fleet/local';
import { cleanupStep } from './steps/cleanup';
import { connectStep } from './steps/connect';
import { finishRun } from './steps/finish';
import { healthStep } from './steps/health';
import { all } from './steps/describe';
import { assignBatches, rolloutSteps, type SwitchingSteps } from './rollout';
import { lockAndInspectStep } from './steps/lockAndInspect';
import { migrateStep } from './steps/migrate';
import { compatStep, prepareStep } from './steps/prepare';
import { recordStep } from './steps/record';
import { selectStep } from './steps/select';
import { restartStep, switchStep } from './steps/switch';
import { uploadStep } from './steps/upload';
import { settingsStep } from './steps/settings';
import { releaseSettings } from '../settings/release';
import { slotIdentityStep } from './steps/identity';
import { blueGreenSteps, drainStep } from './steps/blueGreen';
import { hookSteps } from './steps/hooks';
import type { HookPosition } from '../config/types';
import type { DeployOptions, DeployState, RollbackOptions } from './types';
import type { RemoteOptions } from '../fleet/types';

export interface PlanAndState {
  plan: Plan<DeployState>;
  state: DeployState;
}

/** Times each step into state.durations, so deploys.log can carry them (a step repeated per batch adds up). */
function timed(step: Step<DeployState>): Step<DeployState> {
  return {
    ...step,
    async run(ctx, state) {
      const started = Date.now();
      try {
        await step.run(ctx, state);
      } finally {
        state.durations[step.name] = (state.durations[step.name] ?? 0) + Date.now() - started;
      }
    },
  };
}

/** How a strategy moves a set of hosts to the release; each step pushes its own undo (putBack.ts puts the fleet back). */
const restartStrategy: SwitchingSteps = (select) => [switchStep(select), restartStep(select), healthStep(select)];
// blue/green: the new slot is live (route) before `current` moves.
const blueGreenStrategy: SwitchingSteps = blueGreenSteps;

/** The switching steps: over every host at once, or per rollout batch with pauses between. */
function switching(state: DeployState, strategy: SwitchingSteps): { steps: Array<Step<DeployState>>; batches?: PlanBatch[] } {
  const rollout = state.environment.rollout;
  if (!rollout) return { steps: strategy(all) };
  const batches = assignBatches(state, rollout);
  return { steps: rolloutSteps(state, rollout, strategy), batches };
}

/** `lockRelease`: what the lock says this run is putting live. */
export function baseState(kind: DeployState['kind'], options: RemoteOptions, lockRelease: string, healthIntervalMs?: number): DeployState {
  if (options.targets.length === 0) throw new Error('no hosts to deploy to');
  const deps = fleetDeps(options);
  const startedAt = deps.now();
  return {
    kind,
    environment: options.environment,
    app: options.app,
    paths: remotePaths(options.environment.deployTo),
    identity: options.identity,
    deps,
    lockHolder: {
      who: options.identity.who, when: startedAt.toISOString(), release: lockRelease, pid: options.identity.pid,
      host: options.identity.localHost, kind, token: newLockToken(),
    },
    hosts: options.targets.map((target) => ({ target, releases: [], log: [], phase: 'planned', undo: [] })),
    sharedFiles: [],
    rsyncTransport: options.rsyncTransport ?? 'tunnel',
    healthIntervalMs: healthIntervalMs ?? 1000,
    startedAt,
    durations: {},
    recorded: false,
    healthChecked: options.environment.health !== undefined,
    warnings: [],
    projectDir: options.projectDir,
  };
}

const isBlueGreen = (state: DeployState) => state.environment.strategy === 'blue_green';

export function createDeployPlan(options: DeployOptions): PlanAndState {
  checkReleaseId(options.release.id);
  const state = baseState('deploy', options, options.release.id, options.healthIntervalMs);
  state.release = options.release;
  state.app ??= options.release.app;
  state.sharedFiles = options.sharedFiles ?? [];
  for (const h of state.hosts) h.releaseId = options.release.id;
  const hooks = (position: HookPosition) => hookSteps(state, position);
  // Every host has the release prepared and checked, and the migration ran (blue/green: while the old slot serves), before any switches.
  // A release that needs settings has them checked on every host before anything is uploaded.
  const settings = releaseSettings(options.release);
  const check = settings.required.length > 0 || (settings.readsPhxHost && options.environment.proxy) ? [settingsStep(settings)] : [];
  const before = [...hooks('before_deploy'), ...(isBlueGreen(state) ? [slotIdentityStep] : []), connectStep, lockAndInspectStep, ...check, uploadStep, prepareStep, compatStep, ...hooks('after_prepare'), migrateStep];
  const { steps: moves, batches } = switching(state, isBlueGreen(state) ? blueGreenStrategy : restartStrategy);
  // Hooks sit around the named steps: after_switch once the new release serves everywhere (after the last batch's health check).
  const steps = isBlueGreen(state)
    ? [...before, ...moves, ...hooks('after_switch'), recordStep, drainStep(), cleanupStep, ...hooks('after_deploy')]
    : [...before, ...moves, ...hooks('after_switch'), recordStep, cleanupStep, ...hooks('after_deploy')];
  return {
    state,
    plan: {
      title: `Deploy ${options.release.id} to ${options.environment.name} (${state.hosts.map((h) => h.target.key).join(', ')})`,
      steps: steps.map(timed),
      ...(batches ? { batches } : {}),
      finally: (s, outcome) => {
        s.outcome = outcome;
        return finishRun(s, outcome);
      },
      onFailure: hooks('after_failure'),
    },
  };
}

export function createRollbackPlan(options: RollbackOptions): PlanAndState {
  if (options.to !== undefined) checkReleaseId(options.to);
  const state = baseState('rollback', options, options.to ?? 'previous release', options.healthIntervalMs);
  state.rollbackTo = options.to;
  // Every host at once, rollout or not: the target already ran. blue/green: the same dance toward it, whose slot may still hold it.
  const steps = isBlueGreen(state)
    ? [connectStep, lockAndInspectStep, selectStep, ...blueGreenStrategy(all), recordStep, drainStep()]
    : [connectStep, lockAndInspectStep, selectStep, ...restartStrategy(all), recordStep];
  return {
    state,
    plan: {
      title: `Roll back ${options.environment.name} to ${options.to ?? 'the previous release'} (${state.hosts.map((h) => h.target.key).join(', ')})`,
      steps: steps.map(timed),
      finally: (s, outcome) => finishRun(s, outcome),
    },
  };
}
