/**
 * Version numbers as the tools write them: OTP `26.2.5.1`, Elixir `1.15.7` or `1.17.0-rc.1`.
 * Two versions agree "as far as both are specific": `26` matches `26.2.5`, `26.2.5` does not match `26.1.2`.
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

export function majorOf(version: string): string | undefined {
  return parseDotted(version)?.parts[0]?.toString();
}

/** OTP major for an ERTS version: erts-11 shipped with OTP 23, and each OTP major since added one. */
export function otpMajorForErts(erts: string): string | undefined {
  const major = parseDotted(erts)?.parts[0];
  if (major === undefined || major < 11) return undefined;
  return String(major + 12);
}
