/**
 * Just enough of Elixir's lexer to read mix.exs and rel/config.exs without evaluating them:
 * comments, strings, heredocs, sigils, atoms, keyword keys and brackets, each with its offsets.
 * Anything unexpected becomes an `op` token, so junk never throws.
 */
export type TokenKind = 'atom' | 'key' | 'string' | 'ident' | 'alias' | 'attr' | 'number' | 'punct' | 'op';

export interface ElixirToken {
  kind: TokenKind;
  /** Atom/key/ident/attr name without `:`/`@`; a string's content; otherwise the source text. */
  text: string;
  start: number;
  end: number;
  /** For strings: the content's offsets (inside the quotes). */
  contentStart?: number;
  contentEnd?: number;
  /** A string with `#{…}`: its text is not a literal value. */
  interpolated?: boolean;
}

const IDENT = /[a-z_][A-Za-z0-9_]*[?!]?/y;
const ALIAS = /[A-Z][A-Za-z0-9_]*/y;
const NUMBER = /0[xob][0-9A-Fa-f_]+|\d[\d_]*(?:\.\d[\d_]*)?(?:[eE][+-]?\d+)?/y;
const OPERATOR = /[=<>!|&+\-*/^\\~]+/y;
const SIGIL_PAIRS: Record<string, string> = { '(': ')', '[': ']', '{': '}', '<': '>' };

export function tokenizeElixir(text: string): ElixirToken[] {
  const tokens: ElixirToken[] = [];
  let i = 0;
  const n = text.length;
  const sticky = (re: RegExp): string | undefined => {
    re.lastIndex = i;
    return re.exec(text)?.[0];
  };
  while (i < n) {
    const c = text[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === '#') {
      const eol = text.indexOf('\n', i);
      i = eol === -1 ? n : eol;
    } else if (c === '"' || c === "'") {
      const s = readString(text, i);
      const keyAfter = text[s.end] === ':' && /[\s]/.test(text[s.end + 1] ?? '');
      tokens.push(keyAfter ? { ...s, kind: 'key', end: s.end + 1 } : s);
      i = keyAfter ? s.end + 1 : s.end;
    } else if (c === '~' && /[A-Za-z]/.test(text[i + 1] ?? '')) {
      const s = readSigil(text, i);
      tokens.push(s);
      i = s.end;
    } else if (c === ':' && text[i + 1] === ':') {
      tokens.push({ kind: 'op', text: '::', start: i, end: i + 2 });
      i += 2;
    } else if (c === ':' && (text[i + 1] === '"' || text[i + 1] === "'")) {
      const s = readString(text, i + 1);
      tokens.push({ ...s, kind: 'atom', start: i });
      i = s.end;
    } else if (c === ':' && /[A-Za-z_]/.test(text[i + 1] ?? '')) {
      i++;
      const name = sticky(/[A-Za-z_][A-Za-z0-9_@.]*[?!]?/y) ?? '';
      tokens.push({ kind: 'atom', text: name, start: i - 1, end: i + name.length });
      i += name.length;
    } else if (c === '@' && /[a-z_]/.test(text[i + 1] ?? '')) {
      i++;
      const name = sticky(IDENT) ?? '';
      tokens.push({ kind: 'attr', text: name, start: i - 1, end: i + name.length });
      i += name.length;
    } else if (c === '?' && i + 1 < n) {
      const length = text[i + 1] === '\\' ? 3 : 2;
      tokens.push({ kind: 'number', text: text.slice(i, i + length), start: i, end: i + length });
      i += length;
    } else if (/[a-z_]/.test(c)) {
      const name = sticky(IDENT) ?? c;
      const end = i + name.length;
      const isKey = text[end] === ':' && text[end + 1] !== ':';
      tokens.push({ kind: isKey ? 'key' : 'ident', text: name, start: i, end: isKey ? end + 1 : end });
      i = isKey ? end + 1 : end;
    } else if (/[A-Z]/.test(c)) {
      const name = sticky(ALIAS) ?? c;
      tokens.push({ kind: 'alias', text: name, start: i, end: i + name.length });
      i += name.length;
    } else if (/\d/.test(c)) {
      const number = sticky(NUMBER) ?? c;
      tokens.push({ kind: 'number', text: number, start: i, end: i + number.length });
      i += number.length;
    } else if ('[](){},.%;'.includes(c)) {
      tokens.push({ kind: 'punct', text: c, start: i, end: i + 1 });
      i++;
    } else {
      const op = sticky(OPERATOR) ?? c;
      tokens.push({ kind: 'op', text: op, start: i, end: i + op.length });
      i += op.length;
    }
  }
  return tokens;
}

/** A string, charlist or heredoc starting at `start` (a quote). */
function readString(text: string, start: number): ElixirToken {
  const quote = text[start];
  const triple = text.startsWith(quote.repeat(3), start);
  if (triple) {
    const body = heredocBodyStart(text, start + 3);
    const closeAt = findHeredocEnd(text, start + 3, quote.repeat(3));
    const content = text.slice(body, Math.max(body, closeAt.contentEnd));
    return {
      kind: 'string', text: content, start, end: closeAt.end,
      contentStart: body, contentEnd: Math.max(body, closeAt.contentEnd), interpolated: content.includes('#{'),
    };
  }
  const { contentEnd, end, interpolated } = scanQuoted(text, start + 1, quote, true);
  return { kind: 'string', text: text.slice(start + 1, contentEnd), start, end, contentStart: start + 1, contentEnd, interpolated };
}

/** A heredoc's content starts on the line after its opening quotes. */
function heredocBodyStart(text: string, afterQuotes: number): number {
  const newline = text.indexOf('\n', afterQuotes);
  return newline === -1 ? text.length : newline + 1;
}

function findHeredocEnd(text: string, from: number, closer: string): { contentEnd: number; end: number } {
  const re = new RegExp(`\\n[ \\t]*${closer}`, 'g');
  re.lastIndex = from;
  const m = re.exec(text);
  if (!m) return { contentEnd: text.length, end: text.length };
  return { contentEnd: m.index, end: m.index + m[0].length };
}

/** Scans to the closing delimiter, honouring escapes and (optionally) nested `#{…}` interpolation. */
function scanQuoted(text: string, from: number, close: string, escapes: boolean, open?: string): { contentEnd: number; end: number; interpolated: boolean } {
  let depth = 0;
  let interpolated = false;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (escapes && c === '\\') {
      i++;
    } else if (escapes && c === '#' && text[i + 1] === '{') {
      interpolated = true;
      i = skipInterpolation(text, i + 2) - 1;
    } else if (open !== undefined && c === open) {
      depth++;
    } else if (c === close) {
      if (depth === 0) return { contentEnd: i, end: i + 1, interpolated };
      depth--;
    }
  }
  return { contentEnd: text.length, end: text.length, interpolated };
}

function skipInterpolation(text: string, from: number): number {
  let depth = 1;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (c === '"' || c === "'") i = scanQuoted(text, i + 1, c, true).end - 1;
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return i + 1;
  }
  return text.length;
}

function readSigil(text: string, start: number): ElixirToken {
  let i = start + 1;
  while (i < text.length && /[A-Za-z]/.test(text[i])) i++;
  const lowercase = /[a-z]/.test(text[start + 1]);
  const delimiter = text[i] ?? '';
  let contentEnd: number;
  let end: number;
  let interpolated = false;
  if (text.startsWith('"""', i) || text.startsWith("'''", i)) {
    const found = findHeredocEnd(text, i + 3, text.slice(i, i + 3));
    i = heredocBodyStart(text, i + 3);
    contentEnd = Math.max(i, found.contentEnd);
    end = found.end;
  } else if (delimiter === '' || /[\sA-Za-z0-9]/.test(delimiter)) {
    return { kind: 'op', text: text.slice(start, i), start, end: i };
  } else {
    const close = SIGIL_PAIRS[delimiter] ?? delimiter;
    const scanned = scanQuoted(text, i + 1, close, lowercase, SIGIL_PAIRS[delimiter] ? delimiter : undefined);
    ({ contentEnd, end, interpolated } = scanned);
    i += 1;
  }
  while (end < text.length && /[A-Za-z]/.test(text[end])) end++;
  return { kind: 'string', text: text.slice(i, contentEnd), start, end, contentStart: i, contentEnd, interpolated };
}

/** Index of the bracket that closes the one at `open` (counting `do`/`fn`…`end` too), or -1. */
export function closingIndex(tokens: readonly ElixirToken[], open: number): number {
  let depth = 0;
  for (let i = open; i < tokens.length; i++) {
    const delta = depthDelta(tokens[i]);
    depth += delta;
    if (delta < 0 && depth === 0) return i;
  }
  return -1;
}

export function depthDelta(token: ElixirToken): number {
  if (token.kind === 'punct') return '([{'.includes(token.text) ? 1 : ')]}'.includes(token.text) ? -1 : 0;
  if (token.kind === 'ident') return token.text === 'do' || token.text === 'fn' ? 1 : token.text === 'end' ? -1 : 0;
  return 0;
}

export interface KeywordEntry {
  key: ElixirToken;
  /** Token indexes [valueStart, valueEnd) of the value expression. */
  valueStart: number;
  valueEnd: number;
}

/** Entries `key: value` of the keyword list opened by the `[` at `open`. */
export function keywordEntries(tokens: readonly ElixirToken[], open: number): KeywordEntry[] {
  const close = closingIndex(tokens, open);
  const last = close === -1 ? tokens.length : close;
  const entries: KeywordEntry[] = [];
  let depth = 0;
  let elementStart = open + 1;
  for (let i = open + 1; i <= last; i++) {
    const token = tokens[i];
    const atTopComma = token !== undefined && depth === 0 && token.kind === 'punct' && token.text === ',';
    if (i === last || atTopComma) {
      const key = tokens[elementStart];
      if (key?.kind === 'key' && elementStart + 1 <= i) entries.push({ key, valueStart: elementStart + 1, valueEnd: i });
      elementStart = i + 1;
      continue;
    }
    depth += depthDelta(token);
  }
  return entries;
}

/** Value of a module attribute set literally: `@version "0.1.0"`. */
export function attributeString(tokens: readonly ElixirToken[], name: string): ElixirToken | undefined {
  for (let i = 0; i + 1 < tokens.length; i++) {
    if (tokens[i].kind === 'attr' && tokens[i].text === name && tokens[i + 1].kind === 'string') return tokens[i + 1];
  }
  return undefined;
}
