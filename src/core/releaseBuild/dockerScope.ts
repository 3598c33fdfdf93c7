/**
 * Variables as a Dockerfile stage sees them: ARG values and ENV, with ENV winning over an ARG of
 * the same name, and each ENV instruction reading the values from before it.
 */
import { expand, splitDockerfileWords, type Scope, type Traced } from '../versions/dockerfileWords';
import type { DockerArg, DockerInstruction } from '../versions/dockerfile';

export class StageScope {
  private readonly args = new Map<string, string>();
  private readonly env = new Map<string, string>();

  constructor(env: Iterable<[string, string]> = []) {
    for (const [k, v] of env) this.env.set(k, v);
  }

  /** From `docker image inspect`'s Config.Env (`NAME=value` strings). */
  static fromImageEnv(env: readonly string[] | null | undefined): StageScope {
    return new StageScope((env ?? []).map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)] as [string, string]));
  }

  /** An ARG declaration: defines the name for the rest of the stage, unless ENV already has it. */
  declareArg(arg: DockerArg): void {
    if (arg.value !== undefined) this.args.set(arg.name, arg.value.value);
    else this.args.delete(arg.name);
  }

  /** Applies an ENV instruction. */
  applyEnv(instruction: DockerInstruction, escape: string): Array<[string, string]> {
    const pairs = parseEnv(instruction.args, escape, this.scope());
    for (const [k, v] of pairs) this.env.set(k, v);
    return pairs;
  }

  get(name: string): string | undefined {
    return this.env.get(name) ?? this.args.get(name);
  }

  scope(): Scope {
    return (name) => {
      const value = this.get(name);
      return value === undefined ? undefined : untraced(value);
    };
  }

  /** Expands one word (quotes removed); names that are unset are added to `missing`. */
  expandWord(word: Traced, escape: string, missing = new Set<string>()): string {
    return expand(word, escape, this.scope(), missing).value;
  }

  /** What RUN gets on top of the image's environment: the stage's ARGs that ENV does not override, and ENV set since. */
  runEnv(imageEnv: ReadonlyMap<string, string>): string[] {
    const out: string[] = [];
    for (const [k, v] of this.args) if (!this.env.has(k)) out.push(`${k}=${v}`);
    for (const [k, v] of this.env) if (imageEnv.get(k) !== v) out.push(`${k}=${v}`);
    return out;
  }
}

function untraced(value: string): Traced {
  return { value, origins: Array.from(value, () => -1) };
}

/** `ENV a=1 b="two words"` or the old `ENV name the rest`. Values are expanded with `scope`. */
export function parseEnv(args: Traced, escape: string, scope: Scope): Array<[string, string]> {
  const words = splitDockerfileWords(args, escape);
  if (words.length === 0) return [];
  if (!words[0].value.includes('=')) {
    const name = words[0].value;
    let restStart = args.value.indexOf(name) + name.length;
    while (restStart < args.value.length && /\s/.test(args.value[restStart])) restStart++;
    const rest = { value: args.value.slice(restStart), origins: args.origins.slice(restStart) };
    return [[name, expand(rest, escape, scope, new Set()).value]];
  }
  return words.map((word) => {
    const eq = word.value.indexOf('=');
    const value = { value: word.value.slice(eq + 1), origins: word.origins.slice(eq + 1) };
    return [word.value.slice(0, eq), expand(value, escape, scope, new Set()).value] as [string, string];
  });
}
