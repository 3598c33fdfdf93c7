/**
 * Splits a configured command (restart, migrate) into argv words.
 * Quotes group words; shell operators and expansions are refused, so a config value can
 * never run more than the one program it names. Put anything fancier in a script on the host.
 */
export type WordsResult = { ok: true; words: string[] } | { ok: false; error: string };

const FORBIDDEN = /[;&|<>`$(){}\n\r\\*?~!#]/;

export function splitCommandWords(input: string): WordsResult {
  const words: string[] = [];
  let current = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (const ch of input) {
    if (quote) {
      if (ch === quote) quote = undefined;
      else if (quote === '"' && (ch === '$' || ch === '`' || ch === '\\')) return refuse(ch);
      else if (ch === '\n' || ch === '\r') return refuse(ch);
      else current += ch;
      continue;
    }
    if (ch === '"' || ch === "'") {
      quote = ch;
      inWord = true;
    } else if (ch === ' ' || ch === '\t') {
      if (inWord) words.push(current);
      current = '';
      inWord = false;
    } else if (FORBIDDEN.test(ch)) {
      return refuse(ch);
    } else {
      current += ch;
      inWord = true;
    }
  }
  if (quote) return { ok: false, error: `unterminated ${quote} quote` };
  if (inWord) words.push(current);
  if (words.length === 0) return { ok: false, error: 'empty command' };
  return { ok: true, words };
}

function refuse(ch: string): WordsResult {
  const shown = ch === '\n' ? 'a newline' : ch === '\r' ? 'a carriage return' : `"${ch}"`;
  return {
    ok: false,
    error: `contains ${shown}: shell syntax is not allowed here; put the command in a script on the host`,
  };
}
