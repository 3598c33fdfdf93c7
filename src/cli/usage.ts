/**
 * The CLI's usage text, generated from its command table, so a command or flag added there shows
 * in `--help` without a second edit.
 */

/**
 * A flag a form accepts, by its option name: `host`, `host…` (may be repeated), or `host|all`
 * (one or the other).
 */
export type FlagToken = string;

/** One way to call a command: the words after its name, and the flags it takes. */
export interface CommandForm {
  words?: string;
  flags: FlagToken[];
}

/** What a flag's value is called in the usage text; flags not listed take no value. */
const VALUE_NAMES: Record<string, string> = {
  cwd: 'DIR', env: 'NAME', to: 'RELEASE_ID', admin: 'USER', host: 'H', lines: 'N', since: '10m', domain: 'D',
};

const NAME_WIDTH = 8;
const PREFIX = '  phoenix-deploy ';

const FOOTER = 'Exit codes: 0 success, 1 failed check or deploy, 2 usage or config error.';

/** The option names a form's tokens stand for (`host|all` → host, all). */
export function flagNames(tokens: readonly FlagToken[]): string[] {
  return tokens.flatMap((t) => t.replace(/…$/, '').split('|'));
}

function flagText(token: FlagToken): string {
  const repeated = token.endsWith('…');
  const one = (name: string) => `--${name}${VALUE_NAMES[name] ? ` ${VALUE_NAMES[name]}` : ''}`;
  return `[${token.replace(/…$/, '').split('|').map(one).join(' | ')}]${repeated ? '…' : ''}`;
}

/** `phoenix-deploy NAME [WORDS] [--flag V]…` per form; a long head puts the flags on the next line, aligned. */
export function usageText(commands: ReadonlyArray<{ name: string; forms: readonly CommandForm[] }>): string {
  const lines = commands.flatMap(({ name, forms }) => forms.map((form) => {
    const head = form.words ? `${name} ${form.words}` : name;
    const flags = form.flags.map(flagText).join(' ');
    return head.length <= NAME_WIDTH
      ? `${PREFIX}${head.padEnd(NAME_WIDTH)} ${flags}`
      : `${PREFIX}${head}\n${' '.repeat(PREFIX.length + NAME_WIDTH + 1)}${flags}`;
  }));
  return `Usage:\n${lines.join('\n')}\n\n${FOOTER}`;
}
