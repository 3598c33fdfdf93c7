import type { Finding, RelatedInfo, Severity, SourceRange } from '../findings';

/** One text edit that resolves a finding, for an editor's quick fix. */
export interface QuickFix extends SourceRange {
  newText: string;
  /** e.g. "Use OTP 26.2.5 in Dockerfile". */
  title: string;
  /** The fix to apply by default: `.tool-versions` → Dockerfile, since the pinned version is the intent. */
  preferred?: boolean;
}

export interface CheckFinding extends Finding {
  fix?: QuickFix[];
}

/** One side of a disagreement between two files. */
export interface Side {
  range: SourceRange;
  /** The finding's message on this side. */
  message: string;
  /** How the other side's finding refers to this place. */
  relatedMessage: string;
  /** More places that belong to this side (e.g. the FROM that uses an ARG). */
  also?: RelatedInfo[];
}

/** One finding on each side, each pointing at the other; a side without a range gets none. */
export function disagreement(code: string, severity: Severity, a: Side | undefined, b: Side | undefined, fix?: QuickFix[]): CheckFinding[] {
  const out: CheckFinding[] = [];
  const make = (self: Side, other: Side | undefined): CheckFinding => {
    const related: RelatedInfo[] = [...(self.also ?? [])];
    if (other) related.unshift({ ...other.range, message: other.relatedMessage }, ...(other.also ?? []));
    return withFix({ ...self.range, severity, code, message: self.message, related: related.length ? related : undefined }, fix);
  };
  if (a) out.push(make(a, b));
  if (b) out.push(make(b, a));
  return out;
}

export function single(code: string, severity: Severity, range: SourceRange, message: string, related?: RelatedInfo[], fix?: QuickFix[]): CheckFinding {
  return withFix({ ...range, severity, code, message, related: related?.length ? related : undefined }, fix);
}

function withFix(finding: CheckFinding, fix: QuickFix[] | undefined): CheckFinding {
  const fixes = fix?.filter((f): f is QuickFix => f !== undefined);
  if (finding.related === undefined) delete finding.related;
  return fixes && fixes.length > 0 ? { ...finding, fix: fixes } : finding;
}

export function related(range: SourceRange | undefined, message: string): RelatedInfo[] {
  return range ? [{ ...range, message }] : [];
}
