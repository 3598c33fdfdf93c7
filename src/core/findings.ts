/** A problem found in a project file, independent of any editor. Lines and columns are 1-based. */
export type Severity = 'error' | 'warning' | 'info';

export interface SourceRange {
  /** Path relative to the project root, with forward slashes. */
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export interface RelatedInfo extends SourceRange {
  message: string;
}

export interface Finding extends SourceRange {
  severity: Severity;
  /** Stable kebab-case identifier, documented in README.md. */
  code: string;
  message: string;
  related?: RelatedInfo[];
}

const severityRank: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

export function sortFindings(findings: Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column ||
      severityRank[a.severity] - severityRank[b.severity] || a.code.localeCompare(b.code),
  );
}

export function hasErrors(findings: readonly Finding[]): boolean {
  return findings.some((f) => f.severity === 'error');
}
