/**
 * The settings a release cannot boot without, read statically from config/runtime.exs (or
 * Distillery-era config/releases.exs): `System.fetch_env!("X")`, `System.get_env("X") || raise …`
 * (the phx.new shape, often over two lines), and `System.get_env("X")` handed to a function that
 * raises on nil (`|> String.to_integer()`). A variable with a default, or one only tested
 * (`if System.get_env("PHX_SERVER")`), is not required. Pure: text in, findings out.
 */

export interface RequiredSetting {
  key: string;
  /** As given, e.g. `config/runtime.exs`. */
  file: string;
  /** 1-based line and 0-based columns of the `System.…("X")` call, for a diagnostic at the token. */
  line: number;
  column: number;
  endColumn: number;
  how: 'fetch_env!' | 'or raise' | 'raises on nil';
}

/** Where the config reads a variable, whether or not it needs it. */
export type EnvCall = Omit<RequiredSetting, 'how'>;

// Modules whose functions raise (FunctionClauseError/ArgumentError) when handed nil.
const RAISES_ON_NIL = String.raw`(?:String|Base|URI|Integer|Float|Jason|Regex|Path)\.\w+!?`;
const GET = String.raw`System\.get_env\(\s*"([A-Za-z_][A-Za-z0-9_]*)"\s*\)`;

const PATTERNS: Array<{ how: RequiredSetting['how']; re: RegExp }> = [
  { how: 'fetch_env!', re: /System\.fetch_env!\(\s*"([A-Za-z_][A-Za-z0-9_]*)"\s*\)/g },
  { how: 'or raise', re: new RegExp(String.raw`${GET}\s*\|\|\s*raise\b`, 'g') },
  { how: 'raises on nil', re: new RegExp(String.raw`${GET}\s*\|>\s*${RAISES_ON_NIL}`, 'g') },
  { how: 'raises on nil', re: new RegExp(String.raw`${RAISES_ON_NIL}\(\s*${GET}\s*[,)]`, 'g') },
];

/** Comments blanked out (same length, so offsets still point at the source); strings are kept. */
function withoutComments(text: string): string {
  let out = '';
  let inString = false;
  let heredoc = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (text.startsWith('"""', i)) {
      heredoc = !heredoc;
      out += '"""';
      i += 2;
      continue;
    }
    if (!heredoc && c === '"' && text[i - 1] !== '\\') inString = !inString;
    if (c === '#' && !inString && !heredoc && text[i + 1] !== '{') {
      const end = text.indexOf('\n', i);
      const stop = end < 0 ? text.length : end;
      out += ' '.repeat(stop - i);
      i = stop - 1;
      continue;
    }
    out += c;
  }
  return out;
}

export function requiredSettings(text: string, file: string): RequiredSetting[] {
  const source = withoutComments(text);
  const found = new Map<string, RequiredSetting>();
  for (const { how, re } of PATTERNS) {
    for (const m of source.matchAll(re)) {
      const key = m[1];
      // The call's own offset: for `String.to_integer(System.get_env("X"))`, the inner call.
      const callAt = m.index! + m[0].search(/System\.(?:fetch|get)_env/);
      const callEnd = source.indexOf(')', callAt) + 1;
      const before = source.slice(0, callAt);
      const line = before.split('\n').length;
      const column = callAt - (before.lastIndexOf('\n') + 1);
      const setting: RequiredSetting = { key, file, line, column, endColumn: column + (callEnd - callAt), how };
      const known = found.get(key);
      if (!known || known.line > line) found.set(key, setting);
    }
  }
  return [...found.values()].sort((a, b) => a.line - b.line || a.column - b.column);
}

/** Where the config first reads `key` (`System.get_env("KEY")` or `fetch_env!`), whatever it does with it. */
export function envCallAt(text: string, file: string, key: string): EnvCall | undefined {
  const source = withoutComments(text);
  const m = new RegExp(String.raw`System\.(?:get_env|fetch_env!)\(\s*"${key}"[^)]*\)`).exec(source);
  if (!m) return undefined;
  const before = source.slice(0, m.index);
  const column = m.index - (before.lastIndexOf('\n') + 1);
  return { key, file, line: before.split('\n').length, column, endColumn: column + m[0].length };
}

/** The files a project's runtime settings live in, in the order they are read. */
export const RUNTIME_CONFIG_FILES = ['config/runtime.exs', 'config/releases.exs'] as const;

/** Across files (each key once, at its first place). */
export function requiredSettingsOf(files: ReadonlyArray<{ file: string; text: string }>): RequiredSetting[] {
  const seen = new Set<string>();
  return files.flatMap((f) => requiredSettings(f.text, f.file)).filter((s) => !seen.has(s.key) && seen.add(s.key) !== undefined);
}

/** The exact command that sets a missing key (a secret key base is generated, never typed). */
export function fixCommand(key: string, environment: string): string {
  const generated = /SECRET_KEY_BASE|SECRET|SALT|SIGNING_KEY|ENCRYPTION_KEY/.test(key);
  return `phoenix-deploy env set ${generated ? `${key} --generate` : `${key}=…`} --env ${environment}`;
}
