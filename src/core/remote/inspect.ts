/**
 * Everything about a host in one round trip, for `releases`, the Servers view, the deploy's lock
 * step and `check --probe`: OS, libc, OpenSSL libraries, `current` (and its ERTS), releases (with
 * start_erl.data), the lock and the tail of deploys.log, as marker-separated sections. The parser
 * ignores what it does not recognise (login banners, shell rc noise), so garbage never breaks it.
 */
import { liveSlotSed } from '../host/nginx';
import { isReleaseId } from '../release/id';
import type { Command } from '../shell';
import { parseLibc, parseSonames, type LibcInfo } from '../probe/libs';
import { parseOsRelease, type OsReleaseFile } from '../versions/osRelease';
import { parseLockHolder, type HeldLock } from './lock';
import { parseDeployLog, type DeployRecord } from './log';
import type { RemotePaths } from './paths';

const M = '@@phoenix-deploy:';

// A constant script; deploy_to arrives as $1; for a blue/green host, the app as $2 and the live upstream file as $3;
// on a host the tool manages, its unit file as $4 (whether setup has run). Names pass through `tr` so a newline or tab in a
// directory name cannot forge lines. Per release it forks once (head); `tr` only for odd names or
// contents, so listing 100 releases stays cheap on a busy host.
const SCRIPT = String.raw`d=$1
safe() { printf '%s' "$1" | tr -c 'A-Za-z0-9._+:/@-' '?'; echo; }
echo '${M}host'; uname -n 2>/dev/null
echo '${M}os'; cat /etc/os-release 2>/dev/null
echo '${M}libc'; ldd --version 2>&1 | head -n 2
echo '${M}libs'; find /lib /usr/lib /lib64 /usr/lib64 /usr/local/lib -maxdepth 3 \( -name 'libssl.so.*' -o -name 'libcrypto.so.*' \) 2>/dev/null
echo '${M}current'
if [ -L "$d/current" ]; then safe "$(readlink "$d/current")"; if [ -e "$d/current" ]; then echo '${M}current-ok'; head -c 200 "$d/current/releases/start_erl.data" 2>/dev/null | tr -c 'A-Za-z0-9._+ -' ' '; echo; fi; fi
echo '${M}releases'
if cd "$d/releases" 2>/dev/null; then for n in *; do [ -d "./$n" ] || continue; s=$n; case $n in *[!A-Za-z0-9._+:@-]*) s=$(safe "$n") ;; esac; e=$(head -c 200 "./$n/releases/start_erl.data" 2>/dev/null); case $e in *[!A-Za-z0-9._+\ -]*) e=$(printf '%s' "$e" | tr -c 'A-Za-z0-9._+ -' ' ') ;; esac; printf '%s\t%s\n' "$s" "$e"; done; fi
echo '${M}lock'
if [ -L "$d/deploy.lock" ]; then echo '${M}locked'; printf '%s\n' "$(readlink "$d/deploy.lock")"; elif [ -d "$d/deploy.lock" ]; then echo '${M}locked'; printf '%s\n' "$(head -c 4096 "$d/deploy.lock/holder.json" 2>/dev/null | head -n 1)"; fi
echo '${M}log'; tail -n 100 "$d/deploys.log" 2>/dev/null
if [ -n "$2" ]; then echo '${M}slots'; sed -n '${liveSlotSed('live \\1')}' "$3" 2>/dev/null | head -n 1
for s in blue green; do t=$(readlink "$d/slots/$s" 2>/dev/null) && echo "link $s $(safe "$t")"; echo "state $s $(systemctl is-active "$2@$s.service" 2>/dev/null | head -n 1)"; done; fi
if [ -n "$4" ]; then echo '${M}unit'; if [ -e "$4" ]; then echo present; else echo missing; fi; fi
echo '${M}end'`;

/**
 * With `slots` (a blue/green host), also which slot nginx routes to, what each slot holds and
 * whether it runs; with `unitFile` (a host the tool manages), whether setup has written it.
 */
export function inspectCommand(paths: RemotePaths, slots?: { app: string; upstreamFile: string }, unitFile?: string): Command {
  if (!unitFile) return ['sh', '-c', SCRIPT, 'sh', paths.root, ...(slots ? [slots.app, slots.upstreamFile] : [])];
  return ['sh', '-c', SCRIPT, 'sh', paths.root, slots?.app ?? '', slots?.upstreamFile ?? '', unitFile];
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
  /** /etc/os-release, parsed (id, version, pretty name, and the OS it names). */
  os: OsReleaseFile;
  libc?: LibcInfo;
  /** Sonames found, e.g. `libcrypto.so.3`. */
  libssl: string[];
  libcrypto: string[];
  /** What `current` points at; `release` is set when that is releases/<name>; `erts`/`version` from its start_erl.data. */
  current?: { target: string; release?: string; dangling: boolean; erts?: string; version?: string };
  releases: InspectedRelease[];
  lock?: HeldLock;
  log: DeployRecord[];
  /** Non-empty deploys.log lines (of the last 100) that are not a deploy record: torn or foreign lines. */
  unreadableLogLines: number;
  /** Blue/green hosts: the slot nginx routes to, and each slot's release and systemd state. */
  slots?: InspectedSlots;
  /** A managed host: whether the tool's unit file is there (setup has run); unset when not asked. */
  unitPresent?: boolean;
  /** False when the end marker never arrived (output cut short). */
  complete: boolean;
}

export interface InspectedSlots {
  live?: string;
  /** Slot name → release name (or the raw link target when it is not releases/<id>). */
  releases: Record<string, string>;
  /** Slot name → `systemctl is-active` answer (active, inactive, failed, activating…). */
  states: Record<string, string>;
}

function parseSlots(lines: string[] | undefined): InspectedSlots | undefined {
  if (!lines) return undefined;
  const slots: InspectedSlots = { releases: {}, states: {} };
  for (const line of lines) {
    const [kind, name, value = ''] = line.trim().split(/\s+/, 3);
    if (kind === 'live' && name) slots.live = name;
    if (kind === 'link' && name) slots.releases[name] = /(?:^|\/)releases\/([^/]+)\/?$/.exec(value)?.[1] ?? value;
    if (kind === 'state' && name) slots.states[name] = value || 'unknown';
  }
  return slots;
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
  const currentLine = get('current').find((l) => l.trim() !== '');
  let current: HostInspection['current'];
  if (currentLine !== undefined) {
    const target = currentLine.trim();
    const name = /(?:^|\/)releases\/([^/]+)\/?$/.exec(target)?.[1];
    const [erts, version] = (get('current-ok').find((l) => l.trim() !== '') ?? '').trim().split(/\s+/);
    current = { target, release: name, dangling: !sections.has('current-ok'), ...(/^\d/.test(erts ?? '') ? { erts, version } : {}) };
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
  const libs = get('libs').join('\n');
  const lockText = get('locked').find((l) => l.trim() !== '') ?? '';
  return {
    hostname: get('host').find((l) => l.trim() !== '')?.trim(),
    os: parseOsRelease(get('os').join('\n')),
    libc: parseLibc(get('libc').join('\n')),
    libssl: parseSonames(libs, 'libssl'),
    libcrypto: parseSonames(libs, 'libcrypto'),
    current,
    releases,
    lock: sections.has('locked') ? { raw: lockText, holder: parseLockHolder(lockText) } : undefined,
    log,
    unreadableLogLines: get('log').filter((l) => l.trim() !== '').length - log.length,
    ...(sections.has('slots') ? { slots: parseSlots(sections.get('slots')) } : {}),
    ...(sections.has('unit') ? { unitPresent: get('unit').some((l) => l.trim() === 'present') } : {}),
    complete: sections.has('end'),
  };
}
