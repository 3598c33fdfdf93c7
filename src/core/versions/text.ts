import type { SourceRange } from '../findings';

/** A 1-based range inside one file; endColumn is exclusive, as in `SourceRange`. */
export type TextRange = Omit<SourceRange, 'file'>;

/** Maps 0-based offsets to 1-based line/column in O(log lines), for files read once and queried often. */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(readonly text: string) {
    for (let i = 0; i < text.length; i++) {
      if (text.charCodeAt(i) === 10) this.starts.push(i + 1);
    }
  }

  position(offset: number): { line: number; column: number } {
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.starts[mid] <= clamped) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: clamped - this.starts[low] + 1 };
  }

  /** Range of [start, end) offsets. */
  range(start: number, end: number): TextRange {
    const a = this.position(start);
    const b = this.position(Math.max(start, end));
    return { line: a.line, column: a.column, endLine: b.line, endColumn: b.column };
  }

  /** 1-based line count. */
  get lineCount(): number {
    return this.starts.length;
  }

  /** Offset of the first character of a 1-based line. */
  lineStart(line: number): number {
    return this.starts[Math.max(0, Math.min(line - 1, this.starts.length - 1))];
  }
}

export function inFile(file: string, range: TextRange): SourceRange {
  return { file, ...range };
}

/** Physical lines with their start offsets; a trailing `\r` is not part of the line. */
export function splitLines(text: string): Array<{ text: string; start: number }> {
  const lines: Array<{ text: string; start: number }> = [];
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    const content = text.slice(start, end);
    lines.push({ text: content.endsWith('\r') ? content.slice(0, -1) : content, start });
    start = end + 1;
  }
  return lines;
}
