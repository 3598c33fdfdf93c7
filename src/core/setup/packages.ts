/**
 * The Dockerfile final stage's packages and locales on each host: read with dpkg-query and
 * `locale -a` during inspect, and only what is missing is installed (apt-get) or generated
 * (locale-gen) after the confirmation. Commands are data; scripts take their words as arguments.
 */
import { at, type ReleaseRuntime } from '../runtime/spec';
import type { Command } from '../shell';

const M = '@@phoenix-deploy:';

// $@: package names. dpkg-query exits 1 for a package it does not know: that is an answer, not a failure.
const QUERY = "dpkg-query -W -f='${db:Status-Abbrev} ${Package}\\n' -- \"$@\" 2>/dev/null\n" +
  `echo '${M}locales'; locale -a 2>/dev/null; exit 0`;

export function runtimeQueryCommand(packages: readonly string[]): Command {
  return ['sh', '-c', QUERY, 'sh', ...packages];
}

export interface RuntimeFacts {
  installed: Set<string>;
  /** Normalized as `locale -a` prints them: `en_us.utf8`. */
  locales: Set<string>;
}

export function parseRuntimeFacts(stdout: string): RuntimeFacts {
  const [packages, locales = ''] = stdout.split(`${M}locales`);
  const installed = new Set(packages.split('\n').flatMap((line) => {
    const m = /^ii\s+(\S+)/.exec(line.trim());
    return m ? [m[1]] : [];
  }));
  return { installed, locales: new Set(locales.split('\n').map((l) => normalizeLocale(l.trim())).filter(Boolean)) };
}

/** `en_US.UTF-8` and `en_US.utf8` name one locale. */
export function normalizeLocale(name: string): string {
  return name.toLowerCase().replace(/-/g, '');
}

export function missingOn(runtime: ReleaseRuntime, facts: RuntimeFacts): { packages: string[]; locales: string[] } {
  return {
    packages: runtime.packages.filter((p) => !facts.installed.has(p)),
    locales: runtime.locales.filter((l) => !facts.locales.has(normalizeLocale(l))),
  };
}

// $@: packages. The lists may be stale or absent on a fresh host; a failed update still lets install say why.
const INSTALL = 'apt-get update -q >&2 || echo "apt-get update failed; trying the install with the lists this host has" >&2\n' +
  'DEBIAN_FRONTEND=noninteractive exec apt-get install -y --no-install-recommends -- "$@"';

export function installPackagesCommand(packages: readonly string[]): Command {
  return ['sudo', '-n', 'sh', '-c', INSTALL, 'sh', ...packages];
}

// $@: locales as /etc/locale.gen names them (`en_US.UTF-8`): uncomment each line, or add it with its charset.
const LOCALES = [
  'for l; do',
  '  charset=${l#*.}; [ "$charset" != "$l" ] || charset=ISO-8859-1',
  "  pattern=$(printf '%s' \"$l\" | sed 's/\\./\\\\./g')",
  '  if grep -Eq "^# *$pattern( |$)" /etc/locale.gen; then sed -i -E "s/^# *($pattern( |$))/\\1/" /etc/locale.gen',
  "  elif ! grep -Eq \"^$pattern( |$)\" /etc/locale.gen; then printf '%s %s\\n' \"$l\" \"$charset\" >> /etc/locale.gen; fi",
  'done',
  'exec locale-gen',
].join('\n');

export function generateLocalesCommand(locales: readonly string[]): Command {
  return ['sudo', '-n', 'sh', '-c', LOCALES, 'sh', ...locales];
}

/** For --dry-run and the preview: what the final stage asks of the host, and where. */
export function describeRuntimeNeeds(runtime: ReleaseRuntime): string[] {
  const stage = runtime.finalStage;
  if (!stage) return [];
  const lines: string[] = [];
  const where = (ranges: Array<{ range: { line: number } }>) => [...new Set(ranges.map((r) => `${stage.file}:${r.range.line}`))].join(', ');
  if (runtime.packages.length > 0) lines.push(`packages from the final stage (${where(stage.packages)}): ${runtime.packages.join(' ')}`);
  if (runtime.locales.length > 0) lines.push(`locales from the final stage (${where(stage.locales)}): ${runtime.locales.join(' ')}`);
  return lines;
}

/** For --dry-run of the units: how they start the release and what they set, with where each comes from. */
export function describeUnitRuntime(runtime: ReleaseRuntime | undefined, app: string): string[] {
  if (!runtime) return [];
  // The launcher decides at each start (a rolled-back release may be another tool's); this is what it picks for this project.
  const start = runtime.serverScript
    ? 'the launcher runs bin/server (the release has rel/overlays/bin/server)'
    : `the launcher runs bin/${app} start (Distillery releases: foreground)`;
  return [start, ...runtime.environment.map((v) => `unit environment ${v.name}=${v.value} (${at(v.from)})`)];
}
