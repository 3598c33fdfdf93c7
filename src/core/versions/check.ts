import { sortFindings, type SourceRange } from '../findings';
import { builderImageReference, builderSide, probedSide, runnerSide, type ImageSide } from './builder';
import { buildContext, type CheckOptions, type ProjectContext } from './context';
import { single, type CheckFinding } from './findingKit';
import type { OsInfo } from './osRelease';
import { readProjectFiles, type ProjectFiles } from './project';
import { builderVersionRules } from './rules/builderVersions';
import { ertsRules } from './rules/erts';
import { osRules, runnerOsRules } from './rules/os';
import { probedTagRules } from './rules/probedTag';
import { requirementRules } from './rules/requirement';
import { pinRules } from './rules/pins';

export type { CheckOptions } from './context';
export type { ImageContents } from './context';
export type { CheckFinding, QuickFix } from './findingKit';
export { readProjectFiles, type ProjectFiles } from './project';

/**
 * The static version and compatibility check: pure, no I/O, fast enough for every keystroke.
 * Codes: erlang-mismatch, elixir-mismatch, elixir-otp-mismatch, elixir-requirement, os-mismatch,
 * erts-not-included, version-unknown, pin-shadowed, config-invalid, file-missing (a `set vm_args:` file).
 * Severity rule: error when the release would be built with (or run on) another Erlang major or
 * minor or another OS than declared (erlang-mismatch, os-mismatch, erts-not-included,
 * elixir-otp-mismatch against the image); warning for an OTP patch-level difference and the rest,
 * which fail loudly or only affect the local toolchain; info when a version cannot be determined
 * (version-unknown) or a pin is overridden (pin-shadowed), never an error.
 */
export function checkProject(files: ProjectFiles, options: CheckOptions = {}): CheckFinding[] {
  const ctx = buildContext(files, options);
  const declared = builderSide(ctx);
  const probed = options.image;
  const builder = probed ? probedSide(declared, probed) : declared;
  const findings = [
    ...configFindings(ctx),
    ...pinRules(ctx, builder),
    ...ertsRules(ctx),
    ...imageRules(ctx, builder, runnerSide(ctx)),
    ...(probed && declared ? probedTagRules(declared, probed) : []),
  ];
  // The runner's own OS finding, unless one already stands at that place (a shared ARG, or runner vs builder).
  const key = (f: CheckFinding) => `${f.code} ${f.file}:${f.line}:${f.column}`;
  const seen = new Set(findings.map(key));
  findings.push(...runnerOsRules(ctx, runnerSide(ctx)).filter((f) => !seen.has(key(f))));
  return sortFindings(findings) as CheckFinding[];
}

/** What the project says about its build image: the reference a probe should run, and the stated versions. */
export interface BuilderDescription {
  /** Undefined when the image is only chosen at build time (an ARG without default). */
  image?: string;
  stage?: string;
  otp?: string;
  elixir?: string;
  os?: OsInfo;
  /** The FROM image word, for findings about the image. */
  range?: SourceRange;
}

export function describeBuilder(files: ProjectFiles, options: CheckOptions = {}): BuilderDescription | undefined {
  const ctx = buildContext(files, options);
  const side = builderSide(ctx);
  if (!side || !ctx.dockerfile || !ctx.builderStage) return undefined;
  return {
    image: builderImageReference(ctx.dockerfile, ctx.builderStage),
    stage: ctx.builderStage.name,
    otp: side.otp?.value,
    elixir: side.elixir?.value,
    os: side.os?.value,
    range: side.range,
  };
}

/** The rules that compare the build image (from its tag, or probed) with the project. */
function imageRules(ctx: ProjectContext, builder: ImageSide | undefined, runner: ImageSide | undefined): CheckFinding[] {
  if (!builder) return requirementRules(ctx, undefined);
  return [...builderVersionRules(ctx, builder), ...requirementRules(ctx, builder), ...osRules(ctx, builder, runner)];
}

export async function checkProjectDir(root: string, options: CheckOptions = {}): Promise<CheckFinding[]> {
  return checkProject(await readProjectFiles(root), options);
}

function configFindings(ctx: ProjectContext): CheckFinding[] {
  const out: CheckFinding[] = [...(ctx.deploy?.findings ?? [])];
  const stages = ctx.dockerfile?.stages.map((s) => s.name).filter((n) => n !== undefined) ?? [];
  if (ctx.missingTarget) {
    out.push(single('config-invalid', 'error', ctx.missingTarget.range,
      `build.target "${ctx.missingTarget.target}" is not a stage of ${ctx.dockerfilePath}${stages.length ? `; its stages are: ${stages.join(', ')}` : ''}`));
  }
  return out;
}
