/**
 * What a release's `env.sh` (rel/env.sh.eex or rel/env.sh) does to a node's identity. The start
 * script sources it after the unit's environment, so an export here overrides the slot's
 * RELEASE_NODE / RELEASE_DISTRIBUTION. Pure.
 */
export const ENV_SH_PATHS = ['rel/env.sh.eex', 'rel/env.sh'] as const;

/** The variables that make a node's identity (two slots on one host need two). */
export const IDENTITY = ['RELEASE_NODE', 'RELEASE_DISTRIBUTION'] as const;
export type IdentityVariable = typeof IDENTITY[number];

/** Variables a hosting platform sets and our hosts do not: a name made of them is empty or wrong here. */
const OFF_PLATFORM = /\$\{?#?((?:FLY|KUBERNETES|RENDER|HEROKU|GIGALIXIR)_[A-Z0-9_]*|POD_IP|POD_NAME|POD_NAMESPACE)\b/g;

export interface EnvShExport {
  name: string;
  /** As written after `=`, quotes included. */
  value: string;
  /** 1-based line, and the columns of the value (endColumn exclusive). */
  line: number;
  column: number;
  endColumn: number;
  /** Inside an `if` whose test names a platform variable (`if [ $FLY_IO_RELEASE ]`): it never runs on our hosts. */
  guarded: boolean;
  /** The value keeps a value already set (`${RELEASE_NODE:-…}`): the slot's wins. */
  defers: boolean;
  /** Platform variables the value uses (FLY_PRIVATE_IP, POD_IP, …). */
  offPlatform: string[];
}

const ASSIGN = /^(\s*(?:export\s+)?)([A-Za-z_][A-Za-z0-9_]*)=(.*?)\s*(?:\s#.*)?$/;

export function readEnvSh(text: string): EnvShExport[] {
  const out: EnvShExport[] = [];
  const conditions: string[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/\r$/, '');
    const trimmed = line.trim();
    if (/^(if|elif)\b/.test(trimmed)) {
      if (trimmed.startsWith('if')) conditions.push(trimmed);
      else conditions[conditions.length - 1] = trimmed;
    }
    if (/^fi\b/.test(trimmed) || /;\s*fi\s*$/.test(trimmed)) conditions.pop();
    const body = trimmed.replace(/^(if|elif)\b.*?;\s*then\s*/, '').replace(/^then\s+/, '');
    const at = line.indexOf(body);
    const m = ASSIGN.exec(body);
    if (!m || trimmed.startsWith('#')) return;
    const [, lead, name, value] = m;
    const column = at + lead.length + name.length + 2;
    const guards = [...conditions, trimmed.startsWith('if') ? trimmed : ''];
    out.push({
      name, value, line: i + 1, column, endColumn: column + value.length,
      guarded: guards.some((c) => new RegExp(OFF_PLATFORM.source).test(c)),
      defers: new RegExp(`\\$\\{${name}:?-`).test(value) || new RegExp(`\\$\\{?${name}\\b`).test(value),
      offPlatform: [...new Set([...value.matchAll(OFF_PLATFORM)].map((x) => x[1]))],
    });
  });
  return out;
}

/** The change that lets the slot's value win and keeps the file's own as the default. */
export function deferringValue(e: EnvShExport): string {
  const inner = e.value.replace(/^"(.*)"$/, '$1').replace(/^'(.*)'$/, '$1');
  return `"\${${e.name}:-${inner}}"`;
}

/** Exports that would override a blue/green slot's identity on every host. */
export function identityOverrides(found: readonly EnvShExport[]): EnvShExport[] {
  return found.filter((e) => (IDENTITY as readonly string[]).includes(e.name) && !e.guarded && !e.defers);
}

/** `-proto_dist inet6_tcp` in ERL_AFLAGS (or ELIXIR_ERL_OPTIONS): the node then needs IPv6 loopback. */
export function needsIpv6(value: string): boolean {
  return /-proto_dist\s+inet6_tcp\b/.test(value);
}
