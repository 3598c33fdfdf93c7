import type { SourceRange } from '../findings';
import type { ImageContents, ProjectContext } from './context';
import { rootStage, sourceRangeOf, type DockerStage, type ParsedDockerfile } from './dockerfile';
import { parseImageReference, type ImageFacts, type TagPart } from './imageTags';
import { agreeAsFarAsSpecific } from './compare';
import { compareOs, type OsInfo } from './osRelease';
import { inFile } from './text';

/** One thing an image says about itself, and where the project states it. */
export interface Fact<T> {
  value: T;
  /** The characters that state it (an ARG default or part of a FROM tag), else the FROM image word. */
  range?: SourceRange;
  /** The FROM that uses it, when `range` is an ARG elsewhere. */
  usedAt?: SourceRange;
  /** New text for `range` that states `version` instead, or undefined when no such tag can be written. */
  rewrite?: (version: string) => string | undefined;
  /** A floating tag (`erlang:26`, `elixir:1.16`) stands for the newest matching version: a prefix. */
  floats?: boolean;
}

/** A version that an ENV or ARG name declares (`ENV ELIXIR_VERSION=1.9.4`): intent, not proof. */
export interface DeclaredVersion {
  /** e.g. `ENV ELIXIR_VERSION`. */
  declaration: string;
  value: string;
  range: SourceRange;
}

/** What the build (or run) image is known to contain: from its tag, or from a probe. */
export interface ImageSide {
  /** For messages: `the builder stage "builder" (hexpm/elixir:…)`. */
  label: string;
  otp?: Fact<string>;
  elixir?: Fact<string>;
  os?: Fact<OsInfo>;
  /** Why the tag could not tell, when it could not. */
  unknownReason?: string;
  /** What the stage's ENV/ARG names declare, for versions its tag does not state. */
  declared?: { otp?: DeclaredVersion; elixir?: DeclaredVersion };
  /** The FROM image word, the fallback place for findings. */
  range?: SourceRange;
}

export function stageSide(ctx: ProjectContext, stage: DockerStage, role: 'builder' | 'runner'): ImageSide {
  const dockerfile = ctx.dockerfile!;
  const root = rootStage(dockerfile, stage);
  const file = ctx.dockerfilePath;
  const imageRange = inFile(file, root.imageRange);
  const stageName = stage.name ? `${role} stage "${stage.name}"` : `${role} stage on line ${stage.fromRange.line}`;
  if (root.missingArgs.length > 0) {
    const args = root.missingArgs.map((a) => `ARG ${a}`).join(', ');
    return { label: `the ${stageName}`, range: imageRange, unknownReason: `${args} has no default value, so the image is only chosen at build time` };
  }
  const image = parseImageReference(root.image.value);
  const label = `the ${stageName} (${root.image.value})`;
  const floats = image.kind === 'elixir' || image.kind === 'erlang';
  const fact = <T>(part: TagPart<T> | undefined, rewrite?: (v: string) => string | undefined): Fact<T> | undefined => {
    if (!part) return undefined;
    const exact = sourceRangeOf(dockerfile, root.image, part.start, part.end);
    const range = exact ? inFile(file, exact) : imageRange;
    const usedAt = exact && !within(exact, root.fromRange) ? imageRange : undefined;
    return { value: part.value, range, usedAt, rewrite: exact ? rewrite : undefined, floats };
  };
  return {
    label,
    range: imageRange,
    otp: fact(image.otp, otpRewrite(image)),
    elixir: fact(image.elixir, elixirRewrite(image)),
    os: fact(image.os),
    unknownReason: unknownReason(image),
    declared: declaredVersions(dockerfile, stage, file),
  };
}

const DECLARING_NAMES = { otp: /^(?:OTP|ERLANG|ERLANG_OTP)_(?:VERSION|VSN)$/, elixir: /^ELIXIR_(?:VERSION|VSN)$/ };
const DECLARED_VALUE = /^(v|OTP-)?(\d+(?:\.\d+)*(?:-rc\.?\d+)?)$/;

/** The last ENV or ARG with a version-like name and value in the stage and the stages it grows from. */
function declaredVersions(dockerfile: ParsedDockerfile, stage: DockerStage, file: string): ImageSide['declared'] {
  const chain: DockerStage[] = [];
  for (let s: DockerStage | undefined = stage; s && !chain.includes(s); s = s.baseStage === undefined ? undefined : dockerfile.stages[s.baseStage]) {
    chain.unshift(s);
  }
  const found: NonNullable<ImageSide['declared']> = {};
  for (const s of chain) {
    const named = [...s.args.map((a) => ({ keyword: 'ARG', ...a })), ...s.env.map((e) => ({ keyword: 'ENV', ...e }))]
      .sort((a, b) => a.range.line - b.range.line || a.range.column - b.range.column);
    for (const { keyword, name, value, range } of named) {
      const what = (Object.keys(DECLARING_NAMES) as Array<keyof typeof DECLARING_NAMES>).find((k) => DECLARING_NAMES[k].test(name));
      const match = value && what ? DECLARED_VALUE.exec(value.value) : null;
      if (!what || !value || !match) continue;
      const start = match[1]?.length ?? 0;
      const exact = sourceRangeOf(dockerfile, value, start, start + match[2].length);
      found[what] = { declaration: `${keyword} ${name}`, value: match[2], range: inFile(file, exact ?? range) };
    }
  }
  return found.otp || found.elixir ? found : undefined;
}

/** hexpm tags every OTP release (`25.0`, `26.2.5`), never a bare major; the official elixir tag's `-otp-NN` is a major. */
function otpRewrite(image: ImageFacts): (v: string) => string | undefined {
  if (image.kind === 'elixir') return (v) => v.split('.')[0];
  if (image.kind === 'hexpm-elixir' || image.kind === 'hexpm-erlang') return (v) => (v.split('.').length >= 2 ? v : undefined);
  return (v) => v;
}

function elixirRewrite(image: ImageFacts): (v: string) => string | undefined {
  if (image.kind === 'hexpm-elixir') return (v) => (v.split('.').length >= 3 ? v : undefined);
  return (v) => v;
}

function unknownReason(image: ImageFacts): string {
  if (image.kind === 'unknown') return `Phoenix Deploy does not know the image ${image.reference}`;
  if (image.tag === undefined) return `${image.reference} has no tag`;
  return `the tag ${image.tag} does not state it`;
}

function within(inner: { line: number; endLine: number }, outer: { line: number; endLine: number }): boolean {
  return inner.line >= outer.line && inner.endLine <= outer.endLine;
}

export function builderSide(ctx: ProjectContext): ImageSide | undefined {
  return ctx.builderStage ? stageSide(ctx, ctx.builderStage, 'builder') : undefined;
}

export function runnerSide(ctx: ProjectContext): ImageSide | undefined {
  return ctx.runnerStage ? stageSide(ctx, ctx.runnerStage, 'runner') : undefined;
}

/** The image a probe should run for the builder: its resolved reference, when the tag is fully known. */
export function builderImageReference(dockerfile: ParsedDockerfile, stage: DockerStage): string | undefined {
  const root = rootStage(dockerfile, stage);
  return root.missingArgs.length === 0 ? root.image.value : undefined;
}

/**
 * The builder as probed. Where the Dockerfile states the same value, its range (and quick fix) is kept;
 * otherwise findings go on the FROM image word.
 */
export function probedSide(declared: ImageSide | undefined, probed: ImageContents): ImageSide {
  const keep = <T>(value: T | undefined, stated: Fact<T> | undefined, agrees: (a: T, b: T) => boolean): Fact<T> | undefined => {
    if (value === undefined) return undefined;
    // A probe reads the exact version: it never floats.
    if (stated && agrees(stated.value, value)) return { ...stated, value, floats: false };
    return { value, range: declared?.range };
  };
  return {
    label: `the build image ${probed.image} (probed)`,
    range: declared?.range,
    otp: keep(probed.otp, declared?.otp, agreeAsFarAsSpecific),
    elixir: keep(probed.elixir, declared?.elixir, agreeAsFarAsSpecific),
    os: keep(probed.os, declared?.os, (a, b) => compareOs(a, b) === 'same'),
    unknownReason: 'the probe could not read it',
    declared: declared?.declared,
  };
}
