/**
 * Remote commands are data: argv arrays, joined by operators, turned into shell text only by
 * `renderCommand`, which quotes every word with `quote`. Nothing else in the project builds shell text.
 */
export interface Operator {
  readonly op: '&&' | '||' | ';' | '|' | '>' | '>>' | '<' | '2>&1' | '2>/dev/null' | '&';
}
export type Word = string | Operator;
export type Command = readonly Word[];

const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** POSIX single-quote quoting: the only quoting function in the project. */
export function quote(word: string): string {
  if (word.includes('\0')) throw new Error('a command word contains a NUL byte');
  if (word !== '' && SAFE.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The operators a command may hold, namespaced so `op.and` never reads as an ordinary word. */
export const op = {
  and: { op: '&&' },
  or: { op: '||' },
  then: { op: ';' },
  pipe: { op: '|' },
  to: { op: '>' },
  append: { op: '>>' },
  from: { op: '<' },
  mergeStderr: { op: '2>&1' },
  dropStderr: { op: '2>/dev/null' },
} as const satisfies Record<string, Operator>;

/** `word` may show a word otherwise than quoted (a dry run abbreviates multi-line scripts); the default runs as is. */
export function renderCommand(command: Command, word: (w: string) => string = quote): string {
  return command.map((w) => (typeof w === 'string' ? word(w) : w.op)).join(' ');
}

/** Joins commands with an operator, e.g. join(op.and, a, b) = a && b. */
export function join(operator: Operator, ...commands: Command[]): Command {
  const out: Word[] = [];
  commands.forEach((c, i) => {
    if (i > 0) out.push(operator);
    out.push(...c);
  });
  return out;
}

/** `sh -c '<script>'`: runs a rendered compound command as one word, e.g. for a subshell. */
export function subshell(command: Command): Command {
  return ['sh', '-c', renderCommand(command)];
}
