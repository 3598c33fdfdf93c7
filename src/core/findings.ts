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

/** Range covering a whole 1-based line of `text`. */
export function lineRange(file: string, text: string, line: number): SourceRange {
  const lines = text.split(/\r?\n/);
  const content = lines[line - 1] ?? '';
  return { file, line, column: 1, endLine: line, endColumn: content.length + 1 };
}

/** Converts a 0-based offset in `text` to a 1-based line and column. */
export function positionAt(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/** Range between two 0-based offsets of `text`. */
export function offsetRange(file: string, text: string, start: number, end: number): SourceRange {
  const a = positionAt(text, start);
  const b = positionAt(text, Math.max(start, end));
  return { file, line: a.line, column: a.column, endLine: b.line, endColumn: b.column };
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
