/**
 * Shell-word processing as the Dockerfile builder does it for ARG values and FROM: quotes,
 * escapes and `$VAR`/`${VAR}`/`${VAR:-default}`/`${VAR:+alt}`. Each output character keeps the
 * offset it came from.
 */
export interface Traced {
  value: string;
  /** origins[i] = offset in the Dockerfile text of value[i]. */
  origins: number[];
}

export type Scope = (name: string) => Traced | undefined;

/** Splits on unquoted whitespace; quotes and escapes stay in the words for `expand`. */
export function splitDockerfileWords(input: Traced, escape: string): Traced[] {
  const words: Traced[] = [];
  let current: Traced | undefined;
  let quote: string | undefined;
  for (let i = 0; i < input.value.length; i++) {
    const c = input.value[i];
    if (!quote && /\s/.test(c)) {
      if (current) words.push(current);
      current = undefined;
      continue;
    }
    current ??= { value: '', origins: [] };
    current.value += c;
    current.origins.push(input.origins[i]);
    if (c === escape && quote !== "'" && i + 1 < input.value.length) {
      i++;
      current.value += input.value[i];
      current.origins.push(input.origins[i]);
    } else if (quote === c) quote = undefined;
    else if (!quote && (c === '"' || c === "'")) quote = c;
  }
  if (current) words.push(current);
  return words;
}

/** Quotes removed, escapes applied, variables substituted; unset names are added to `missing`. */
export function expand(word: Traced, escape: string, scope: Scope, missing: Set<string>): Traced {
  const out: Traced = { value: '', origins: [] };
  const push = (value: string, origins: number[]) => {
    out.value += value;
    out.origins.push(...origins);
  };
  let double = false;
  const { value, origins } = word;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === escape && i + 1 < value.length) {
      push(value[i + 1], [origins[i + 1]]);
      i++;
    } else if (c === "'" && !double) {
      const close = value.indexOf("'", i + 1);
      const end = close === -1 ? value.length : close;
      push(value.slice(i + 1, end), origins.slice(i + 1, end));
      i = end;
    } else if (c === '"') {
      double = !double;
    } else if (c === '$') {
      const variable = readVariable(word, i, escape, scope, missing);
      if (variable) {
        push(variable.result.value, variable.result.origins);
        i = variable.end - 1;
      } else {
        push(c, [origins[i]]);
      }
    } else {
      push(c, [origins[i]]);
    }
  }
  return out;
}

function readVariable(word: Traced, dollar: number, escape: string, scope: Scope, missing: Set<string>): { result: Traced; end: number } | undefined {
  const rest = word.value.slice(dollar + 1);
  const plain = /^[A-Za-z_][A-Za-z0-9_]*/.exec(rest);
  if (plain) {
    return { result: lookup(plain[0], scope, missing), end: dollar + 1 + plain[0].length };
  }
  const braced = /^\{([A-Za-z_][A-Za-z0-9_]*)(:?[-+?])?/.exec(rest);
  if (!braced) return undefined;
  const close = matchingBrace(word.value, dollar + 1);
  if (close === -1) return undefined;
  const name = braced[1];
  const end = close + 1;
  const modifier = braced[2];
  if (!modifier) {
    if (word.value[dollar + 1 + braced[0].length] !== '}') return undefined;
    return { result: lookup(name, scope, missing), end };
  }
  const operandStart = dollar + 1 + braced[0].length;
  const operand = { value: word.value.slice(operandStart, close), origins: word.origins.slice(operandStart, close) };
  const current = scope(name);
  const isSet = current !== undefined;
  const isNonEmpty = isSet && current.value !== '';
  const useOperand = {
    ':-': !isNonEmpty, '-': !isSet, ':+': isNonEmpty, '+': isSet, ':?': false, '?': false,
  }[modifier] ?? false;
  if (modifier.endsWith('+')) {
    return { result: useOperand ? expand(operand, escape, scope, missing) : { value: '', origins: [] }, end };
  }
  if (useOperand) return { result: expand(operand, escape, scope, missing), end };
  return { result: lookup(name, scope, missing), end };
}

function lookup(name: string, scope: Scope, missing: Set<string>): Traced {
  const value = scope(name);
  if (value === undefined) {
    missing.add(name);
    return { value: '', origins: [] };
  }
  return value;
}

function matchingBrace(value: string, open: number): number {
  let depth = 0;
  for (let i = open; i < value.length; i++) {
    if (value[i] === '{') depth++;
    else if (value[i] === '}' && --depth === 0) return i;
  }
  return -1;
}
