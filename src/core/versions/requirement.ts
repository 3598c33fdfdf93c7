import semver from 'semver';

/**
 * Elixir version requirements (`~> 1.14`, `>= 1.12.0 and < 2.0.0`, `… or …`) translated to
 * semver ranges; semver does the comparing.
 */
export interface ElixirRequirement {
  /** The semver range equivalent, e.g. `>=1.14.0 <2.0.0-0`. */
  range: string;
}

const COMPARATOR = /^(==|!=|>=|<=|~>|>|<)?\s*(\d+(?:\.\d+){0,2}(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?)$/;

export function parseElixirRequirement(text: string): ElixirRequirement | undefined {
  const alternatives: string[][] = [];
  for (const clause of text.trim().split(/\s+or\s+/)) {
    let sets: string[][] = [[]];
    for (const part of clause.split(/\s+and\s+/)) {
      const options = comparatorOptions(part.trim());
      if (!options) return undefined;
      // `!=` is two alternatives; distribute them over the conjunction.
      sets = sets.flatMap((set) => options.map((option) => [...set, option]));
    }
    alternatives.push(...sets);
  }
  const range = alternatives.map((set) => set.join(' ')).join(' || ');
  return semver.validRange(range) === null ? undefined : { range };
}

function comparatorOptions(part: string): string[] | undefined {
  const match = COMPARATOR.exec(part);
  if (!match) return undefined;
  const op = match[1] ?? '==';
  const parts = match[2].split(/[-+]/)[0].split('.');
  // `~> 1` is not a requirement Elixir accepts: the minor is required.
  if (op === '~>') return parts.length >= 2 ? [tildeRange(match[2], parts.length)] : undefined;
  if (parts.length !== 3) return undefined;
  const version = match[2];
  switch (op) {
    case '==': return [`=${version}`];
    case '!=': return [`<${version}`, `>${version}`];
    default: return [`${op}${version}`];
  }
}

/** `~> 1.14` = `>= 1.14.0 and < 2.0.0-0`; `~> 1.14.2` = `>= 1.14.2 and < 1.15.0-0`. */
function tildeRange(version: string, specified: number): string {
  const [core, pre] = splitPre(version);
  const [major, minor, patch = '0'] = core.split('.');
  const lower = `${major}.${minor}.${patch}${pre ? `-${pre}` : ''}`;
  const upper = specified === 2 ? `${Number(major) + 1}.0.0-0` : `${major}.${Number(minor) + 1}.0-0`;
  return `>=${lower} <${upper}`;
}

function splitPre(version: string): [string, string | undefined] {
  const dash = version.indexOf('-');
  return dash === -1 ? [version.split('+')[0], undefined] : [version.slice(0, dash), version.slice(dash + 1).split('+')[0]];
}

/**
 * True when the version meets the requirement. A partial version (`1.16` from an image tag) meets it
 * when some `1.16.x` would, so only stated digits can fail it.
 */
export function meetsRequirement(requirement: ElixirRequirement, version: string): boolean | undefined {
  const options = { includePrerelease: true };
  if (semver.valid(version)) return semver.satisfies(version, requirement.range, options);
  if (!/^\d+(?:\.\d+)?$/.test(version)) return undefined;
  return semver.intersects(requirement.range, `${version}.x`, options);
}
