/** Whether the project's runtime config turns the endpoint's server on only under PHX_SERVER. Pure. */
import type { SourceRange } from '../findings';
import { LineIndex } from '../versions/text';

/** Read in this order; the first that exists is the runtime config (releases.exs: Elixir < 1.11 projects). */
export const RUNTIME_CONFIG_PATHS = ['config/runtime.exs', 'config/releases.exs'] as const;

const GATE = /System\.get_env\(\s*"PHX_SERVER"\s*\)/g;

/**
 * The `System.get_env("PHX_SERVER")` token that gates `server: true`, as phx.new writes it. Lines
 * that are comments do not count; the file must also set `server: true`.
 */
export function phxServerGate(text: string, file: string): SourceRange | undefined {
  if (!/\bserver:\s*true\b/.test(text)) return undefined;
  const lines = new LineIndex(text);
  for (const m of text.matchAll(GATE)) {
    const lineStart = lines.lineStart(lines.position(m.index).line);
    if (text.slice(lineStart, m.index).includes('#')) continue;
    return { file, ...lines.range(m.index, m.index + m[0].length) };
  }
  return undefined;
}
