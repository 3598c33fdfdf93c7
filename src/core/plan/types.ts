/**
 * A deploy or build is a plan of named steps. One runner executes plans and emits events that
 * the terminal, the progress UI and the CLI render. Steps describe their commands for --dry-run.
 */
import type { Command } from '../shell';

/** Where a step's local work runs (the build, a confirmation, a local hook): never a host row. */
export const LOCAL = 'local';

/**
 * One thing a step does on a host: a remote command exactly as the run executes it (data,
 * rendered by shell.ts), optionally with a note on it; or work that is no shell command on
 * the host (connecting, rsync from here, an HTTP check through the connection), in words.
 */
export type PlannedAction = Command | NotedCommand | { readonly work: string };

/** A command with a word on it: how long it runs, or (`conditional`) when it runs at all. */
export interface NotedCommand {
  readonly command: Command;
  readonly note: string;
  /** It runs only if what the run reads says so (e.g. a directory is missing). */
  readonly conditional?: boolean;
}

export interface StepDescription {
  /** The host key the step works on, or LOCAL for this machine. */
  host: string;
  /** What runs there, in order. */
  actions: PlannedAction[];
}

export interface StepContext {
  /** Aborts the step's work: the user's cancel, except past the point of no return. */
  readonly signal: AbortSignal;
  /**
   * The user's cancel, even past the point of no return (where `signal` no longer fires): work a
   * step may skip without harm stops on it, such as a hook after the switch, or the pause between
   * rollout batches (which then puts every switched host back). Absent: use `signal`.
   */
  readonly cancel?: AbortSignal;
  /** Streams a line (or chunk) of output belonging to this step. */
  output(text: string, host?: string): void;
  /** A notable message (warning, bytes sent, ...). */
  note(message: string, level?: 'info' | 'warning', host?: string): void;
  /** Runs one host's part of this step, emitting host-start, then host-end with its duration and error. */
  onHost<T>(host: string, work: () => Promise<T>): Promise<T>;
  /** Bytes sent to a host (the upload), for per-host progress. */
  bytesSent(host: string, bytes: number): void;
  /** A host that had switched went back to the release it ran before; `undid`: the steps whose work it reversed (e.g. switch). */
  rolledBack(host: string, to: string, undid: string[]): void;
}

export interface Step<S> {
  /** Stable identifier, e.g. `upload`, used in logs and deploys.log durations. */
  readonly name: string;
  /** Human title, e.g. "Upload release (rsync)". */
  readonly title: string;
  /**
   * The commands `run` would execute given this state, per host (real host keys, or LOCAL): what
   * --dry-run prints, and the hosts the runner announces. Never throws: what depends on what the
   * run has not read yet is marked conditional, or said in words (e.g. a release id not chosen yet).
   */
  describe(state: S): StepDescription[];
  run(ctx: StepContext, state: S): Promise<void>;
  /**
   * Once this step has started, cancellation no longer interrupts the plan: the runner finishes
   * the current step. Set on steps after a point of no return (e.g. the switch).
   */
  readonly finishOnCancel?: boolean;
  /** The rollout batch (1-based) this step works on; absent for steps over every host. */
  readonly batch?: number;
}

/** Hosts switched together: the first batch of a rollout may be its canary. */
export interface PlanBatch {
  hosts: string[];
  canary: boolean;
}

export interface Plan<S> {
  readonly title: string;
  readonly steps: ReadonlyArray<Step<S>>;
  /** A rolling deploy's batches, in order (host keys). */
  readonly batches?: ReadonlyArray<PlanBatch>;
  /** Runs after the steps, whatever happened (release locks, remove temp files). */
  readonly finally?: (state: S, outcome: PlanOutcome) => Promise<void>;
  /**
   * Run after `finally` when the plan failed or was cancelled (e.g. after_failure hooks). Their own
   * failures are reported as warnings and never change the outcome.
   */
  readonly onFailure?: ReadonlyArray<Step<S>>;
}

export type PlanOutcome = { ok: true } | { ok: false; cancelled: boolean; error: Error; step?: string };

/** A step as plan-start announces it: the hosts it works on (from its description) and its batch. */
export interface PlannedStep {
  name: string;
  title: string;
  hosts?: string[];
  batch?: number;
}

/**
 * What the runner reports. Per-host events (host-start/host-end, bytes-sent, rolled-back) let a
 * grid show each host's state in each step; the terminal shows steps, notes and output.
 */
export type PlanEvent =
  | { type: 'plan-start'; title: string; steps: PlannedStep[]; batches?: PlanBatch[] }
  | { type: 'step-start'; step: string; title: string; index: number; total: number; hosts?: string[]; batch?: number }
  | { type: 'output'; step: string; text: string; host?: string }
  | { type: 'note'; step: string; message: string; level: 'info' | 'warning'; host?: string }
  | { type: 'host-start'; step: string; host: string }
  | { type: 'host-end'; step: string; host: string; ok: boolean; durationMs: number; error?: string }
  | { type: 'bytes-sent'; step: string; host: string; bytes: number }
  | { type: 'rolled-back'; step: string; host: string; to: string; undid: string[] }
  | { type: 'step-end'; step: string; ok: boolean; durationMs: number; error?: string }
  | { type: 'plan-end'; ok: boolean; cancelled: boolean; error?: string; durationMs: number };

export type EventSink = (event: PlanEvent) => void;
