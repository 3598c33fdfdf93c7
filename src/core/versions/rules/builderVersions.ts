import type { Severity } from '../../findings';
import type { DeclaredVersion, Fact, ImageSide } from '../builder';
import { majorOf, pinDifference, type VersionDifference } from '../compare';
import type { ProjectContext } from '../context';
import { disagreement, related, single, type CheckFinding, type QuickFix, type Side } from '../findingKit';
import { exactPin, type ExactPin, type PinnedTool } from '../pins';
import { inFile } from '../text';

interface Product {
  tool: 'erlang' | 'elixir';
  /** How the image's side is named: `OTP`, `Elixir`. */
  name: string;
  code: string;
  severity: (difference: VersionDifference) => Severity;
}

/** OTP: another major or minor is an error (the release embeds that ERTS); a patch-level difference a warning. */
const OTP: Product = { tool: 'erlang', name: 'OTP', code: 'erlang-mismatch', severity: (d) => (d === 'patch' ? 'warning' : 'error') };
/** Elixir compiles the code, but the release runs on the ERTS: a warning. */
const ELIXIR: Product = { tool: 'elixir', name: 'Elixir', code: 'elixir-mismatch', severity: () => 'warning' };

/** The pinned Erlang and Elixir (mise's merge of its files and `.tool-versions`) against the image that builds the release. */
export function builderVersionRules(ctx: ProjectContext, builder: ImageSide): CheckFinding[] {
  const { erlang, elixir } = ctx.pins.effective;
  const out: CheckFinding[] = [];
  const unstated: Array<{ product: Product; pin: ExactPin }> = [];
  const pinnedErlang = exactPin(erlang);
  if (pinnedErlang) {
    if (!builder.otp) unstated.push({ product: OTP, pin: pinnedErlang });
    else out.push(...versionMismatch(ctx, OTP, builder, builder.otp, pinnedErlang));
  } else if (elixir?.otpMajor && elixir.otpRange && builder.otp) {
    out.push(...otpSuffixMismatch(builder, builder.otp, elixir));
  }
  const pinnedElixir = exactPin(elixir);
  if (pinnedElixir) {
    if (!builder.elixir) unstated.push({ product: ELIXIR, pin: pinnedElixir });
    else out.push(...versionMismatch(ctx, ELIXIR, builder, builder.elixir, pinnedElixir));
  }
  return [...out, ...unstatedFindings(builder, unstated)];
}

/** No exact erlang pin: elixir's `-otp-NN` is the only declaration of the Erlang to build with. */
function otpSuffixMismatch(builder: ImageSide, otp: Fact<string>, elixir: PinnedTool): CheckFinding[] {
  const builtMajor = majorOf(otp.value);
  if (builtMajor === undefined || builtMajor === elixir.otpMajor) return [];
  const range = inFile(elixir.file, elixir.otpRange!);
  return disagreement('elixir-otp-mismatch', 'error',
    { range, message: `elixir ${elixir.raw} in ${elixir.file} is compiled for OTP ${elixir.otpMajor}, but ${builder.label} builds with OTP ${otp.value}`, relatedMessage: `elixir ${elixir.raw} is pinned here` },
    factSide(builder, otp, `${capitalize(builder.label)} builds with OTP ${otp.value}, but elixir ${elixir.raw} in ${elixir.file} is compiled for OTP ${elixir.otpMajor}`, `OTP ${otp.value} is set here`),
    [{ ...range, newText: builtMajor, title: `Use elixir ${elixir.version}-otp-${builtMajor} in ${elixir.file}`, preferred: true }],
  );
}

function versionMismatch(ctx: ProjectContext, product: Product, builder: ImageSide, built: Fact<string>, pin: ExactPin): CheckFinding[] {
  const difference = pinDifference(pin.version, built.value, built.floats ?? false);
  if (difference === 'none') return [];
  const pinRange = inFile(pin.file, pin.versionRange);
  const fixes: QuickFix[] = [];
  const rewritten = built.rewrite?.(pin.version);
  if (built.range && rewritten !== undefined && rewritten !== built.value) {
    fixes.push({ ...built.range, newText: rewritten, title: `Use ${product.name} ${rewritten} in ${ctx.dockerfilePath}`, preferred: true });
  }
  // Only a full version can be pinned: `-otp-26` of an official tag is a major.
  if (built.value.split('.').length >= (product.tool === 'erlang' ? 2 : 3)) {
    fixes.push({ ...pinRange, newText: built.value, title: `Use ${product.tool} ${built.value} in ${pin.file}` });
  }
  const patch = difference === 'patch' && product.tool === 'erlang' ? ' (a patch-level difference)' : '';
  return disagreement(product.code, product.severity(difference),
    {
      range: pinRange,
      message: `${pin.file} pins ${product.tool} ${pin.version}, but ${builder.label} builds with ${product.name} ${built.value}${patch}`,
      relatedMessage: `${product.tool} ${pin.version} is pinned here`,
    },
    factSide(builder, built, `${capitalize(builder.label)} builds with ${product.name} ${built.value}, but ${pin.file} pins ${product.tool} ${pin.version}${patch}`, `${product.name} ${built.value} is set here`),
    fixes,
  );
}

/**
 * Versions the tag does not state: information, never an error. An ENV or ARG that declares one
 * (`ENV ELIXIR_VERSION=1.9.4` before a download) is shown at its value, as a hint for `--probe`.
 */
function unstatedFindings(builder: ImageSide, unstated: Array<{ product: Product; pin: ExactPin }>): CheckFinding[] {
  const out: CheckFinding[] = [];
  const undeclared = unstated.filter(({ product, pin }) => {
    const declared = product === OTP ? builder.declared?.otp : builder.declared?.elixir;
    if (declared) out.push(declaredFinding(builder, product, declared, pin));
    return !declared;
  });
  if (undeclared.length > 0 && builder.range) {
    out.push(single('version-unknown', 'info', builder.range,
      `Cannot tell which ${undeclared.map((u) => u.product.name).join(' or ')} ${builder.label} has: ${builder.unknownReason ?? 'its tag does not state it'}. \`phoenix-deploy check --probe\` reads it from the image.`,
      undeclared.flatMap((u) => pinnedHere(u.pin))));
  }
  return out;
}

function declaredFinding(builder: ImageSide, product: Product, declared: DeclaredVersion, pin: ExactPin): CheckFinding {
  const agrees = pinDifference(pin.version, declared.value, false) === 'none';
  const verdict = agrees ? `as ${pin.file} pins` : `but ${pin.file} pins ${pin.tool} ${pin.version}`;
  return single('version-unknown', 'info', declared.range,
    `${declared.declaration} declares ${product.name} ${declared.value} for ${builder.label}, whose tag does not state it, ${verdict}. ` +
    'A variable is not proof of what the image holds: `phoenix-deploy check --probe` reads it from the image.',
    [...pinnedHere(pin), ...related(builder.range, 'the build image')]);
}

function pinnedHere(pin: ExactPin) {
  return related(inFile(pin.file, pin.versionRange), `${pin.file} pins ${pin.tool} ${pin.raw}`);
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
