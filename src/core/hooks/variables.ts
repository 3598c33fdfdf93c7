/** What every hook finds in its environment: which release, which commit, which environment, and (remote) which host. */
export interface HookVariables {
  release: string;
  commit: string;
  env: string;
  /** Remote hooks: the host as configured (`host:port`). */
  host?: string;
  /** Remote hooks: `primary` on the primary host, `secondary` elsewhere. */
  role?: 'primary' | 'secondary';
  /** after_failure: failed, rolled-back or cancelled, and the step it ended at. */
  outcome?: string;
  failedStep?: string;
}

export function hookEnvironment(v: HookVariables): Record<string, string> {
  return {
    PHOENIX_DEPLOY_RELEASE: v.release,
    PHOENIX_DEPLOY_COMMIT: v.commit,
    PHOENIX_DEPLOY_ENV: v.env,
    ...(v.host !== undefined ? { PHOENIX_DEPLOY_HOST: v.host } : {}),
    ...(v.role !== undefined ? { PHOENIX_DEPLOY_ROLE: v.role } : {}),
    ...(v.outcome !== undefined ? { PHOENIX_DEPLOY_OUTCOME: v.outcome } : {}),
    ...(v.failedStep !== undefined ? { PHOENIX_DEPLOY_FAILED_STEP: v.failedStep } : {}),
  };
}
