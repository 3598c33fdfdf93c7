/**
 * A deploy or build is a plan of named steps. One runner executes plans and emits events that
 * the terminal, the progress UI and the CLI render. Steps describe their commands for --dry-run.
 */
export interface StepDescription {
  /** Host the step runs on, `local` for this machine. */
  host: string;
  /** Exact commands, as shell text or a short description. */
  commands: string[];
}

export interface StepContext {
  readonly signal: AbortSignal;
  /**
   * The user's cancel, even past the point of no return (where `signal` no longer fires): work a
   * step may skip without harm, such as a hook after the switch, stops on it. Absent: use `signal`.
   */
  readonly cancel?: AbortSignal;
  /** Streams a line (or chunk) of output belonging to this step. */
  output(text: string, host?: string): void;
  /** A notable message (warning, bytes sent, ...). */
  note(message: string, level?: 'info' | 'warning', host?: string): void;
}

export interface Step<S> {
  /** Stable identifier, e.g. `upload`, used in logs and deploys.log durations. */
  readonly name: string;
  /** Human title, e.g. "Upload release (rsync)". */
  readonly title: string;
  describe(state: S): StepDescription[];
  run(ctx: StepContext, state: S): Promise<void>;
  /**
   * Once this step has started, cancellation no longer interrupts the plan: the runner finishes
   * the current step. Set on steps after a point of no return (e.g. the switch).
   */
  readonly finishOnCancel?: boolean;
}

export interface Plan<S> {
  readonly title: string;
  readonly steps: ReadonlyArray<Step<S>>;
  /** Runs after the steps, whatever happened (release locks, remove temp files). */
  readonly finally?: (state: S, outcome: PlanOutcome) => Promise<void>;
  /**
   * Run after `finally` when the plan failed or was cancelled (e.g. after_failure hooks). Their own
   * failures are reported as warnings and never change the outcome.
   */
  readonly onFailure?: ReadonlyArray<Step<S>>;
}

export type PlanOutcome = { ok: true } | { ok: false; cancelled: boolean; error: Error; step?: string };

export type PlanEvent =
  | { type: 'plan-start'; title: string; steps: Array<{ name: string; title: string }> }
  | { type: 'step-start'; step: string; title: string; index: number; total: number }
  | { type: 'output'; step: string; text: string; host?: string }
  | { type: 'note'; step: string; message: string; level: 'info' | 'warning'; host?: string }
  | { type: 'step-end'; step: string; ok: boolean; durationMs: number; error?: string }
  | { type: 'plan-end'; ok: boolean; cancelled: boolean; error?: string; durationMs: number };

export type EventSink = (event: PlanEvent) => void;

export class CancelledError extends Error {
  constructor(message = 'cancelled') {
    super(message);
    this.name = 'CancelledError';
  }
}

/** An error the user can act on: names the file/line or host, and what to do. */
export class UserError extends Error {
  constructor(message: string, readonly detail?: { file?: string; line?: number; host?: string }) {
    super(message);
    this.name = 'UserError';
  }
}
