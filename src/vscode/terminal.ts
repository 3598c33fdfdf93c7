import * as vscode from 'vscode';

const TRANSCRIPT_CHARS = 200_000;

/** A Pseudoterminal that shows plan output; closing it cancels the work attached to it. */
class OutputTerminal implements vscode.Pseudoterminal {
  private readonly writer = new vscode.EventEmitter<string>();
  private readonly closer = new vscode.EventEmitter<void>();
  readonly onDidWrite = this.writer.event;
  readonly onDidClose = this.closer.event;
  private opened = false;
  private pending: string[] = [];
  /** The text written so far (the last part of it), as the terminal shows it. */
  transcript = '';
  /** Aborts the running job, if any, when the user closes the terminal. */
  job?: AbortController;

  open(): void {
    this.opened = true;
    for (const text of this.pending) this.writer.fire(text);
    this.pending = [];
  }

  close(): void {
    this.job?.abort();
  }

  write(text: string): void {
    const normalised = text.replace(/\r?\n/g, '\r\n');
    this.transcript = (this.transcript + normalised).slice(-TRANSCRIPT_CHARS);
    if (this.opened) this.writer.fire(normalised);
    else this.pending.push(normalised);
  }
}

/** One reusable terminal per environment (or for builds). */
export class Terminals implements vscode.Disposable {
  private readonly open = new Map<string, { terminal: vscode.Terminal; pty: OutputTerminal }>();
  private readonly subscription = vscode.window.onDidCloseTerminal((closed) => {
    for (const [key, entry] of this.open) if (entry.terminal === closed) this.open.delete(key);
  });

  get(key: string): { terminal: vscode.Terminal; pty: OutputTerminal } {
    let entry = this.open.get(key);
    if (!entry) {
      const pty = new OutputTerminal();
      const terminal = vscode.window.createTerminal({ name: `Phoenix: ${key}`, pty, iconPath: new vscode.ThemeIcon('rocket') });
      entry = { terminal, pty };
      this.open.set(key, entry);
    }
    return entry;
  }

  /** What the terminal for `key` has shown (ANSI colours included), or '' if there is none. */
  transcript(key: string): string {
    return this.open.get(key)?.pty.transcript ?? '';
  }

  dispose(): void {
    this.subscription.dispose();
    for (const { terminal } of this.open.values()) terminal.dispose();
  }
}
