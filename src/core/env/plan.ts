/**
 * `env set | unset | push` as a plan of named steps: connect, (lock,) read every host's
 * shared/env, show what changes (keys only) and confirm, write atomically, then, with --restart,
 * restart the live release so it reads the file (blue/green: the slot dance, no dropped request).
 * Values are on stdin of the write and nowhere else: not in events, results, logs or commands.
 */
import { describePerHost, local, noted, when } from '../plan/describe';
import { describePlan, runPlan } from '../plan/runner';
import { focus } from '../plan/focus';
import { type EventSink, type Plan, type Step } from '../plan/types';
import { CancelledError, UserError } from '../errors';
import { onHosts } from '../fleet/hosts';
import { runQuery } from '../ssh/runQuery';
import { commandQuery } from '../remoteQuery';
import { liveRestart, restartRunState, type DeployState, type LiveRestart } from '../deploy/liveRestart';
import { applyEdit, changesAnything, parseEnvFile, renderEnvFile, type EnvChange } from './envFile';
import { ENV_CHANGED_EXIT, readEnvCommand, readEnvQuery, writeEnvCommand } from './remote';
import type { EnvOptions, EnvPreview, EnvResult, EnvState } from './types';


export function describeChanges(changes: readonly EnvChange[]): string {
  const words: Record<EnvChange['action'], string> = { add: 'add', change: 'change', keep: 'unchanged', remove: 'remove', absent: 'not set' };
  return changes.map((c) => `${words[c.action]} ${c.key}`).join(', ');
}

/** `live`: with a restart, each host's live release is chosen here, so a host with none fails before anything is written. */
const readStep = (live: LiveRestart): Step<EnvState> => ({
  name: 'read',
  title: 'Read shared/env on each host',
  describe: ({ restartRun: { hosts, paths } }) => describePerHost(hosts, () => [readEnvCommand(paths.sharedEnv)]),
  async run(ctx, state) {
    const { hosts, paths } = state.restartRun;
    live.chooseLive(state.restartRun);
    await onHosts(hosts, async (h) => {
      const read = await runQuery(h, readEnvQuery(paths.sharedEnv), { signal: ctx.signal });
      const { file, changes } = applyEdit(parseEnvFile(read.text), state.edit);
      state.files.set(h.target.key, { read, changes, written: false, next: changesAnything(changes) ? renderEnvFile(file) : undefined });
    });
    state.pending = [...state.files.values()].some((f) => f.next !== undefined);
  },
});

function previewOf(state: EnvState): EnvPreview {
  const hosts = state.restartRun.hosts.map((h) => ({ host: h.target.key, changes: state.files.get(h.target.key)?.changes ?? [] }));
  const lines = hosts.map((h) => `${h.host}: ${describeChanges(h.changes)}`);
  if (state.restart) lines.push(state.restartRun.environment.strategy === 'blue_green'
    ? 'then restart the live release on each host (blue/green: the idle slot starts with the new file, then takes over; no request is dropped)'
    : 'then restart the app on each host (requests fail while it restarts)');
  return { text: `${lines.join('\n')}\n`, hosts };
}

const confirmStep: Step<EnvState> = {
  name: 'confirm',
  title: 'Show what changes (keys only) and confirm',
  describe: () => local(['show which keys are added, changed or removed on each host (never the values), then ask unless --yes']),
  async run(ctx, state) {
    if (!state.pending && !state.restart) {
      ctx.note(`nothing to change: ${describeChanges(state.files.values().next().value?.changes ?? [])}`);
      return;
    }
    const preview = previewOf(state);
    ctx.output(preview.text);
    if (!(await state.confirm(preview))) throw new CancelledError('not confirmed; nothing was changed');
  },
};

const writeStep: Step<EnvState> = {
  name: 'write',
  title: 'Write shared/env (temp file, mode 0600, renamed into place)',
  finishOnCancel: true, // every host gets the same file once writing starts
  describe: ({ restartRun: { hosts, paths }, files }) => describePerHost(hosts, (h) => {
    const file = files.get(h.target.key);
    if (!file) return [when(writeEnvCommand(paths.sharedEnv, '<sha256 of the file as read>'), 'the new file on stdin, if a key changes')];
    return file.next !== undefined && file.read ? [noted(writeEnvCommand(paths.sharedEnv, file.read.version), 'the new file on stdin')] : [];
  }),
  async run(ctx, state) {
    const { hosts, paths } = state.restartRun;
    await onHosts(hosts, async (h) => {
      const file = state.files.get(h.target.key);
      if (file?.next === undefined || !file.read) return; // '' is a file too: the last key unset
      const write = commandQuery(`writing ${paths.sharedEnv}`, writeEnvCommand(paths.sharedEnv, file.read.version), [0, ENV_CHANGED_EXIT]);
      const result = await runQuery(h, write, { signal: ctx.signal, stdin: file.next });
      if (result.code === ENV_CHANGED_EXIT) {
        throw new UserError(`${paths.sharedEnv} on ${h.target.key} changed since it was read (someone else edited it); it was left alone. Run the command again.`, { host: h.target.key });
      }
      file.written = true;
      ctx.note(`wrote ${paths.sharedEnv}: ${describeChanges(file.changes.filter((c) => c.action !== 'keep' && c.action !== 'absent'))}`, 'info', h.target.key);
    });
  },
};

export function createEnvPlan(options: EnvOptions): { plan: Plan<EnvState>; state: EnvState; live: LiveRestart } {
  const restart = options.restart ?? false;
  const restartRun = restartRunState(options, 'the live release (applying shared/env)', options.healthIntervalMs);
  const state: EnvState = { restartRun, edit: options.edit, restart, confirm: options.confirm, files: new Map(), pending: false };
  const keys = [...options.edit.set.keys(), ...options.edit.unset].join(', ');
  const live = liveRestart(restartRun, restart);
  // The deploy's steps (connect, lock, restart) run on the deploy run's part of the state.
  const deployStep = (step: Step<DeployState>) => focus(step, (s: EnvState) => s.restartRun);
  const steps: Array<Step<EnvState>> = [...live.before.map(deployStep), readStep(live), confirmStep, writeStep, ...live.after.map(deployStep)];
  return {
    state,
    live,
    plan: {
      title: `Change ${keys} in shared/env on ${options.environment.name} (${restartRun.hosts.map((h) => h.target.key).join(', ')})${restart ? ', then restart' : ''}`,
      steps,
      finally: (s, outcome) => live.finish(s.restartRun, outcome),
    },
  };
}

export async function runEnvChange(options: EnvOptions, emit: EventSink, signal: AbortSignal): Promise<EnvResult> {
  const { plan, state, live } = createEnvPlan(options);
  const run = await runPlan(plan, state, emit, signal);
  const { outcome } = run;
  const hosts = state.restartRun.hosts.map((h) => {
    const f = state.files.get(h.target.key);
    const error = run.hostErrors.find((e) => e.host === h.target.key);
    return { host: h.target.key, changes: f?.changes ?? [], written: f?.written ?? false, ...(error ? { error } : {}) };
  });
  return {
    ok: outcome.ok,
    cancelled: !outcome.ok && outcome.cancelled,
    error: outcome.ok ? undefined : outcome.error.message,
    failedStep: outcome.ok ? undefined : outcome.step,
    changed: hosts.some((h) => h.written),
    restarted: state.restart && outcome.ok,
    hosts,
    ...(state.restart ? { restart: live.result(state.restartRun, run) } : {}),
  };
}

export function describeEnvChange(options: EnvOptions): string {
  const { plan, state } = createEnvPlan(options);
  return describePlan(plan, state);
}
