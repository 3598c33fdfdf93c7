import { readPin, type ToolPins } from './pins';
import { PROJECT_PATHS } from './project';
import { splitLines, type TextRange } from './text';

/**
 * asdf's `.tool-versions` (mise reads it too): `tool version [fallback...]`, `#` starts a comment
 * anywhere on a line. Every other tool is ignored.
 */
export function parseToolVersions(text: string, file: string = PROJECT_PATHS.toolVersions): ToolPins {
  const result: ToolPins = {};
  splitLines(text).forEach((line, index) => {
    const hash = line.text.indexOf('#');
    const content = hash === -1 ? line.text : line.text.slice(0, hash);
    const tokens = tokenize(content);
    if (tokens.length < 2) return;
    const tool = tokens[0].text;
    if (tool !== 'erlang' && tool !== 'elixir') return;
    // asdf reads the first line for a tool; later duplicates are ignored.
    if (result[tool]) return;
    const [first, ...fallbacks] = tokens.slice(1);
    const range = (start: number, end: number): TextRange => ({ line: index + 1, column: first.start + start + 1, endLine: index + 1, endColumn: first.start + end + 1 });
    result[tool] = readPin(tool, file, 'asdf', { text: first.text, range }, fallbacks.map((t) => t.text));
  });
  return result;
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
