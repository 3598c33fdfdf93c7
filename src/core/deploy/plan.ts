/** Deploy and rollback as plans of named steps; `describePlan` prints them for --dry-run. */
import type { Plan, Step } from '../plan/types';
import { newLockToken } from '../remote/lock';
import { checkReleaseId, remotePaths } from '../remote/paths';
import { defaultServices } from './context';
import { cleanupStep } from './steps/cleanup';
import { connectStep } from './steps/connect';
import { finishRun } from './steps/finish';
import { healthStep } from './steps/health';
import { lockStep } from './steps/lock';
import { migrateStep } from './steps/migrate';
import { compatStep, prepareStep } from './steps/prepare';
import { recordStep } from './steps/record';
import { selectStep } from './steps/select';
import { restartStep, switchStep } from './steps/switch';
import { uploadStep } from './steps/upload';
import { blueGreenSteps } from './steps/blueGreen';
import { hookSteps } from './steps/hooks';
import type { HookPosition } from '../config/types';
import type { DeployOptions, DeployState, RemoteOptions, RollbackOptions } from './types';

export interface PlanAndState {
  plan: Plan<DeployState>;
  state: DeployState;
}

/** Times each step into state.durations, so deploys.log can carry them. */
function timed(step: Step<DeployState>): Step<DeployState> {
  return {
    ...step,
    async run(ctx, state) {
      const started = Date.now();
      try {
        await step.run(ctx, state);
      } finally {
        state.durations[step.name] = Date.now() - started;
      }
    },
  };
}

/** `lockRelease`: what the lock says this run is putting live. */
export function baseState(kind: DeployState['kind'], options: RemoteOptions, lockRelease: string, healthIntervalMs?: number): DeployState {
  if (options.targets.length === 0) throw new Error('no hosts to deploy to');
  const services = { ...defaultServices(options), ...options.services };
  const startedAt = services.now();
  return {
    kind,
    environment: options.environment,
    app: options.app,
    paths: remotePaths(options.environment.deployTo),
    identity: options.identity,
    services,
    lockHolder: {
      who: options.identity.who, when: startedAt.toISOString(), release: lockRelease, pid: options.identity.pid,
      host: options.identity.localHost, kind, token: newLockToken(),
    },
    hosts: options.targets.map((target) => ({ target, releases: [], log: [], locked: false, prepared: false, switched: false })),
    sharedFiles: [],
    rsyncTransport: options.rsyncTransport ?? 'tunnel',
    healthIntervalMs: healthIntervalMs ?? 1000,
    startedAt,
    durations: {},
    recorded: false,
    rolledBack: false,
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
  for (const h of state.hosts) h.release = options.release.id;
  // blue/green: migrate while the old slot serves, then the slot switch (the new slot is live before `current` moves).
  const [point, start, health, route, current, drain] = blueGreenSteps();
  const hooks = (position: HookPosition) => hookSteps(state, position);
  // Hooks sit around the named steps: after_switch once the new release serves (after its health check).
  const steps = isBlueGreen(state)
    ? [...hooks('before_deploy'), connectStep, lockStep, uploadStep, prepareStep, compatStep, ...hooks('after_prepare'), migrateStep,
      point, start, health, route, current, ...hooks('after_switch'), recordStep, drain, cleanupStep, ...hooks('after_deploy')]
    : [...hooks('before_deploy'), connectStep, lockStep, uploadStep, prepareStep, compatStep, ...hooks('after_prepare'), migrateStep,
      switchStep, restartStep, healthStep, ...hooks('after_switch'), recordStep, cleanupStep, ...hooks('after_deploy')];
  return {
    state,
    plan: {
      title: `Deploy ${options.release.id} to ${options.environment.name} (${state.hosts.map((h) => h.target.key).join(', ')})`,
      steps: steps.map(timed),
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
  // blue/green: the same dance toward the release chosen, whose slot may still hold it.
  const [point, start, health, route, current, drain] = blueGreenSteps();
  const steps = isBlueGreen(state)
    ? [connectStep, lockStep, selectStep, point, start, health, route, current, recordStep, drain]
    : [connectStep, lockStep, selectStep, switchStep, restartStep, healthStep, recordStep];
  return {
    state,
    plan: {
      title: `Roll back ${options.environment.name} to ${options.to ?? 'the previous release'} (${state.hosts.map((h) => h.target.key).join(', ')})`,
      steps: steps.map(timed),
      finally: (s, outcome) => finishRun(s, outcome),
    },
  };
}
