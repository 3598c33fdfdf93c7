/** --dry-run text for steps: each host's exact commands, rendered by shell.ts. */
import { quote, renderCommand, type Command } from '../shell';
import { LOCAL, type PlannedAction, type StepDescription } from './types';

/** A step that works host by host: each host's actions (`undefined`: nothing there). */
export function describePerHost<H extends { target: { key: string } }>(
  hosts: readonly H[], actions: (h: H) => Array<PlannedAction | undefined>): StepDescription[] {
  return hosts.map((h) => ({ host: h.target.key, actions: actions(h).filter((a) => a !== undefined) }));
}

/** A command that runs only when what the run reads says so: described with the condition. */
export const when = (command: Command, condition: string): PlannedAction => ({ command, note: condition, conditional: true });

/** A command that always runs, with a word on how (e.g. it polls until something holds). */
export const noted = (command: Command, note: string): PlannedAction => ({ command, note });

/** The remote command an action runs, if it is one. */
export function commandOf(action: PlannedAction): Command | undefined {
  if (isCommand(action)) return action;
  return 'command' in action ? action.command : undefined;
}

function isCommand(action: PlannedAction): action is Command {
  return Array.isArray(action);
}

/** A long script or a file's content is shown by its size, so the command line stays readable. */
const MAX_SHOWN_LINES = 3;
function shownWord(word: string): string {
  const lines = word.split('\n').length;
  return lines > MAX_SHOWN_LINES ? `<${lines} lines>` : quote(word);
}

/** One action as --dry-run prints it. */
export function actionText(action: PlannedAction): string {
  const command = commandOf(action);
  if (!command) return (action as { work: string }).work;
  const text = renderCommand(command, shownWord);
  return 'note' in action ? `${text}  # ${action.note}` : text;
}

/** Work that is no shell command on a host, in words. */
export const work = (text: string): PlannedAction => ({ work: text });

/** A step that works on this machine only (the build, a confirmation): a short account of each thing it does. */
export function local(lines: readonly string[]): StepDescription[] {
  return [{ host: LOCAL, actions: lines.map(work) }];
}
