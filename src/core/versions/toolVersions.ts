import { splitLines, type TextRange } from './text';

/**
 * asdf's `.tool-versions`: `tool version [fallback...]`, `#` starts a comment anywhere on a line.
 * Only erlang and elixir matter here; every other tool is ignored.
 */
export type ToolName = 'erlang' | 'elixir';

/** `version` is comparable; `ref:`/`path:`/`system` and anything else (e.g. `latest`, `main-otp-26`) are not. */
export type ToolVersionKind = 'version' | 'ref' | 'path' | 'system' | 'other';

export interface ToolVersionEntry {
  tool: ToolName;
  /** The first version on the line: the one asdf uses; the others are fallbacks. */
  raw: string;
  kind: ToolVersionKind;
  /** Range of `raw`. */
  range: TextRange;
  /** The version number (`1.15.7` of `1.15.7-otp-26`), present when kind is `version`. */
  version?: string;
  versionRange?: TextRange;
  /** Elixir only: the OTP major of an `-otp-NN` suffix. */
  otpMajor?: string;
  otpRange?: TextRange;
  fallbacks: string[];
}

export interface ToolVersions {
  erlang?: ToolVersionEntry;
  elixir?: ToolVersionEntry;
}

const ERLANG_VERSION = /^\d+(?:\.\d+)*$/;
const ELIXIR_VERSION = /^(\d+(?:\.\d+)*(?:-rc\.?\d+)?)(?:-otp-(\d+))?$/;

export function parseToolVersions(text: string): ToolVersions {
  const result: ToolVersions = {};
  splitLines(text).forEach((line, index) => {
    const hash = line.text.indexOf('#');
    const content = hash === -1 ? line.text : line.text.slice(0, hash);
    const tokens = tokenize(content);
    if (tokens.length < 2) return;
    const tool = tokens[0].text;
    if (tool !== 'erlang' && tool !== 'elixir') return;
    // asdf reads the first line for a tool; later duplicates are ignored.
    if (result[tool]) return;
    result[tool] = toEntry(tool, tokens.slice(1), index + 1);
  });
  return result;
}

function toEntry(tool: ToolName, versions: Token[], line: number): ToolVersionEntry {
  const first = versions[0];
  const range = (start: number, end: number): TextRange => ({ line, column: start + 1, endLine: line, endColumn: end + 1 });
  const entry: ToolVersionEntry = {
    tool,
    raw: first.text,
    kind: kindOf(first.text),
    range: range(first.start, first.start + first.text.length),
    fallbacks: versions.slice(1).map((t) => t.text),
  };
  if (entry.kind !== 'other') return entry;
  if (tool === 'erlang' && ERLANG_VERSION.test(first.text)) {
    return { ...entry, kind: 'version', version: first.text, versionRange: entry.range };
  }
  const elixir = tool === 'elixir' ? ELIXIR_VERSION.exec(first.text) : null;
  if (!elixir) return entry;
  const versionEnd = first.start + elixir[1].length;
  const withVersion = { ...entry, kind: 'version' as const, version: elixir[1], versionRange: range(first.start, versionEnd) };
  if (elixir[2] === undefined) return withVersion;
  const otpStart = first.start + first.text.length - elixir[2].length;
  return { ...withVersion, otpMajor: elixir[2], otpRange: range(otpStart, otpStart + elixir[2].length) };
}

function kindOf(raw: string): ToolVersionKind {
  if (raw.startsWith('ref:')) return 'ref';
  if (raw.startsWith('path:')) return 'path';
  if (raw === 'system') return 'system';
  return 'other';
}

interface Token {
  text: string;
  /** 0-based column. */
  start: number;
}

function tokenize(content: string): Token[] {
  const tokens: Token[] = [];
  const re = /[^ \t\v\f]+/g;
  for (let m = re.exec(content); m; m = re.exec(content)) tokens.push({ text: m[0], start: m.index });
  return tokens;
}
