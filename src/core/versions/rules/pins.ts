import type { Fact, ImageSide } from '../builder';
import { agreeAsFarAsSpecific, majorOf } from '../compare';
import type { ProjectContext } from '../context';
import { disagreement, related, single, type CheckFinding, type QuickFix } from '../findingKit';
import type { PinnedTool, ShadowedPin } from '../pins';
import { inFile } from '../text';

/**
 * Findings about the pins themselves: files mise cannot read, pins that name no single version,
 * pins a file of higher precedence overrides, and an elixir built for another OTP than the erlang pin.
 */
export function pinRules(ctx: ProjectContext, builder: ImageSide | undefined): CheckFinding[] {
  const { effective, shadowed, invalid } = ctx.pins;
  const out: CheckFinding[] = invalid.map((file) => single('version-unknown', 'info', file.range,
    `${file.range.file} is not valid TOML (${file.message}), so mise stops there and its versions are not checked`));
  for (const pin of [effective.erlang, effective.elixir]) {
    if (!pin) continue;
    if (pin.kind !== 'version') out.push(single('version-unknown', 'info', inFile(pin.file, pin.range), notComparable(pin)));
    else if (pin.floats) out.push(floatingPin(pin, pin.tool === 'erlang' ? builder?.otp : builder?.elixir));
  }
  out.push(...shadowed.filter((s) => s.pin.raw !== s.by.raw).map(shadowedPin));
  out.push(...otpSuffixAgainstErlang(effective.erlang, effective.elixir));
  return out;
}

/**
 * `elixir 1.15` or `erlang 26`: no single version, so nothing to compare. When the image states a
 * full version that the pin would match, the fix pins exactly that.
 */
function floatingPin(pin: PinnedTool, built: Fact<string> | undefined): CheckFinding {
  const range = inFile(pin.file, pin.versionRange!);
  const full = built && !built.floats && built.value.split('-')[0].split('.').length >= (pin.tool === 'erlang' ? 2 : 3);
  const fix: QuickFix[] = full && agreeAsFarAsSpecific(pin.version!, built.value)
    ? [{ ...range, newText: built.value, title: `Pin ${pin.tool} ${built.value} (the build image's) in ${pin.file}`, preferred: true }]
    : [];
  return single('version-unknown', 'info', range,
    `${pin.file} pins ${pin.tool} ${pin.raw}, which is not one version: ${pin.floats}. It is not compared with the build image; pin an exact version.`,
    undefined, fix);
}

/** mise reads the pin of higher precedence; asdf still reads `.tool-versions`. */
function shadowedPin({ pin, by }: ShadowedPin): CheckFinding {
  return single('pin-shadowed', 'info', inFile(pin.file, pin.range),
    `${pin.file} pins ${pin.tool} ${pin.raw}, but mise uses ${pin.tool} ${by.raw} from ${by.file}, which takes precedence${pin.manager === 'asdf' ? ' (asdf still reads this line)' : ''}`,
    related(inFile(by.file, by.range), `mise uses ${pin.tool} ${by.raw} from here`),
    [{ ...inFile(pin.file, pin.range), newText: by.raw, title: `Use ${pin.tool} ${by.raw} in ${pin.file}`, preferred: true }]);
}

/** Only a local-toolchain inconsistency: the release is built by the image, so a warning. */
function otpSuffixAgainstErlang(erlang: PinnedTool | undefined, elixir: PinnedTool | undefined): CheckFinding[] {
  const erlangMajor = erlang?.version ? majorOf(erlang.version) : undefined;
  if (!erlang?.versionRange || !elixir?.otpRange || !elixir.otpMajor || !erlangMajor || elixir.otpMajor === erlangMajor) return [];
  const where = (pin: PinnedTool) => (erlang.file === elixir.file ? '' : ` in ${pin.file}`);
  return disagreement('elixir-otp-mismatch', 'warning',
    {
      range: inFile(elixir.file, elixir.otpRange),
      message: `elixir ${elixir.raw} is compiled for OTP ${elixir.otpMajor}, but erlang ${erlang.version}${where(erlang)} is OTP ${erlangMajor}`,
      relatedMessage: `elixir ${elixir.raw} is compiled for OTP ${elixir.otpMajor}`,
    },
    {
      range: inFile(erlang.file, erlang.versionRange),
      message: `erlang ${erlang.version} is OTP ${erlangMajor}, but elixir ${elixir.raw}${where(elixir)} is compiled for OTP ${elixir.otpMajor}`,
      relatedMessage: `erlang ${erlang.version} is pinned here`,
    },
    [{ ...inFile(elixir.file, elixir.otpRange), newText: erlangMajor, title: `Use elixir ${elixir.version}-otp-${erlangMajor} in ${elixir.file}`, preferred: true }],
  );
}

function notComparable(pin: PinnedTool): string {
  const what = pin.tool === 'erlang' ? "the build image's OTP" : "the build image's Elixir";
  switch (pin.kind) {
    case 'system':
      return `${pin.tool} system uses whatever ${pin.tool} is installed on this machine, so it cannot be compared with ${what}`;
    case 'ref':
      return `${pin.tool} ${pin.raw} is built from a git ref, so its version cannot be compared with ${what}`;
    case 'path':
      return `${pin.tool} ${pin.raw} is a local installation, so its version cannot be compared with ${what}`;
    default:
      return `${pin.tool} ${pin.raw} in ${pin.file} is not a version number, so it cannot be compared with ${what}`;
  }
}
