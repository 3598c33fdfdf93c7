/**
 * The Dockerfile's final stage read as the host's spec: the Debian packages its `apt-get install`
 * lines name, the locales it generates, and its ENV. Pure; the setup steps and `check` read it.
 */
import { parseDockerfile, type DockerStage, type ParsedDockerfile } from '../versions/dockerfile';
import { splitDockerfileWords } from '../versions/dockerfileWords';
import type { TextRange } from '../versions/text';

export interface StageFact<T> {
  value: T;
  /** The instruction that states it, in the Dockerfile. */
  range: TextRange;
}

export interface FinalStageSpec {
  /** Project-relative path of the Dockerfile. */
  file: string;
  stage: DockerStage;
  /** Debian package names, in order, without duplicates. */
  packages: Array<StageFact<string>>;
  /** Locales the stage generates, as named in /etc/locale.gen, e.g. `en_US.UTF-8`. */
  locales: Array<StageFact<string>>;
  /** ENV of the final stage (later wins), e.g. LANG, LC_ALL, ERL_AFLAGS. */
  env: Array<StageFact<[string, string]>>;
}

/** Debian package names (policy §5.6.1), with an optional `=version` or `:arch` kept apart. */
const PACKAGE = /^([a-z0-9][a-z0-9+.-]+)(?:[:=].*)?$/;
const LOCALE = /\b([a-z]{2,3}_[A-Z]{2}(?:\.[A-Za-z0-9-]+)?(?:@[a-z]+)?)/g;

/** The last stage, unless it is the build stage itself (a single-stage Dockerfile ships no runtime spec). */
export function finalStageOf(parsed: ParsedDockerfile, builderStage?: DockerStage): DockerStage | undefined {
  const last = parsed.stages[parsed.stages.length - 1];
  if (!last || last === builderStage || parsed.stages.length < 2) return undefined;
  return last;
}

export function readFinalStage(text: string, file: string, builderTarget?: string): FinalStageSpec | undefined {
  const parsed = parseDockerfile(text);
  const builder = builderTarget ? parsed.stages.find((s) => s.name === builderTarget.toLowerCase()) : undefined;
  const stage = finalStageOf(parsed, builder);
  if (!stage) return undefined;
  const packages: Array<StageFact<string>> = [];
  const locales: Array<StageFact<string>> = [];
  for (const run of stage.runs) {
    for (const segment of run.text.split(/&&|\|\||;|\|/)) {
      const words = splitDockerfileWords({ value: segment, origins: Array.from(segment, () => -1) }, parsed.escape).map((w) => w.value);
      for (const name of installedPackages(words)) {
        if (!packages.some((p) => p.value === name)) packages.push({ value: name, range: run.range });
      }
      for (const locale of generatedLocales(segment, words)) {
        if (!locales.some((l) => l.value === locale)) locales.push({ value: locale, range: run.range });
      }
    }
  }
  const env = stage.env.map((e) => ({ value: [e.name, e.value.value] as [string, string], range: e.range }));
  return { file, stage, packages, locales, env };
}

/** `apt-get [opts] install [opts] a b c` (also `apt install`): the package words. */
function installedPackages(words: string[]): string[] {
  const tool = words.findIndex((w) => w === 'apt-get' || w === 'apt' || w.endsWith('/apt-get'));
  if (tool < 0) return [];
  const install = words.indexOf('install', tool + 1);
  if (install < 0 || words.slice(tool + 1, install).some((w) => !w.startsWith('-'))) return [];
  return words.slice(install + 1).flatMap((w) => {
    if (w.startsWith('-')) return [];
    const m = PACKAGE.exec(w.replace(/^(["'])(.*)\1$/, '$2'));
    return m ? [m[1]] : [];
  });
}

/** Locales a segment enables in /etc/locale.gen (sed or echo) or builds with localedef. */
function generatedLocales(segment: string, words: string[]): string[] {
  if (words[0] === 'localedef') return words.length > 1 && !words[words.length - 1].startsWith('-') ? [words[words.length - 1]] : [];
  if (!segment.includes('/etc/locale.gen') || words[0] === 'locale-gen') return [];
  return [...segment.matchAll(LOCALE)].map((m) => m[1]);
}
