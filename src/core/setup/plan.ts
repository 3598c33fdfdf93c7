/** `setup` as a plan of named steps; `describePlan` prints it for --dry-run. */
import { fleetDeps } from '../fleet/local';
import { closeSessions } from '../ssh/sessions';
import { managedHost } from '../host/spec';
import { describePlan, runPlan } from '../plan/runner';
import type { EventSink, Plan } from '../plan/types';
import { confirmStep, connectStep, directoriesStep, inspectStep, journalStep, proxyStep, rightsStep, serviceStep, sudoersStep } from './steps';
import type { SetupOptions, SetupResult, SetupState } from './types';
import { packagesStep } from './packagesStep';
import { readReleaseRuntime } from '../runtime/read';

/** The project's runtime facts, read once per run (tests and callers that know them pass `runtime`). */
async function withRuntime(options: SetupOptions): Promise<SetupOptions> {
  if (options.runtime || !options.projectDir) return options;
  return { ...options, runtime: await readReleaseRuntime(options.projectDir) };
}
import { JOURNAL_GROUP } from './remote';
import { certificatePending, certificateStep } from './acmeSteps';

export function createSetupPlan(options: SetupOptions): { plan: Plan<SetupState>; state: SetupState } {
  if (options.targets.length === 0) throw new Error('no hosts to set up');
  const state: SetupState = {
    environment: options.environment,
    host: managedHost(options.app, options.environment, options.runtime),
    // --admin replaces the login user; otherwise each host's resolved user (deploy.yml, ssh config, default).
    hosts: options.targets.map((target) => ({
      target: options.admin ? { ...target, target: { ...target.target, user: options.admin } } : target, files: [], dirs: [], createEnv: false, joinJournal: false,
      missing: { packages: [], locales: [] },
    })),
    deps: fleetDeps(options),
    force: options.force ?? false,
    confirm: options.confirm,
    pending: false,
    changed: false,
  };
  const steps = [connectStep, rightsStep, inspectStep, confirmStep, directoriesStep, journalStep, packagesStep, serviceStep, sudoersStep];
  if (state.host.proxy) steps.push(proxyStep);
  if (state.host.proxy?.tls?.acme) steps.push(certificateStep);
  return {
    state,
    plan: {
      title: `Set up ${options.environment.name} for ${options.app} (${state.hosts.map((h) => h.target.key).join(', ')})`,
      steps,
      finally: async (s) => {
        await closeSessions(s.hosts.flatMap((h) => (h.conn ? [h.conn] : [])));
      },
    },
  };
}

export async function runSetup(options: SetupOptions, emit: EventSink, signal: AbortSignal): Promise<SetupResult> {
  const { plan, state } = createSetupPlan(await withRuntime(options));
  const { outcome, hostErrors } = await runPlan(plan, state, emit, signal);
  return {
    ok: outcome.ok,
    cancelled: !outcome.ok && outcome.cancelled,
    error: outcome.ok ? undefined : outcome.error.message,
    failedStep: outcome.ok ? undefined : outcome.step,
    changed: state.changed,
    hosts: state.hosts.map((h) => {
      const created = h.files.filter((f) => f.action === 'create').map((f) => f.path);
      const updated = h.files.filter((f) => f.action === 'update').map((f) => f.path);
      const groups = h.joinJournal ? [JOURNAL_GROUP] : [];
      const { packages: installed, locales: localesGenerated } = h.missing;
      const unchanged = created.length + updated.length + h.dirs.length + groups.length + installed.length + localesGenerated.length === 0 &&
        !h.createEnv && !certificatePending(h);
      const error = hostErrors.find((e) => e.host === h.target.key);
      return { host: h.target.key, created, updated, groups, installed, localesGenerated, unchanged, ...(error ? { error } : {}) };
    }),
  };
}

export async function describeSetup(options: SetupOptions): Promise<string> {
  const { plan, state } = createSetupPlan(await withRuntime(options));
  return describePlan(plan, state);
}
