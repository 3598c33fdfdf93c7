/**
 * What the app said, out of its raw log: the lines a person needs to see first when a slot, a
 * service or a migration fails. An Elixir release that fails to boot prints the one line that
 * matters (`** (RuntimeError) environment variable DATABASE_URL is missing.`) among a stack trace,
 * an Erlang term dump repeating it as byte lists (`<<101,110,…>>`), and crash-dump chatter.
 * Pure: the callers read the journal, the `logs:` command or the migration's output.
 */

/** How many lines the summary keeps: enough for an exception and its hint, never a whole log. */
export const APP_SAYS_MAX_LINES = 8;

/** `<<101,110,118>>` → `env`; a list that is not UTF-8 text stays as it was. */
export function decodeByteLists(text: string): string {
  return text.replace(/<<(\s*\d{1,3}(?:\s*,\s*\d{1,3})*\s*)>>/g, (whole, list: string) => {
    const bytes = list.split(',').map((b) => Number(b.trim()));
    if (bytes.some((b) => b > 255)) return whole;
    const decoded = Buffer.from(bytes).toString('utf8');
    return decoded.includes('\uFFFD') ? whole : JSON.stringify(decoded);
  });
}

const LOG_TAG = /^\[(error|warning|warn|info|notice|debug|critical|alert|emergency)\]/i;

/**
 * A line of an Erlang or Elixir term printed whole (a crash report), not a sentence; journald
 * keeps an error report's pretty-printed term as one entry per line, so fragments count too.
 */
function isTermDump(line: string): boolean {
  const body = line.replace(/^(Runtime terminating during boot|Kernel pid terminated|init terminating in do_boot)\s*/, '').trim();
  if (/^=[A-Z ]*REPORT=+/.test(body) || /^Error in process <[\d.]+> .*with exit value:?$/.test(body)) return true;
  if (LOG_TAG.test(body) || body.startsWith('** (')) return false;
  if (/^[({[#'=]/.test(body) && /[{}[\]]|=>/.test(body)) return true;
  if (/^[a-z_]+\s*(?:=>|,)/.test(body)) return true;
  // A piece cut from the middle of a long term: mostly brackets and commas.
  const punctuation = body.replace(/[^{}[\],]/g, '').length;
  return body.length >= 20 && punctuation / body.length > 0.12;
}

/** The text a term dump carries as binaries (`<<"…">>` or byte lists): an exception's message, line by line. */
function stringsIn(line: string): string[] {
  const found: string[] = [];
  for (const m of line.matchAll(/<<(\s*\d{1,3}(?:\s*,\s*\d{1,3})*\s*)>>|<<("(?:[^"\\]|\\.)*")>>/g)) {
    const quoted = m[1] !== undefined ? decodeByteLists(`<<${m[1]}>>`) : m[2];
    if (!quoted.startsWith('"')) continue;
    try {
      found.push(JSON.parse(quoted) as string);
    } catch {
      found.push(quoted.slice(1, -1));
    }
  }
  return found.flatMap((s) => s.split(/\r?\n/)).map((s) => s.trim()).filter((s) => s !== '');
}

const STACK_FRAME = /^\s*\((?:[a-z_]+ [\d.]+|elixir|stdlib|kernel)[^)]*\)\s+\S+:\d+:|^\s*(?:\(\w[\w.]*\s[\d.]+\)\s)?(?:lib|src)\/\S+\.exs?:\d+:|^\s{4,}\S+\.erl:\d+:|^\s*\(\w+ [\d.]+\) /;
const NOISE = [
  /^Crash dump is being written to: /,
  /^\.*done\.?$/, // the crash-dump notice's end, when it arrives on its own line
  /^\s*$/,
  /^=+\s*$/,
];

type Weight = 0 | 1 | 2 | 3;

/**
 * 3: the exception and what the app meant by it; 2: errors and the known reasons a Phoenix
 * release stays silent; 1: other warnings; 0: the rest, kept last for context.
 */
function weigh(line: string): Weight {
  if (/^\*\* \(/.test(line) || /environment variable \S+ is missing/.test(line)) return 3;
  if (/Configuration :server was not enabled/.test(line) || /seems to be in use by another Erlang node/.test(line)) return 3;
  if (/^ERROR!|\[error\]|\berror\b|\{:shutdown,|shutdown: failed to start child|Application \S+ exited|could not start|failed to start/i.test(line)) return 2;
  if (/\[warn(ing)?\]|\bwarning\b|\[notice\]/i.test(line)) return 1;
  return 0;
}

/**
 * The app's words, most telling first, each once: exceptions (and the lines they run on to)
 * before errors before warnings before the rest; byte lists decoded; stack frames, crash-dump
 * notices and term dumps dropped (a dump's message is kept when nothing else said it).
 */
export function extractAppSays(raw: string | readonly string[], max = APP_SAYS_MAX_LINES): string[] {
  const lines = (typeof raw === 'string' ? raw.split(/\r?\n/) : raw.flatMap((l) => l.split(/\r?\n/)))
    .map((l) => l.replace(/\s+$/, ''));
  const picked: Array<{ text: string; weight: Weight; at: number }> = [];
  const seen = new Set<string>();
  const dumped: string[] = [];
  const add = (text: string, weight: Weight, at: number) => {
    const key = normalise(text);
    if (key === '' || seen.has(key)) return;
    seen.add(key);
    picked.push({ text, weight, at });
  };
  let inException = false;
  lines.forEach((original, at) => {
    const line = original.trim();
    if (NOISE.some((n) => n.test(original)) || STACK_FRAME.test(original)) {
      if (/^\s*$/.test(original) || STACK_FRAME.test(original)) inException = false;
      return;
    }
    if (isTermDump(line)) {
      dumped.push(...stringsIn(line));
      inException = false;
      return;
    }
    const text = decodeByteLists(line);
    const weight = weigh(text);
    if (weight === 3 && text.startsWith('** (')) inException = true;
    // A message's own continuation lines (`For example: ecto://…`) belong with it.
    add(text, inException && weight < 3 ? 3 : weight, at);
  });
  for (const s of dumped) {
    // The exception's message, when the app's own print of it was lost (a boot halting mid-write).
    if (![...seen].some((k) => k.includes(normalise(s)) || normalise(s).includes(k))) add(s, 3, lines.length);
  }
  return picked
    .sort((a, b) => b.weight - a.weight || a.at - b.at)
    .slice(0, max)
    .map((p) => p.text);
}

/** Lines equal but for a timestamp, a log-level tag or trailing punctuation count once. */
function normalise(text: string): string {
  return text
    .replace(/^\d{2}:\d{2}:\d{2}\.\d{3}\s+/, '')
    .replace(/^\*\* \([\w.]+\)\s*/, '')
    .replace(/^\[(error|warning|warn|notice|info)\]\s*/i, '')
    .replace(/[.\s]+$/, '')
    .trim()
    .toLowerCase();
}

/** `said:` then the lines, indented: how every surface leads a failure with the app's words. */
export function describeAppSays(source: string, says: readonly string[]): string {
  return `${source} said:\n${says.map((l) => `  ${l}`).join('\n')}`;
}
