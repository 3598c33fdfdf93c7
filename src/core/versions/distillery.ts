import { closingIndex, tokenizeElixir, type ElixirToken } from './elixirTokens';
import { readIncludeErts } from './mixExs';
import { LineIndex, type TextRange } from './text';

/**
 * Distillery's `rel/config.exs`: `environment :prod do set include_erts: … end` and
 * `release :app do … end` blocks. An environment's setting overrides the release's, as in
 * Distillery's own `apply_environment`; unset means true.
 */
export interface IncludeErtsSetting {
  value: boolean | string;
  /** False when the value is an expression. */
  known: boolean;
  /** The `include_erts: …` pair. */
  range: TextRange;
}

/** `set vm_args: "rel/vm.args"`: the file Distillery renders into the release's vm.args. */
export interface VmArgsSetting {
  path: string;
  /** The string literal. */
  range: TextRange;
}

export interface DistilleryBlock {
  name: string;
  range: TextRange;
  includeErts?: IncludeErtsSetting;
  vmArgs?: VmArgsSetting;
  /** Custom commands from `set commands: [migrate: "rel/commands/migrate.sh"]`, run as `bin/<app> <name>`. */
  commands: string[];
}

export interface DistilleryConfig {
  environments: DistilleryBlock[];
  releases: DistilleryBlock[];
}

export function parseDistilleryConfig(text: string): DistilleryConfig {
  const tokens = tokenizeElixir(text);
  const lines = new LineIndex(text);
  const config: DistilleryConfig = { environments: [], releases: [] };
  for (let i = 0; i + 2 < tokens.length; i++) {
    const kind = tokens[i];
    const name = tokens[i + 1];
    if (kind.kind !== 'ident' || (kind.text !== 'environment' && kind.text !== 'release') || name.kind !== 'atom') continue;
    const open = tokens[i + 2].kind === 'ident' && tokens[i + 2].text === 'do' ? i + 2 : -1;
    if (open === -1) continue;
    const close = closingIndex(tokens, open);
    const block: DistilleryBlock = {
      name: name.text,
      range: lines.range(name.start, name.end),
      includeErts: findIncludeErts(tokens, open + 1, close === -1 ? tokens.length : close, lines),
      vmArgs: findVmArgs(tokens, open + 1, close === -1 ? tokens.length : close, lines),
      commands: findCommands(tokens, open + 1, close === -1 ? tokens.length : close),
    };
    (kind.text === 'environment' ? config.environments : config.releases).push(block);
  }
  return config;
}

/** A setting as the release built in an environment sees it: the environment's, else the release's. */
function effective<T>(config: DistilleryConfig, environment: string, release: string | undefined, pick: (b: DistilleryBlock) => T | undefined): T | undefined {
  const env = config.environments.find((e) => e.name === environment);
  const own = env ? pick(env) : undefined;
  if (own !== undefined) return own;
  const releases = release === undefined ? config.releases : config.releases.filter((r) => r.name === release);
  // Without a known release name, a single release block is the one built.
  if (release === undefined && releases.length !== 1) return undefined;
  return releases[0] ? pick(releases[0]) : undefined;
}

/** The effective include_erts for a release built in an environment, and where it is set. */
export function effectiveIncludeErts(config: DistilleryConfig, environment: string, release: string | undefined): IncludeErtsSetting | undefined {
  return effective(config, environment, release, (b) => b.includeErts);
}

/** The effective `vm_args` file for a release built in an environment. */
export function effectiveVmArgs(config: DistilleryConfig, environment: string, release: string | undefined): VmArgsSetting | undefined {
  return effective(config, environment, release, (b) => b.vmArgs);
}

/** Every `set vm_args:` path in the file (the files a check must look for). */
export function vmArgsPaths(config: DistilleryConfig): string[] {
  return [...new Set([...config.environments, ...config.releases].flatMap((b) => (b.vmArgs ? [b.vmArgs.path] : [])))];
}

/** The keys of `commands: [name: "script", …]` (every `set commands:` of the block). */
function findCommands(tokens: ElixirToken[], from: number, to: number): string[] {
  const names: string[] = [];
  for (let i = from; i + 1 < to; i++) {
    if (tokens[i].kind !== 'key' || tokens[i].text !== 'commands' || tokens[i + 1].text !== '[') continue;
    let depth = 0;
    for (let j = i + 1; j < to; j++) {
      const t = tokens[j];
      if (t.kind === 'punct') depth += '([{'.includes(t.text) ? 1 : ')]}'.includes(t.text) ? -1 : 0;
      if (depth === 0) break;
      if (depth === 1 && t.kind === 'key') names.push(t.text);
    }
  }
  return names;
}

/** Whether the release built in `environment` has a custom command `name` (environment or release blocks). */
export function hasCustomCommand(config: DistilleryConfig, environment: string, release: string | undefined, name: string): boolean {
  const env = config.environments.find((e) => e.name === environment);
  const releases = release === undefined ? config.releases : config.releases.filter((r) => r.name === release);
  return [...(env ? [env] : []), ...releases].some((b) => b.commands.includes(name));
}

function findVmArgs(tokens: ElixirToken[], from: number, to: number, lines: LineIndex): VmArgsSetting | undefined {
  let found: VmArgsSetting | undefined;
  for (let i = from; i + 1 < to; i++) {
    const value = tokens[i + 1];
    if (tokens[i].kind !== 'key' || tokens[i].text !== 'vm_args' || value.kind !== 'string' || value.interpolated) continue;
    found = { path: value.text, range: lines.range(value.start, value.end) };
  }
  return found;
}

function findIncludeErts(tokens: ElixirToken[], from: number, to: number, lines: LineIndex): IncludeErtsSetting | undefined {
  let found: IncludeErtsSetting | undefined;
  for (let i = from; i < to; i++) {
    if (tokens[i].kind !== 'key' || tokens[i].text !== 'include_erts') continue;
    const value = valueTokens(tokens, i + 1, to);
    if (value.length === 0) continue;
    const literal = readIncludeErts(value);
    // A later `set` wins, as it does when Distillery evaluates the block.
    found = {
      value: literal ?? true,
      known: literal !== undefined,
      range: lines.range(tokens[i].start, value[value.length - 1].end),
    };
  }
  return found;
}

/** Tokens of one keyword value: up to a top-level comma, closing bracket or the end of the line's `set`. */
function valueTokens(tokens: ElixirToken[], from: number, to: number): ElixirToken[] {
  const value: ElixirToken[] = [];
  let depth = 0;
  for (let i = from; i < to; i++) {
    const t = tokens[i];
    if (depth === 0 && (t.kind === 'key' || (t.kind === 'punct' && (t.text === ',' || t.text === ')' || t.text === ']')))) break;
    if (depth === 0 && t.kind === 'ident' && (t.text === 'set' || t.text === 'end' || t.text === 'plugin')) break;
    if (t.kind === 'punct') depth += '([{'.includes(t.text) ? 1 : ')]}'.includes(t.text) ? -1 : 0;
    value.push(t);
  }
  return value;
}
