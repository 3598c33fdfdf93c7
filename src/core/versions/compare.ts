/**
 * Version numbers as the tools write them: OTP `26.2.5.1`, Elixir `1.15.7` or `1.17.0-rc.1`.
 * A pin means exactly its version (`pinDifference`); an image tag and the probe it is checked
 * against agree "as far as both are specific" (`agreeAsFarAsSpecific`), since a tag may float.
 */
export interface DottedVersion {
  parts: number[];
  /** `rc.1` in `1.17.0-rc.1`. */
  pre?: string;
}

const DOTTED = /^(\d+(?:\.\d+)*)(?:-([0-9A-Za-z.]+))?$/;

export function parseDotted(text: string): DottedVersion | undefined {
  const match = DOTTED.exec(text);
  if (!match) return undefined;
  return { parts: match[1].split('.').map(Number), pre: match[2] };
}

export function agreeAsFarAsSpecific(a: string, b: string): boolean {
  const x = parseDotted(a);
  const y = parseDotted(b);
  if (!x || !y) return a === b;
  const common = Math.min(x.parts.length, y.parts.length);
  for (let i = 0; i < common; i++) {
    if (x.parts[i] !== y.parts[i]) return false;
  }
  // A pre-release only counts when both name the same full version: 1.17.0-rc.1 ≠ 1.17.0.
  if (x.parts.length === y.parts.length && (x.pre ?? '') !== (y.pre ?? '')) return false;
  return true;
}

/** How far apart two versions are: at the first part that differs (a pre-release counts as a patch). */
export type VersionDifference = 'none' | 'patch' | 'minor' | 'major';

/**
 * An exact pin against the build image's version, which is exact (a hexpm tag, a probe) or a floating
 * prefix (the official `erlang:26` stands for the newest 26.x, which may be the pin). `25.0` against
 * `25.0.4` is a patch-level difference: asdf and mise install exactly OTP 25.0.
 */
export function pinDifference(pinned: string, built: string, builtFloats: boolean): VersionDifference {
  const x = parseDotted(pinned);
  const y = parseDotted(built);
  if (!x || !y) return pinned === built ? 'none' : 'major';
  const common = Math.min(x.parts.length, y.parts.length);
  for (let i = 0; i < common; i++) {
    if (x.parts[i] !== y.parts[i]) return levelAt(i);
  }
  if (y.parts.length < x.parts.length) return builtFloats ? 'none' : levelAt(y.parts.length);
  if (y.parts.length > x.parts.length) return levelAt(x.parts.length);
  return (x.pre ?? '') === (y.pre ?? '') ? 'none' : 'patch';
}

function levelAt(index: number): VersionDifference {
  return index === 0 ? 'major' : index === 1 ? 'minor' : 'patch';
}

export function majorOf(version: string): string | undefined {
  return parseDotted(version)?.parts[0]?.toString();
}

/** OTP major for an ERTS version: erts-11 shipped with OTP 23, and each OTP major since added one. */
export function otpMajorForErts(erts: string): string | undefined {
  const major = parseDotted(erts)?.parts[0];
  if (major === undefined || major < 11) return undefined;
  return String(major + 12);
}
