/**
 * "The dry run is the run", checked: each step's description is taken from the state just before
 * the step runs, and compared with the commands the fake hosts then received during that step.
 */
import { commandOf } from '../../../src/core/plan/describe';
import type { NotedCommand, Plan, PlannedAction, Step } from '../../../src/core/plan/types';
import { renderCommand } from '../../../src/core/shell';

export interface StepRecord {
  step: string;
  /** Host → what the description said would run (rendered in full), conditional ones marked. */
  described: Map<string, Array<{ text: string; conditional: boolean }>>;
  /** Host → the commands the host received while the step ran. */
  ran: Map<string, string[]>;
}

/** The plan with each step recorded; `log(host)` is the host's list of received commands (appended to as they arrive). */
export function recorded<S>(plan: Plan<S>, hosts: readonly string[], log: (host: string) => readonly string[], records: StepRecord[]): Plan<S> {
  const wrap = (step: Step<S>): Step<S> => ({
    ...step,
    async run(ctx, state) {
      const described = new Map(step.describe(state).map((d) => [d.host, d.actions.flatMap(shown)]));
      const before = new Map(hosts.map((h) => [h, log(h).length]));
      try {
        await step.run(ctx, state);
      } finally {
        records.push({ step: step.name, described, ran: new Map(hosts.map((h) => [h, log(h).slice(before.get(h))])) });
      }
    },
  });
  return { ...plan, steps: plan.steps.map(wrap) };
}

function shown(action: PlannedAction): Array<{ text: string; conditional: boolean }> {
  const command = commandOf(action);
  return command ? [{ text: renderCommand(command), conditional: (action as NotedCommand).conditional === true }] : [];
}

/**
 * Where a step ran something other than it described, one line each: a host's commands (a command
 * polled several times in a row counts once) must be its described ones in order, where a
 * conditional one may be left out. Empty: every step ran exactly what it described.
 */
export function mismatches(records: readonly StepRecord[]): string[] {
  const out: string[] = [];
  for (const r of records) {
    for (const [host, ran] of r.ran) {
      const runs = ran.filter((c, i) => c !== ran[i - 1]);
      const described = r.described.get(host) ?? [];
      let i = 0;
      for (const command of runs) {
        while (i < described.length && described[i].text !== command && described[i].conditional) i++;
        if (i < described.length && described[i].text === command) {
          i++;
          continue;
        }
        out.push(`${r.step} on ${host} ran, undescribed: ${command}`);
      }
      for (const d of described.slice(i)) if (!d.conditional) out.push(`${r.step} on ${host} described, never ran: ${d.text}`);
    }
  }
  return out;
}
