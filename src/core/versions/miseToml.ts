import { parseTOML, type AST } from 'toml-eslint-parser';
import { readPin, type PinnedTool, type ToolName, type ToolPins } from './pins';
import { LineIndex, type TextRange } from './text';

export interface MiseConfig {
  pins: ToolPins;
  /** Set when the file is not valid TOML: mise itself refuses it. */
  error?: { message: string; range: TextRange };
}

type Path = Array<string | number>;

/**
 * `[tools]` of a mise config: `erlang = "27.2"`, `elixir = ["1.18.1-otp-27", …]` (the first is
 * used), `erlang = { version = "27.2" }`, `[tools.erlang] version = "27.2"`, and the `core:` names.
 * Parsed with toml-eslint-parser, whose syntax tree keeps every value's offsets.
 */
export function parseMiseConfig(text: string, file: string): MiseConfig {
  const lines = new LineIndex(text);
  let program: AST.TOMLProgram;
  try {
    program = parseTOML(text);
  } catch (error) {
    const at = error as { message?: string; index?: number };
    const offset = typeof at.index === 'number' ? at.index : 0;
    return { pins: {}, error: { message: at.message ?? String(error), range: lines.range(offset, Math.min(offset + 1, text.length)) } };
  }
  const values = new Map<string, AST.TOMLContentNode>();
  for (const item of program.body[0].body) {
    if (item.type === 'TOMLKeyValue') collect([], item, values);
    else for (const kv of item.body) collect(item.resolvedKey, kv, values);
  }
  const pins: ToolPins = {};
  for (const tool of ['erlang', 'elixir'] as const) {
    const pin = pinOf(tool, file, text, lines, values);
    if (pin) pins[tool] = pin;
  }
  return { pins };
}

function collect(prefix: Path, kv: AST.TOMLKeyValue, into: Map<string, AST.TOMLContentNode>): void {
  const path = [...prefix, ...kv.key.keys.map((k) => (k.type === 'TOMLBare' ? k.name : k.value))];
  visit(path, kv.value, into);
}

function visit(path: Path, node: AST.TOMLContentNode, into: Map<string, AST.TOMLContentNode>): void {
  into.set(JSON.stringify(path), node);
  if (node.type === 'TOMLInlineTable') for (const kv of node.body) collect(path, kv, into);
  if (node.type === 'TOMLArray') node.elements.forEach((element, i) => visit([...path, i], element, into));
}

function pinOf(tool: ToolName, file: string, text: string, lines: LineIndex, values: Map<string, AST.TOMLContentNode>): PinnedTool | undefined {
  for (const name of [tool, `core:${tool}`]) {
    const at = (...rest: Path) => values.get(JSON.stringify(['tools', name, ...rest]));
    // A string; a list's first element; the `version` of a table, inline or `[tools.x]`/`[[tools.x]]`.
    const value = [at(), at(0), at('version'), at(0, 'version')].find((node) => node?.type === 'TOMLValue');
    if (value?.type !== 'TOMLValue') continue;
    const list = at();
    const fallbacks = list?.type === 'TOMLArray'
      ? list.elements.slice(1).flatMap((e) => (e.type === 'TOMLValue' && e.kind === 'string' ? [e.value] : []))
      : [];
    if (value.kind === 'string') return stringPin(tool, file, text, lines, value, fallbacks);
    // `erlang = 27`: mise wants a string.
    const [start, end] = value.range;
    return { tool, file, manager: 'mise', raw: text.slice(start, end), kind: 'other', range: lines.range(start, end), fallbacks };
  }
  return undefined;
}

/** Ranges point inside the quotes; a string written with escapes is read but not located char by char. */
function stringPin(tool: ToolName, file: string, text: string, lines: LineIndex, node: AST.TOMLStringValue, fallbacks: string[]): PinnedTool {
  const [start, end] = node.range;
  const quote = node.multiline ? 3 : 1;
  const inner = text.slice(start + quote, end - quote);
  if (inner !== node.value) {
    const whole = lines.range(start, end);
    return { tool, file, manager: 'mise', raw: node.value, kind: 'other', range: whole, fallbacks };
  }
  const range = (from: number, to: number) => lines.range(start + quote + from, start + quote + to);
  return readPin(tool, file, 'mise', { text: node.value, range }, fallbacks);
}
