/**
 * A Dockerfile read the way the classic builder reads it: parser directives, comments, line
 * continuations, ARG defaults and `$VAR`/`${VAR}`/`${VAR:-default}` substitution in FROM.
 * Every resolved character remembers the offset it came from, so a finding or a quick fix can
 * point at the ARG default or the FROM tag that really holds a version.
 */
import { expand, splitDockerfileWords, type Scope, type Traced } from './dockerfileWords';
import { LineIndex, splitLines, type TextRange } from './text';

export type { Traced } from './dockerfileWords';

export interface DockerArg {
  name: string;
  /** Undefined for `ARG NAME` without a default. */
  value?: Traced;
  range: TextRange;
}

/** `ENV NAME=value` (or the legacy `ENV NAME value`), with `$VAR`s of the stage substituted. */
export interface DockerEnv {
  name: string;
  value: Traced;
  /** The whole `NAME=value` (or `NAME value`) text. */
  range: TextRange;
}

export interface DockerRun {
  /** The command after any `--flag` options, with continuations joined. */
  text: string;
  range: TextRange;
}

export interface DockerStage {
  index: number;
  /** Lowercase, as the builder compares stage names case-insensitively. */
  name?: string;
  /** The image word as written, e.g. `${BUILDER_IMAGE}`. */
  imageText: string;
  imageRange: TextRange;
  /** The image after substitution. */
  image: Traced;
  /** ARGs used by FROM that have no value, so the image is only chosen at build time. */
  missingArgs: string[];
  /** Set when FROM names an earlier stage. */
  baseStage?: number;
  platform?: string;
  fromRange: TextRange;
  args: DockerArg[];
  env: DockerEnv[];
  runs: DockerRun[];
  /** Every instruction after FROM, in order: what a build engine replays. */
  instructions: DockerInstruction[];
}

export interface DockerInstruction {
  /** Upper case, e.g. `COPY`. */
  keyword: string;
  /** The arguments with continuations joined (and heredoc bodies appended). */
  args: Traced;
  range: TextRange;
  /** Offset of the instruction's first character. */
  start: number;
}

export interface BuildKitFeature {
  feature: 'run-mount' | 'run-network' | 'run-security' | 'heredoc';
  message: string;
  range: TextRange;
}

export interface ParsedDockerfile {
  globalArgs: DockerArg[];
  stages: DockerStage[];
  /** Features the classic builder (dockerode's buildImage) refuses; the build engine must reject them. */
  buildKitFeatures: BuildKitFeature[];
  lines: LineIndex;
  /** The escape character (`\\` or, by parser directive, a backtick). */
  escape: '\\' | '`';
}

interface Instruction {
  keyword: string;
  args: Traced;
  start: number;
  end: number;
}

export function parseDockerfile(text: string): ParsedDockerfile {
  const lines = new LineIndex(text);
  const escape = escapeChar(text);
  const parsed: ParsedDockerfile = { globalArgs: [], stages: [], buildKitFeatures: [], lines, escape };
  for (const instruction of readInstructions(text, escape)) {
    const stage = parsed.stages[parsed.stages.length - 1];
    const range = lines.range(instruction.start, instruction.end);
    if (stage && instruction.keyword !== 'FROM') {
      stage.instructions.push({ keyword: instruction.keyword, args: instruction.args, range, start: instruction.start });
    }
    switch (instruction.keyword) {
      case 'ARG': {
        const scope = stage ? stageScope(stage.args) : globalScope(parsed.globalArgs);
        for (const arg of readArgs(instruction.args, escape, scope, lines, parsed.globalArgs, stage !== undefined)) {
          (stage ? stage.args : parsed.globalArgs).push(arg);
        }
        break;
      }
      case 'FROM': {
        const next = readFrom(instruction, escape, parsed, range);
        if (next) parsed.stages.push(next);
        break;
      }
      case 'ENV': {
        if (stage) stage.env.push(...readEnv(instruction.args, escape, stage, lines));
        break;
      }
      case 'RUN': {
        const run = readRun(instruction, lines, parsed.buildKitFeatures);
        if (stage) stage.runs.push({ ...run, range });
        break;
      }
      case 'COPY':
      case 'ADD': {
        const heredoc = heredocFeature(instruction, lines);
        if (heredoc) parsed.buildKitFeatures.push(heredoc);
        break;
      }
    }
  }
  return parsed;
}

/** Resolved-value characters [start, end) map to one contiguous stretch of the file: its range. */
export function sourceRangeOf(parsed: ParsedDockerfile, traced: Traced, start: number, end: number): TextRange | undefined {
  if (start >= end || end > traced.origins.length) return undefined;
  const first = traced.origins[start];
  for (let i = start + 1; i < end; i++) {
    if (traced.origins[i] !== first + (i - start)) return undefined;
  }
  return parsed.lines.range(first, first + (end - start));
}

/** The stage an image or stage chain starts from: follows `FROM <earlier stage>` links. */
export function rootStage(parsed: ParsedDockerfile, stage: DockerStage): DockerStage {
  let current = stage;
  const seen = new Set<number>();
  while (current.baseStage !== undefined && !seen.has(current.index)) {
    seen.add(current.index);
    current = parsed.stages[current.baseStage];
  }
  return current;
}

/** True when a RUN builds a release: `mix release`, `mix distillery.release`, `mix do …, release`. */
export function runsMixRelease(run: DockerRun): boolean {
  return /\bmix["',\s]+(?:do\s+[^&;|]*?)?(?:distillery\.release|release)(?![\w.])/.test(run.text);
}

function escapeChar(text: string): '\\' | '`' {
  for (const line of splitLines(text)) {
    const directive = /^#\s*([A-Za-z]+)\s*=\s*(\S*)\s*$/.exec(line.text);
    if (!directive) break;
    if (directive[1].toLowerCase() === 'escape' && directive[2] === '`') return '`';
  }
  return '\\';
}

/** Logical instructions: comments dropped, continuations joined, heredoc bodies appended. */
function readInstructions(text: string, escape: string): Instruction[] {
  const physical = splitLines(text);
  const instructions: Instruction[] = [];
  const continuation = new RegExp(`${escape === '\\' ? '\\\\' : '`'}[ \\t]*$`);
  let current: { chars: string[]; origins: number[]; start: number; end: number } | undefined;
  for (let i = 0; i < physical.length; i++) {
    const line = physical[i];
    const trimmed = line.text.trimStart();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    current ??= { chars: [], origins: [], start: line.start + (line.text.length - trimmed.length), end: 0 };
    const cont = continuation.exec(line.text);
    const keep = cont ? cont.index : line.text.length;
    for (let c = 0; c < keep; c++) {
      current.chars.push(line.text[c]);
      current.origins.push(line.start + c);
    }
    current.end = line.start + line.text.trimEnd().length;
    if (cont && i < physical.length - 1) continue;
    const instruction = toInstruction(current);
    current = undefined;
    if (!instruction) continue;
    i = appendHeredocs(instruction, physical, i);
    instructions.push(instruction);
  }
  return instructions;
}

function toInstruction(raw: { chars: string[]; origins: number[]; start: number; end: number }): Instruction | undefined {
  const value = raw.chars.join('');
  const match = /^\s*([A-Za-z]+)(\s+|$)/.exec(value);
  if (!match) return undefined;
  const from = match[0].length;
  return {
    keyword: match[1].toUpperCase(),
    args: { value: value.slice(from).trimEnd(), origins: raw.origins.slice(from, from + value.slice(from).trimEnd().length) },
    start: raw.start,
    end: raw.end,
  };
}

/** `RUN <<EOF` … `EOF`: the body belongs to the instruction, not to the Dockerfile's syntax. */
function appendHeredocs(instruction: Instruction, physical: Array<{ text: string; start: number }>, index: number): number {
  if (!['RUN', 'COPY', 'ADD'].includes(instruction.keyword)) return index;
  const re = /<<(-?)\s*(["']?)([A-Za-z_][A-Za-z0-9_]*)\2/g;
  let next = index;
  for (let m = re.exec(instruction.args.value); m; m = re.exec(instruction.args.value)) {
    const stripTabs = m[1] === '-';
    const terminator = m[3];
    while (next + 1 < physical.length) {
      next++;
      const body = physical[next];
      if ((stripTabs ? body.text.replace(/^\t+/, '') : body.text) === terminator) break;
      instruction.args.value += '\n' + body.text;
      instruction.args.origins.push(body.start - 1, ...Array.from(body.text, (_, c) => body.start + c));
      instruction.end = body.start + body.text.length;
    }
  }
  return next;
}

function globalScope(globals: DockerArg[]): Scope {
  return (name) => findLast(globals, name)?.value;
}

/** Inside a stage only the stage's own ARGs are visible (a bare `ARG NAME` re-imports a global). */
function stageScope(stageArgs: DockerArg[]): Scope {
  return (name) => findLast(stageArgs, name)?.value;
}

function findLast<T extends { name: string }>(items: T[], name: string): T | undefined {
  for (let i = items.length - 1; i >= 0; i--) if (items[i].name === name) return items[i];
  return undefined;
}

function readArgs(args: Traced, escape: string, scope: Scope, lines: LineIndex, globals: DockerArg[], inStage: boolean): DockerArg[] {
  const result: DockerArg[] = [];
  for (const word of splitDockerfileWords(args, escape)) {
    const eq = word.value.indexOf('=');
    const name = eq === -1 ? word.value : word.value.slice(0, eq);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) continue;
    const range = lines.range(word.origins[0], word.origins[word.origins.length - 1] + 1);
    if (eq === -1) {
      // In a stage, `ARG NAME` brings the global default into scope.
      const inherited = inStage ? findLast(globals, name)?.value : undefined;
      result.push({ name, value: inherited, range });
      continue;
    }
    const raw = { value: word.value.slice(eq + 1), origins: word.origins.slice(eq + 1) };
    const localScope: Scope = (n) => findLast(result, n)?.value ?? scope(n);
    result.push({ name, value: expand(raw, escape, localScope, new Set()), range });
  }
  return result;
}

function readFrom(instruction: Instruction, escape: string, parsed: ParsedDockerfile, fromRange: TextRange): DockerStage | undefined {
  const words = splitDockerfileWords(instruction.args, escape);
  let platform: string | undefined;
  while (words.length > 0 && words[0].value.startsWith('--')) {
    const flag = words.shift()!.value;
    if (flag.startsWith('--platform=')) platform = flag.slice('--platform='.length);
  }
  const imageWord = words[0];
  if (!imageWord) return undefined;
  const missing = new Set<string>();
  const image = expand(imageWord, escape, globalScope(parsed.globalArgs), missing);
  const name = words.length >= 3 && words[1].value.toLowerCase() === 'as' ? words[2].value.toLowerCase() : undefined;
  const lower = image.value.toLowerCase();
  const base = parsed.stages.find((s) => s.name !== undefined && s.name === lower);
  return {
    index: parsed.stages.length,
    name,
    imageText: imageWord.value,
    imageRange: parsed.lines.range(imageWord.origins[0], imageWord.origins[imageWord.origins.length - 1] + 1),
    image,
    missingArgs: [...missing],
    baseStage: base?.index,
    platform,
    fromRange,
    args: [],
    env: [],
    runs: [],
    instructions: [],
  };
}

/** ENV sees the stage's ARGs and earlier ENVs; one instruction's pairs do not see each other. */
function readEnv(args: Traced, escape: string, stage: DockerStage, lines: LineIndex): DockerEnv[] {
  const scope: Scope = (name) => findLast(stage.env, name)?.value ?? findLast(stage.args, name)?.value;
  const words = splitDockerfileWords(args, escape);
  const rangeOf = (from: Traced, to: Traced) => lines.range(from.origins[0], to.origins[to.origins.length - 1] + 1);
  const legacy = words.length > 0 && !words[0].value.includes('=');
  if (legacy) {
    // `ENV NAME value with spaces`: everything after the name, as written.
    const [name, first] = [words[0], words[1]];
    if (!first || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name.value)) return [];
    const from = args.origins.indexOf(first.origins[0]);
    const raw = { value: args.value.slice(from), origins: args.origins.slice(from) };
    return [{ name: name.value, value: expand(raw, escape, scope, new Set()), range: rangeOf(name, raw) }];
  }
  const result: DockerEnv[] = [];
  for (const word of words) {
    const eq = word.value.indexOf('=');
    const name = word.value.slice(0, eq);
    if (eq <= 0 || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) continue;
    const raw = { value: word.value.slice(eq + 1), origins: word.origins.slice(eq + 1) };
    result.push({ name, value: expand(raw, escape, scope, new Set()), range: rangeOf(word, word) });
  }
  return result;
}

const RUN_FLAGS: Record<string, BuildKitFeature['feature']> = { mount: 'run-mount', network: 'run-network', security: 'run-security' };

function readRun(instruction: Instruction, lines: LineIndex, features: BuildKitFeature[]): Omit<DockerRun, 'range'> {
  let text = instruction.args.value;
  for (let flag = /^--([a-z-]+)(?:=\S*)?\s*/.exec(text); flag; flag = /^--([a-z-]+)(?:=\S*)?\s*/.exec(text)) {
    const feature = RUN_FLAGS[flag[1]];
    if (feature) {
      const at = instruction.args.origins[instruction.args.value.length - text.length];
      features.push({ feature, message: `RUN --${flag[1]} needs BuildKit`, range: lines.range(at, at + flag[0].trimEnd().length) });
    }
    text = text.slice(flag[0].length);
  }
  const heredoc = heredocFeature(instruction, lines);
  if (heredoc) features.push(heredoc);
  return { text };
}

function heredocFeature(instruction: Instruction, lines: LineIndex): BuildKitFeature | undefined {
  const marker = /<<-?\s*(["']?)[A-Za-z_][A-Za-z0-9_]*\1/.exec(instruction.args.value);
  if (!marker) return undefined;
  const at = instruction.args.origins[marker.index];
  return { feature: 'heredoc', message: `${instruction.keyword} with a heredoc needs BuildKit`, range: lines.range(at, at + marker[0].length) };
}
