/** Streamed output cut into whole lines: a chunk may end mid-line. */
export class LineSplitter {
  private rest = '';

  constructor(private readonly onLine: (line: string) => void) {}

  push(text: string): void {
    const parts = `${this.rest}${text}`.split('\n');
    this.rest = parts.pop() ?? '';
    for (const p of parts) this.onLine(p.replace(/\r$/, ''));
  }

  end(): void {
    if (this.rest !== '') this.onLine(this.rest);
    this.rest = '';
  }
}

/** Lines in the order they happened: a stable sort by time, so one host's lines keep their order. */
export function byTime<T extends { micros?: number }>(lines: readonly T[]): T[] {
  return [...lines].sort((a, b) => (a.micros ?? 0) - (b.micros ?? 0));
}
