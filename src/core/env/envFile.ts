/**
 * `shared/env`, read the way systemd's `EnvironmentFile=` reads it (systemd.exec(5); the state
 * machine of systemd's env-file.c), and edited without disturbing anything else: comments, blank
 * lines, lines systemd ignores and the order of assignments are kept byte for byte; only the
 * assignments being set or unset change. Values are written so that systemd and a POSIX shell
 * (`set -a; . shared/env`, as migrations and the console load it) read exactly the same string.
 */

/** A key the tool sets or unsets (systemd also accepts lowercase names in files it reads). */
export const ENV_KEY = /^[A-Z_][A-Z0-9_]*$/;
const SYSTEMD_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export type EnvEntry =
  /** `raw` is the assignment's exact text, which may span lines (quoted values, continuations). */
  | { kind: 'assignment'; key: string; value: string; raw: string; line: number }
  /** A comment, a blank line, or a line systemd ignores (no `=`, an invalid name): kept as is. */
  | { kind: 'other'; raw: string; line: number };

export interface EnvFile {
  entries: EnvEntry[];
}

const WHITESPACE = ' \t\n\r';
const NEWLINE = '\n\r';
const COMMENTS = '#;';
const SHELL_NEED_ESCAPE = '"\\`$';

type State = 'PRE_KEY' | 'KEY' | 'PRE_VALUE' | 'VALUE' | 'VALUE_ESCAPE' | 'SINGLE' | 'DOUBLE' | 'DOUBLE_ESCAPE' | 'COMMENT' | 'COMMENT_ESCAPE';

/** Splits the text into entries; every byte of it belongs to exactly one entry's `raw`. */
export function parseEnvFile(text: string): EnvFile {
  const entries: EnvEntry[] = [];
  let state: State = 'PRE_KEY';
  let start = 0;
  let startLine = 1;
  let key = '';
  let value = '';
  let keyEnd = -1; // index in `key` where trailing whitespace starts
  let valueEnd = -1;
  const close = (end: number, assignment: boolean) => {
    const raw = text.slice(start, end);
    const name = keyEnd >= 0 ? key.slice(0, keyEnd) : key;
    const val = valueEnd >= 0 ? value.slice(0, valueEnd) : value;
    if (assignment && SYSTEMD_NAME.test(name)) entries.push({ kind: 'assignment', key: name, value: val, raw, line: startLine });
    else if (raw !== '') entries.push({ kind: 'other', raw, line: startLine });
    start = end;
    startLine += raw.split('\n').length - 1;
    key = '';
    value = '';
    keyEnd = -1;
    valueEnd = -1;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    const isNewline = NEWLINE.includes(c);
    switch (state) {
      case 'PRE_KEY':
        if (COMMENTS.includes(c)) state = 'COMMENT';
        else if (!WHITESPACE.includes(c)) {
          state = 'KEY';
          key = c;
        } else if (isNewline) {
          close(i + 1, false);
        }
        break;
      case 'KEY':
        if (isNewline) {
          state = 'PRE_KEY';
          close(i + 1, false); // no `=`: systemd ignores the line
        } else if (c === '=') {
          state = 'PRE_VALUE';
        } else {
          if (!WHITESPACE.includes(c)) keyEnd = -1;
          else if (keyEnd < 0) keyEnd = key.length;
          key += c;
        }
        break;
      case 'PRE_VALUE':
        if (isNewline) {
          state = 'PRE_KEY';
          close(i + 1, true);
        } else if (c === "'") state = 'SINGLE';
        else if (c === '"') state = 'DOUBLE';
        else if (c === '\\') state = 'VALUE_ESCAPE';
        else if (!WHITESPACE.includes(c)) {
          state = 'VALUE';
          value += c;
        }
        break;
      case 'VALUE':
        if (isNewline) {
          state = 'PRE_KEY';
          close(i + 1, true);
        } else if (c === '\\') {
          state = 'VALUE_ESCAPE';
          valueEnd = -1;
        } else {
          if (!WHITESPACE.includes(c)) valueEnd = -1;
          else if (valueEnd < 0) valueEnd = value.length;
          value += c;
        }
        break;
      case 'VALUE_ESCAPE':
        state = 'VALUE';
        if (!isNewline) value += c; // an escaped newline continues the value
        break;
      case 'SINGLE':
        if (c === "'") state = 'PRE_VALUE';
        else {
          value += c;
        }
        break;
      case 'DOUBLE':
        if (c === '"') state = 'PRE_VALUE';
        else if (c === '\\') state = 'DOUBLE_ESCAPE';
        else {
          value += c;
        }
        break;
      case 'DOUBLE_ESCAPE':
        state = 'DOUBLE';
        if (SHELL_NEED_ESCAPE.includes(c)) value += c;
        else if (c !== '\n') value += `\\${c}`;
        break;
      case 'COMMENT':
        if (c === '\\') state = 'COMMENT_ESCAPE';
        else if (isNewline) {
          state = 'PRE_KEY';
          close(i + 1, false);
        }
        break;
      case 'COMMENT_ESCAPE':
        state = 'COMMENT'; // systemd continues a comment past an escaped newline
        break;
    }
  }
  close(text.length, state !== 'PRE_KEY' && state !== 'KEY' && state !== 'COMMENT' && state !== 'COMMENT_ESCAPE');
  return { entries };
}

/** The effective value of every key, as systemd sees it: a later assignment wins. */
export function envValues(file: EnvFile): Map<string, string> {
  const values = new Map<string, string>();
  for (const e of file.entries) if (e.kind === 'assignment') values.set(e.key, e.value);
  return values;
}

export function renderEnvFile(file: EnvFile): string {
  return file.entries.map((e) => e.raw).join('');
}

// Unquoted, these mean the same to systemd and to a shell assignment (no ~, no globs, no quotes, no space).
const PLAIN = /^[A-Za-z0-9_@%+=:,./-]+$/;

/**
 * `KEY=value` as one assignment that systemd and a POSIX shell read identically: plain values as
 * they are, anything else in double quotes with `"`, `\`, `` ` `` and `$` escaped. Inside double
 * quotes both readers keep every other character, newlines included, and both turn exactly those
 * four escapes back into the character.
 */
export function formatAssignment(key: string, value: string): string {
  checkKey(key);
  checkValue(key, value);
  if (PLAIN.test(value)) return `${key}=${value}`;
  return `${key}="${value.replace(/["\\`$]/g, '\\$&')}"`;
}

export function checkKey(key: string): void {
  if (!ENV_KEY.test(key)) throw new EnvKeyError(`${JSON.stringify(key)} is not a valid key: use capital letters, digits and _, not starting with a digit (e.g. DATABASE_URL)`);
}

function checkValue(key: string, value: string): void {
  if (value.includes('\0')) throw new EnvKeyError(`the value of ${key} contains a NUL byte, which no environment can hold`);
  if (LONE_SURROGATE.test(value)) throw new EnvKeyError(`the value of ${key} is not valid Unicode text`);
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export class EnvKeyError extends Error {
  override name = 'EnvKeyError';
}

export type EnvChangeAction = 'add' | 'change' | 'keep' | 'remove' | 'absent';

/** What an edit does to one key; never carries the value. */
export interface EnvChange {
  key: string;
  action: EnvChangeAction;
}

export type EnvEdit = { set: ReadonlyMap<string, string>; unset: readonly string[] };

/**
 * Applies an edit: a key that is set replaces its last (effective) assignment in place and drops
 * earlier duplicates; a new key is appended; an unset key loses every assignment. All other
 * entries stay exactly as they were.
 */
export function applyEdit(file: EnvFile, edit: EnvEdit): { file: EnvFile; changes: EnvChange[] } {
  for (const k of [...edit.set.keys(), ...edit.unset]) checkKey(k);
  for (const [k, v] of edit.set) checkValue(k, v);
  const overlap = edit.unset.find((k) => edit.set.has(k));
  if (overlap) throw new EnvKeyError(`${overlap} is both set and unset`);
  const before = envValues(file);
  const lastIndex = new Map<string, number>();
  file.entries.forEach((e, i) => { if (e.kind === 'assignment') lastIndex.set(e.key, i); });
  const entries: EnvEntry[] = [];
  file.entries.forEach((e, i) => {
    if (e.kind !== 'assignment' || (!edit.set.has(e.key) && !edit.unset.includes(e.key))) {
      entries.push(e);
      return;
    }
    if (edit.unset.includes(e.key) || lastIndex.get(e.key) !== i) return;
    const value = edit.set.get(e.key)!;
    // Unchanged values keep their original text, however it was quoted.
    const raw = e.value === value ? e.raw : `${formatAssignment(e.key, value)}${trailingNewline(e.raw)}`;
    entries.push({ ...e, value, raw });
  });
  const added = [...edit.set].filter(([k]) => !before.has(k));
  if (added.length > 0) {
    const last = entries[entries.length - 1];
    if (last && !/[\n\r]$/.test(last.raw)) entries[entries.length - 1] = { ...last, raw: `${last.raw}\n` };
    const lines = entries.reduce((n, e) => n + (e.raw.match(/\n/g)?.length ?? 0), 1);
    added.forEach(([key, value], i) => entries.push({ kind: 'assignment', key, value, raw: `${formatAssignment(key, value)}\n`, line: lines + i }));
  }
  const changes: EnvChange[] = [
    ...[...edit.set].map(([key, value]): EnvChange => ({ key, action: !before.has(key) ? 'add' : before.get(key) === value ? 'keep' : 'change' })),
    ...edit.unset.map((key): EnvChange => ({ key, action: before.has(key) ? 'remove' : 'absent' })),
  ];
  return { file: { entries }, changes };
}

function trailingNewline(raw: string): string {
  return /\r?\n$/.exec(raw)?.[0] ?? '';
}

/** True when the edit would change the file. */
export const changesAnything = (changes: readonly EnvChange[]) => changes.some((c) => c.action !== 'keep' && c.action !== 'absent');

/**
 * A local dotenv file for `env push`: the same reading, plus the `export KEY=…` lines many dotenv
 * files use. Keys must be valid; the lines that assign nothing are reported, not guessed at.
 */
export function parseDotenv(text: string): { values: Map<string, string>; problems: string[] } {
  const file = parseEnvFile(text.replace(/^([ \t]*)export[ \t]+(?=[A-Za-z_][A-Za-z0-9_]*=)/gm, '$1'));
  const values = new Map<string, string>();
  const problems: string[] = [];
  for (const e of file.entries) {
    if (e.kind === 'assignment') {
      if (ENV_KEY.test(e.key)) values.set(e.key, e.value);
      else problems.push(`line ${e.line}: ${e.key} is not a valid key (capital letters, digits and _)`);
    } else if (e.raw.trim() !== '' && !/^[ \t]*[#;]/.test(e.raw)) {
      problems.push(`line ${e.line}: not a KEY=value assignment`);
    }
  }
  return { values, problems };
}
