import { attributeString, closingIndex, keywordEntries, tokenizeElixir, type ElixirToken, type KeywordEntry } from './elixirTokens';
import { LineIndex, type TextRange } from './text';

/**
 * The parts of mix.exs that decide a release: `app:`, `version:`, the `elixir:` requirement and
 * `releases:`. Read from tokens, never evaluated; module attributes (`@version "…"`) and a
 * `releases: releases()` helper are followed, other expressions are reported as not literal.
 */
export interface MixRelease {
  name: string;
  /** true by default; a string is a path to an ERTS to embed. */
  includeErts: boolean | string;
  /** False when `include_erts:` is an expression that cannot be read without running it. */
  includeErtsKnown: boolean;
  /** The release's name in `releases:`. */
  range: TextRange;
  /** The `include_erts: …` pair, when written. */
  includeErtsRange?: TextRange;
}

export interface MixProject {
  app?: string;
  appRange?: TextRange;
  version?: string;
  elixirRequirement?: string;
  /** The requirement string's content, without quotes. */
  elixirRequirementRange?: TextRange;
  releases: MixRelease[];
}

export function parseMixExs(text: string): MixProject {
  const tokens = tokenizeElixir(text);
  const lines = new LineIndex(text);
  const project: MixProject = { releases: [] };
  const open = projectListIndex(tokens);
  if (open === -1) return project;
  for (const entry of keywordEntries(tokens, open)) {
    const value = tokens.slice(entry.valueStart, entry.valueEnd);
    switch (entry.key.text) {
      case 'app':
        if (value.length === 1 && value[0].kind === 'atom') {
          project.app = value[0].text;
          project.appRange = lines.range(value[0].start, value[0].end);
        }
        break;
      case 'version':
        project.version = literalString(tokens, value)?.text;
        break;
      case 'elixir': {
        const requirement = literalString(tokens, value);
        if (requirement) {
          project.elixirRequirement = requirement.text;
          project.elixirRequirementRange = lines.range(requirement.contentStart ?? requirement.start, requirement.contentEnd ?? requirement.end);
        }
        break;
      }
      case 'releases':
        project.releases = readReleases(tokens, entry, lines);
        break;
    }
  }
  return project;
}

/** The configured app, else the only release's name, else mix.exs `app:`. */
export function resolveAppName(configApp: string | undefined, mix: MixProject): string | undefined {
  if (configApp) return configApp;
  if (mix.releases.length === 1) return mix.releases[0].name;
  return mix.app;
}

/** The release a deploy builds: named after the app; when mix.exs has no `releases:`, the default one. */
export function releaseFor(mix: MixProject, app: string | undefined): MixRelease | undefined {
  return mix.releases.find((r) => r.name === app);
}

/** The `[` of `def project do [...]` (or `def project, do: [...]`). */
function projectListIndex(tokens: ElixirToken[]): number {
  for (let i = 0; i + 1 < tokens.length; i++) {
    if (tokens[i].kind === 'ident' && tokens[i].text === 'def' && tokens[i + 1].text === 'project') {
      return nextListIndex(tokens, i + 2);
    }
  }
  return -1;
}

function nextListIndex(tokens: ElixirToken[], from: number): number {
  for (let i = from; i < tokens.length && i < from + 8; i++) {
    if (tokens[i].kind === 'punct' && tokens[i].text === '[') return i;
  }
  return -1;
}

/** A value that is one string literal, or an attribute set to one. */
function literalString(tokens: ElixirToken[], value: ElixirToken[]): ElixirToken | undefined {
  if (value.length !== 1) return undefined;
  const token = value[0].kind === 'attr' ? attributeString(tokens, value[0].text) : value[0];
  return token?.kind === 'string' && !token.interpolated ? token : undefined;
}

function readReleases(tokens: ElixirToken[], entry: KeywordEntry, lines: LineIndex): MixRelease[] {
  const first = tokens[entry.valueStart];
  let open = -1;
  if (first.kind === 'punct' && first.text === '[') {
    open = entry.valueStart;
  } else if (first.kind === 'ident') {
    // `releases: releases()` → `defp releases do [...] end`
    for (let i = 0; i + 1 < tokens.length; i++) {
      if (tokens[i].kind === 'ident' && (tokens[i].text === 'def' || tokens[i].text === 'defp') && tokens[i + 1].text === first.text && i + 1 !== entry.valueStart) {
        open = nextListIndex(tokens, i + 2);
        break;
      }
    }
  }
  if (open === -1) return [];
  return keywordEntries(tokens, open).map((release) => readRelease(tokens, release, lines));
}

function readRelease(tokens: ElixirToken[], release: KeywordEntry, lines: LineIndex): MixRelease {
  const result: MixRelease = {
    name: release.key.text,
    includeErts: true,
    includeErtsKnown: true,
    range: lines.range(release.key.start, release.key.end - 1),
  };
  const open = release.valueStart;
  if (!(tokens[open]?.kind === 'punct' && tokens[open].text === '[') || closingIndex(tokens, open) === -1) return result;
  const option = keywordEntries(tokens, open).find((e) => e.key.text === 'include_erts');
  if (!option) return result;
  const value = tokens.slice(option.valueStart, option.valueEnd);
  result.includeErtsRange = lines.range(option.key.start, value[value.length - 1].end);
  const literal = readIncludeErts(value);
  if (literal === undefined) return { ...result, includeErtsKnown: false };
  return { ...result, includeErts: literal };
}

/** `true`, `false` or a path string; undefined for anything computed. */
export function readIncludeErts(value: ElixirToken[]): boolean | string | undefined {
  if (value.length !== 1) return undefined;
  const token = value[0];
  if (token.kind === 'ident' && (token.text === 'true' || token.text === 'false')) return token.text === 'true';
  if (token.kind === 'string' && !token.interpolated) return token.text;
  return undefined;
}
