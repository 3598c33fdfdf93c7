/** The deploy engine's public surface for the CLI and the extension. */
export { createDeployPlan, createRollbackPlan, type PlanAndState } from './plan';
export { describeDeploy, describeRollback, runDeploy, runRollback } from './run';
export { listReleases, readLocks, unlock, type HostLock, type HostReleases, type ReleaseInfo, type SlotInfo, type UnlockResult } from './releases';
export { localIdentity, passphraseFromEnv, resolveTargets, sanitizeDeveloper } from './context';
export { remoteOptionsFor } from './remoteOptions';
export { LockHeldError } from './steps/lockAndInspect';
export type {
  DeployIdentity, DeployOptions, DeployResult, DeployDeps, HealthReport, HostResult, ReleaseToDeploy, RemoteOptions, RollbackOptions,
} from './types';
