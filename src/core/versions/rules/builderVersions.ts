import type { SourceRange } from '../../findings';
import type { Fact, ImageSide } from '../builder';
import { agreeAsFarAsSpecific, majorOf } from '../compare';
import type { ProjectContext } from '../context';
import { disagreement, related, single, type CheckFinding, type QuickFix, type Side } from '../findingKit';
import { PROJECT_PATHS } from '../project';
import { inFile } from '../text';

const FILE = PROJECT_PATHS.toolVersions;

/**
 * `.tool-versions` against the image that builds the release.
 * Severity: an OTP difference is an error (the release would embed another Erlang than declared);
 * an Elixir difference is a warning (it compiles the code, but the release runs on the ERTS).
 */
export function builderVersionRules(ctx: ProjectContext, builder: ImageSide): CheckFinding[] {
  const tv = ctx.toolVersions;
  if (!tv) return [];
  const out: CheckFinding[] = [];
  const unstated: string[] = [];
  const { erlang, elixir } = tv;
  if (erlang?.kind === 'version' && erlang.version && erlang.versionRange) {
    const pinned = { version: erlang.version, range: inFile(FILE, erlang.versionRange) };
    if (!builder.otp) unstated.push('OTP');
    else if (!agreeAsFarAsSpecific(pinned.version, builder.otp.value)) {
      out.push(...versionMismatch(ctx, 'erlang-mismatch', 'error', builder, builder.otp, pinned, { tool: 'erlang', product: 'OTP' }));
    }
  } else if (erlang?.kind !== 'version' && elixir?.otpMajor && elixir.otpRange && builder.otp) {
    // No comparable erlang line: elixir's `-otp-NN` is the only declaration of the Erlang to build with.
    const builtMajor = majorOf(builder.otp.value);
    if (builtMajor !== undefined && builtMajor !== elixir.otpMajor) {
      const range = inFile(FILE, elixir.otpRange);
      out.push(...disagreement('elixir-otp-mismatch', 'error',
        { range, message: `elixir ${elixir.raw} in ${FILE} is compiled for OTP ${elixir.otpMajor}, but ${builder.label} builds with OTP ${builder.otp.value}`, relatedMessage: `elixir ${elixir.raw} is pinned here` },
        factSide(builder, builder.otp, `${capitalize(builder.label)} builds with OTP ${builder.otp.value}, but elixir ${elixir.raw} in ${FILE} is compiled for OTP ${elixir.otpMajor}`, `OTP ${builder.otp.value} is set here`),
        [{ ...range, newText: builtMajor, title: `Use elixir ${elixir.version}-otp-${builtMajor} in ${FILE}`, preferred: true }],
      ));
    }
  }
  if (elixir?.kind === 'version' && elixir.version && elixir.versionRange) {
    const pinned = { version: elixir.version, range: inFile(FILE, elixir.versionRange) };
    if (!builder.elixir) unstated.push('Elixir');
    else if (!agreeAsFarAsSpecific(pinned.version, builder.elixir.value)) {
      out.push(...versionMismatch(ctx, 'elixir-mismatch', 'warning', builder, builder.elixir, pinned, { tool: 'elixir', product: 'Elixir' }));
    }
  }
  if (unstated.length > 0 && builder.range) {
    const what = unstated.join(' or ');
    out.push(single('version-unknown', 'info', builder.range,
      `Cannot tell which ${what} ${builder.label} has: ${builder.unknownReason ?? 'its tag does not state it'}. \`phoenix-deploy check --probe\` reads it from the image.`,
      [
        ...(unstated.includes('OTP') && erlang?.versionRange ? related(inFile(FILE, erlang.versionRange), `${FILE} pins erlang ${erlang.raw}`) : []),
        ...(unstated.includes('Elixir') && elixir?.versionRange ? related(inFile(FILE, elixir.versionRange), `${FILE} pins elixir ${elixir.raw}`) : []),
      ]));
  }
  return out;
}

function versionMismatch(
  ctx: ProjectContext, code: string, severity: 'error' | 'warning', builder: ImageSide, built: Fact<string>,
  pinned: { version: string; range: SourceRange }, names: { tool: string; product: string },
): CheckFinding[] {
  const fixes: QuickFix[] = [];
  const rewritten = built.rewrite?.(pinned.version);
  if (built.range && rewritten !== undefined && rewritten !== built.value) {
    fixes.push({ ...built.range, newText: rewritten, title: `Use ${names.product} ${rewritten} in ${ctx.dockerfilePath}`, preferred: true });
  }
  if (built.value.split('.').length >= (names.tool === 'erlang' ? 2 : 3)) {
    fixes.push({ ...pinned.range, newText: built.value, title: `Use ${names.tool} ${built.value} in ${FILE}` });
  }
  return disagreement(code, severity,
    {
      range: pinned.range,
      message: `${FILE} pins ${names.tool} ${pinned.version}, but ${builder.label} builds with ${names.product} ${built.value}`,
      relatedMessage: `${names.tool} ${pinned.version} is pinned here`,
    },
    factSide(builder, built, `${capitalize(builder.label)} builds with ${names.product} ${built.value}, but ${FILE} pins ${names.tool} ${pinned.version}`, `${names.product} ${built.value} is set here`),
    fixes,
  );
}

/** The builder's side of a disagreement, at the characters that state the fact. */
export function factSide(builder: ImageSide, fact: Fact<unknown>, message: string, relatedMessage: string): Side | undefined {
  const range = fact.range ?? builder.range;
  if (!range) return undefined;
  return { range, message, relatedMessage, also: related(fact.usedAt, `used by this FROM`) };
}

export function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
