/** The deploy engine's public surface for the CLI and the extension. */
export { createDeployPlan, createRollbackPlan, type PlanAndState } from './plan';
export { describeDeploy, describeRollback, runDeploy, runRollback } from './run';
export { listReleases, type HostReleases, type ReleaseInfo, type SlotInfo } from './releases';
export { LockHeldError } from './steps/lockAndInspect';
export type {
  DeployOptions, DeployResult, HealthReport, HostResult, ReleaseToDeploy, RollbackOptions,
} from './types';
