import { closingIndex, keywordEntries, tokenizeElixir, type ElixirToken } from '../versions/elixirTokens';

/**
 * Whether mix.exs declares dependencies, so `mix deps.get` can be skipped (and need no network)
 * when it plainly does not. Reads `deps: [...]` or `deps: deps()` → `defp deps do [...] end`;
 * anything it cannot read counts as having deps.
 */
export function declaresDeps(mixExs: string): boolean {
  const tokens = tokenizeElixir(mixExs);
  const project = listAfterDef(tokens, 'project');
  if (project === -1) return true;
  const entry = keywordEntries(tokens, project).find((e) => e.key.text === 'deps');
  if (!entry) return false;
  const first = tokens[entry.valueStart];
  let open = -1;
  if (isPunct(first, '[')) {
    // Only a plain list literal is read; `[] ++ more` is an expression.
    if (closingIndex(tokens, entry.valueStart) !== entry.valueEnd - 1) return true;
    open = entry.valueStart;
  }
  else if (first?.kind === 'ident') open = listAfterDef(tokens, first.text);
  if (open === -1) return true;
  return closingIndex(tokens, open) !== open + 1;
}

/** The `[` that `def name do [` / `defp name, do: [` returns, or -1. */
function listAfterDef(tokens: ElixirToken[], name: string): number {
  for (let i = 0; i + 1 < tokens.length; i++) {
    if (tokens[i].kind === 'ident' && (tokens[i].text === 'def' || tokens[i].text === 'defp') && tokens[i + 1].text === name) {
      for (let j = i + 2; j < tokens.length && j < i + 8; j++) if (isPunct(tokens[j], '[')) return j;
      return -1;
    }
  }
  return -1;
}

function isPunct(token: ElixirToken | undefined, text: string): boolean {
  return token?.kind === 'punct' && token.text === text;
}
