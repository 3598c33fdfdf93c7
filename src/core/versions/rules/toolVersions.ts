import { majorOf } from '../compare';
import type { ProjectContext } from '../context';
import { disagreement, single, type CheckFinding } from '../findingKit';
import { PROJECT_PATHS } from '../project';
import { inFile } from '../text';
import type { ToolVersionEntry } from '../toolVersions';

const FILE = PROJECT_PATHS.toolVersions;

/** Findings inside `.tool-versions` alone: versions that cannot be compared, and elixir built for another OTP. */
export function toolVersionsRules(ctx: ProjectContext): CheckFinding[] {
  const tv = ctx.toolVersions;
  if (!tv) return [];
  const out: CheckFinding[] = [];
  for (const entry of [tv.erlang, tv.elixir]) {
    if (entry && entry.kind !== 'version') {
      out.push(single('version-unknown', 'info', inFile(FILE, entry.range), notComparable(entry)));
    }
  }
  const { erlang, elixir } = tv;
  const erlangMajor = erlang?.version ? majorOf(erlang.version) : undefined;
  if (erlang?.versionRange && elixir?.otpRange && elixir.otpMajor && erlangMajor && elixir.otpMajor !== erlangMajor) {
    // Only a local-toolchain inconsistency: the release is built by the image, so a warning.
    out.push(...disagreement('elixir-otp-mismatch', 'warning',
      {
        range: inFile(FILE, elixir.otpRange),
        message: `elixir ${elixir.raw} is compiled for OTP ${elixir.otpMajor}, but erlang ${erlang.version} is OTP ${erlangMajor}`,
        relatedMessage: `elixir ${elixir.raw} is compiled for OTP ${elixir.otpMajor}`,
      },
      {
        range: inFile(FILE, erlang.versionRange),
        message: `erlang ${erlang.version} is OTP ${erlangMajor}, but elixir ${elixir.raw} is compiled for OTP ${elixir.otpMajor}`,
        relatedMessage: `erlang ${erlang.version} is pinned here`,
      },
      [{ ...inFile(FILE, elixir.otpRange), newText: erlangMajor, title: `Use elixir ${elixir.version}-otp-${erlangMajor} in ${FILE}`, preferred: true }],
    ));
  }
  return out;
}

function notComparable(entry: ToolVersionEntry): string {
  const what = entry.tool === 'erlang' ? "the build image's OTP" : "the build image's Elixir";
  switch (entry.kind) {
    case 'system':
      return `${entry.tool} system uses whatever ${entry.tool} is installed on this machine, so it cannot be compared with ${what}`;
    case 'ref':
      return `${entry.tool} ${entry.raw} is built from a git ref, so its version cannot be compared with ${what}`;
    case 'path':
      return `${entry.tool} ${entry.raw} is a local installation, so its version cannot be compared with ${what}`;
    default:
      return `${entry.tool} ${entry.raw} is not a version number, so it cannot be compared with ${what}`;
  }
}
