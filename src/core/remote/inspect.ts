/**
 * Everything about a host in one round trip: OS, glibc, `current`, releases (with start_erl.data),
 * lock holder and the tail of deploys.log, as marker-separated sections. The parser ignores what it
 * does not recognise (login banners, shell rc noise), so garbage never breaks it.
 */
import { isReleaseId } from '../release/id';
import type { Command } from '../shell';
import { parseLockHolder, type LockHolder } from './lock';
import { parseDeployLog, type DeployRecord } from './log';
import type { RemotePaths } from './paths';

const M = '@@phoenix-deploy:';

// A constant script; deploy_to arrives as $1. Names pass through `tr` so a newline or tab in a
// directory name cannot forge lines. Per release it forks once (head); `tr` only for odd names or
// contents, so listing 100 releases stays cheap on a busy host.
const SCRIPT = String.raw`d=$1
safe() { printf '%s' "$1" | tr -c 'A-Za-z0-9._+:/@-' '?'; echo; }
echo '${M}host'; uname -n 2>/dev/null
echo '${M}os'; cat /etc/os-release 2>/dev/null
echo '${M}glibc'; getconf GNU_LIBC_VERSION 2>/dev/null || ldd --version 2>&1 | head -n 1
echo '${M}current'
if [ -L "$d/current" ]; then safe "$(readlink "$d/current")"; if [ -e "$d/current" ]; then echo '${M}current-ok'; fi; fi
echo '${M}releases'
if cd "$d/releases" 2>/dev/null; then for n in *; do [ -d "./$n" ] || continue; s=$n; case $n in *[!A-Za-z0-9._+:@-]*) s=$(safe "$n") ;; esac; e=$(head -c 200 "./$n/releases/start_erl.data" 2>/dev/null); case $e in *[!A-Za-z0-9._+\ -]*) e=$(printf '%s' "$e" | tr -c 'A-Za-z0-9._+ -' ' ') ;; esac; printf '%s\t%s\n' "$s" "$e"; done; fi
echo '${M}lock'
if [ -d "$d/deploy.lock" ]; then echo '${M}locked'; head -c 4096 "$d/deploy.lock/holder.json" 2>/dev/null; echo; fi
echo '${M}log'; tail -n 100 "$d/deploys.log" 2>/dev/null
echo '${M}end'`;

export function inspectCommand(paths: RemotePaths): Command {
  return ['sh', '-c', SCRIPT, 'sh', paths.root];
}

export interface InspectedRelease {
  name: string;
  /** False for directories whose names are not release ids (listed, never touched). */
  valid: boolean;
  erts?: string;
  version?: string;
}

export interface HostInspection {
  hostname?: string;
  os: { id?: string; versionId?: string; codename?: string; prettyName?: string };
  /** e.g. `2.36`; undefined on musl or when unknown. */
  glibc?: string;
  /** What `current` points at; `release` is set when that is releases/<name>. */
  current?: { target: string; release?: string; dangling: boolean };
  releases: InspectedRelease[];
  lock?: { holder?: Partial<LockHolder> };
  log: DeployRecord[];
  /** Non-empty deploys.log lines (of the last 100) that are not a deploy record: torn or foreign lines. */
  unreadableLogLines: number;
  /** False when the end marker never arrived (output cut short). */
  complete: boolean;
}

export function parseInspection(text: string): HostInspection {
  const sections = new Map<string, string[]>();
  let section: string | undefined;
  for (const line of text.split(/\r?\n/)) {
    if (line.startsWith(M)) {
      section = line.slice(M.length).trim();
      if (!sections.has(section)) sections.set(section, []);
      continue;
    }
    if (section) sections.get(section)!.push(line);
  }
  const get = (name: string) => sections.get(name) ?? [];
  const osFields = new Map<string, string>();
  for (const line of get('os')) {
    const m = /^([A-Z_]+)=("?)(.*)\2$/.exec(line.trim());
    if (m) osFields.set(m[1], m[3]);
  }
  const glibcMatch = /(\d+\.\d+(?:\.\d+)?)\s*$/.exec(get('glibc').find((l) => /glibc|GLIBC|GNU libc/i.test(l)) ?? '');
  const currentLine = get('current').find((l) => l.trim() !== '');
  let current: HostInspection['current'];
  if (currentLine !== undefined) {
    const target = currentLine.trim();
    const name = /(?:^|\/)releases\/([^/]+)\/?$/.exec(target)?.[1];
    current = { target, release: name, dangling: !sections.has('current-ok') };
  }
  const releases: InspectedRelease[] = [];
  for (const line of get('releases')) {
    const tab = line.indexOf('\t');
    if (tab <= 0) continue;
    const name = line.slice(0, tab);
    if (name.includes('?') && !isReleaseId(name)) {
      releases.push({ name, valid: false });
      continue;
    }
    const [erts, version] = line.slice(tab + 1).trim().split(/\s+/);
    releases.push({ name, valid: isReleaseId(name), erts: erts || undefined, version: version || undefined });
  }
  releases.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const log = parseDeployLog(get('log').join('\n'));
  return {
    hostname: get('host').find((l) => l.trim() !== '')?.trim(),
    os: { id: osFields.get('ID'), versionId: osFields.get('VERSION_ID'), codename: osFields.get('VERSION_CODENAME'), prettyName: osFields.get('PRETTY_NAME') },
    glibc: glibcMatch?.[1],
    current,
    releases,
    lock: sections.has('locked') ? { holder: parseLockHolder(get('locked').join('\n')) } : undefined,
    log,
    unreadableLogLines: get('log').filter((l) => l.trim() !== '').length - log.length,
    complete: sections.has('end'),
  };
}
