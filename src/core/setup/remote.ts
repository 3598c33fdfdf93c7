/**
 * Setup's remote commands, as data. Each script is a constant; paths, users and file contents
 * arrive as positional parameters. Everything privileged runs under `sudo -n`, so a user without
 * the right is refused at once instead of waiting for a password.
 */
import { CP, NGINX, SYSTEMCTL } from '../host/spec';
import type { Command } from '../shell';
import type { DesiredFile } from './files';

const M = '@@phoenix-deploy:';
export const VISUDO = '/usr/sbin/visudo';
/** journald lets members of this group read the whole system journal, the app's units included. */
export const JOURNAL_GROUP = 'systemd-journal';

/** `sudo -n true`: exit 0 only when the user may run commands as root without a password. */
export function sudoCheckCommand(): Command {
  return ['sudo', '-n', 'true'];
}

// $1 user, $2 deploy_to, $3 site link, $4 certificate, $5 key, $6 the directories (one a line), then the managed files. Contents
// travel as base64 so nothing in a file can forge a section marker.
const INSPECT = String.raw`u=$1 d=$2 link=$3 cert=$4 key=$5 dirs=$6; shift 6
echo '${M}user'; id -u -- "$u" 2>/dev/null
echo '${M}groups'; id -Gn -- "$u" 2>/dev/null | tr ' ' '\n'; echo '${M}journal-group'; getent group ${JOURNAL_GROUP} >/dev/null && echo present
echo '${M}tools'; for t in ${SYSTEMCTL} ${NGINX} ${CP} ${VISUDO}; do [ -x "$t" ] && echo "$t"; done
echo '${M}dirs'; printf '%s\n' "$dirs" | while IFS= read -r x; do [ -d "$x" ] && printf '%s %s\n' "$(stat -c %U -- "$x")" "$x"; done
echo '${M}env'; [ -e "$d/shared/env" ] && echo present
echo '${M}link'; [ -n "$link" ] && readlink -- "$link"
echo '${M}tls'; [ -n "$cert" ] && { [ -r "$cert" ] && echo certificate; [ -r "$key" ] && echo key; }
for f; do echo "${M}file $f"; [ -f "$f" ] && base64 -w0 -- "$f" && echo; done
echo '${M}end'`;

export function inspectSetupCommand(user: string, deployTo: string, paths: readonly string[],
  extra: { link?: string; certificate?: string; key?: string; dirs: readonly string[] }): Command {
  return ['sudo', '-n', 'sh', '-c', INSPECT, 'sh', user, deployTo, extra.link ?? '', extra.certificate ?? '', extra.key ?? '', extra.dirs.join('\n'), ...paths];
}

export interface SetupFacts {
  userExists: boolean;
  /** The deploy user's groups. */
  groups: string[];
  /** The host has the systemd-journal group. */
  journalGroup: boolean;
  tools: string[];
  /** Existing directories and their owners. */
  dirs: Map<string, string>;
  sharedEnv: boolean;
  /** Where the site link points, if it exists. */
  link?: string;
  tls: { certificate: boolean; key: boolean };
  /** Current contents of the managed files; absent files are missing. */
  files: Map<string, string>;
  complete: boolean;
}

export function parseSetupFacts(stdout: string): SetupFacts {
  const sections = new Map<string, string[]>();
  let current: string | undefined;
  for (const line of stdout.split('\n')) {
    if (line.startsWith(M)) {
      current = line.slice(M.length);
      sections.set(current, []);
    } else if (current) {
      sections.get(current)!.push(line);
    }
  }
  const get = (name: string) => (sections.get(name) ?? []).filter((l) => l.trim() !== '');
  const files = new Map<string, string>();
  for (const [name, lines] of sections) {
    if (!name.startsWith('file ')) continue;
    const body = lines.find((l) => l.trim() !== '');
    if (body !== undefined) files.set(name.slice(5), Buffer.from(body.trim(), 'base64').toString('utf8'));
  }
  const dirs = new Map<string, string>();
  for (const line of get('dirs')) {
    const space = line.indexOf(' ');
    if (space > 0) dirs.set(line.slice(space + 1), line.slice(0, space));
  }
  const tls = get('tls');
  return {
    userExists: get('user').length > 0,
    groups: get('groups').map((g) => g.trim()),
    journalGroup: get('journal-group').includes('present'),
    tools: get('tools'),
    dirs,
    sharedEnv: get('env').includes('present'),
    link: get('link')[0],
    tls: { certificate: tls.includes('certificate'), key: tls.includes('key') },
    files,
    complete: sections.has('end'),
  };
}

export function makeDirectoriesCommand(user: string, dirs: readonly string[]): Command {
  return ['sudo', '-n', 'install', '-d', '-o', user, '-g', user, '-m', '0755', '--', ...dirs];
}

/** Creates shared/env empty, mode 0600, owned by the deploy user; an existing one is never touched. */
export function createSharedEnvCommand(user: string, path: string): Command {
  return ['sudo', '-n', 'sh', '-c', 'test -e "$1" || install -m 0600 -o "$2" -g "$2" /dev/null "$1"', 'sh', path, user];
}

const RESTORED = `${M}restored`;
const REFUSED = `${M}refused`;

// $1 check (none | visudo | nginx), $2 link target, $3 link path, then (path, mode, content)
// triples. Every file is staged beside its target, checked (visudo -cf) before anything is
// installed, then swapped in with the old one kept; `nginx -t` runs on the installed set, and on
// failure every file (and a link this run made) is put back as it was.
const APPLY = String.raw`check=$1 target=$2 link=$3; shift 3
stage() { while [ $# -ge 3 ]; do rm -f -- "$1.phoenix-old"; mkdir -p -- "$(dirname -- "$1")" && printf '%s' "$3" > "$1.phoenix-new" && chmod "$2" -- "$1.phoenix-new" || return 1; shift 3; done; }
precheck() { [ "$check" = visudo ] || return 0; while [ $# -ge 3 ]; do ${VISUDO} -cf "$1.phoenix-new" >&2 || return 1; shift 3; done; }
swap() { while [ $# -ge 3 ]; do if [ -e "$1" ]; then cp -p -- "$1" "$1.phoenix-old" || return 1; fi; mv -f -- "$1.phoenix-new" "$1" || return 1; shift 3; done; }
restore() { while [ $# -ge 3 ]; do if [ -e "$1.phoenix-old" ]; then mv -f -- "$1.phoenix-old" "$1"; else rm -f -- "$1"; fi; rm -f -- "$1.phoenix-new"; shift 3; done; }
tidy() { while [ $# -ge 3 ]; do rm -f -- "$1.phoenix-old" "$1.phoenix-new"; shift 3; done; }
made=
if ! { stage "$@" && precheck "$@"; }; then tidy "$@"; echo '${REFUSED}'; exit 3; fi
if ! swap "$@"; then restore "$@"; echo '${RESTORED}'; exit 4; fi
if [ -n "$link" ] && [ ! -L "$link" ]; then ln -s -- "$target" "$link" && made=1; fi
if [ "$check" = nginx ] && ! ${NGINX} -t; then restore "$@"; [ -z "$made" ] || rm -f -- "$link"; echo '${RESTORED}'; exit 5; fi
tidy "$@"`;

export type ApplyCheck = 'none' | 'visudo' | 'nginx';

export function applyFilesCommand(files: readonly DesiredFile[], check: ApplyCheck, link?: { target: string; path: string }): Command {
  return ['sudo', '-n', 'sh', '-c', APPLY, 'sh', check, link?.target ?? '', link?.path ?? '', ...files.flatMap((f) => [f.path, f.mode, f.content])];
}

/** What an apply run reported: refused before installing, or installed then put back. */
export function applyOutcome(stdout: string): 'refused' | 'restored' | undefined {
  if (stdout.includes(REFUSED)) return 'refused';
  if (stdout.includes(RESTORED)) return 'restored';
  return undefined;
}

/** Lets the deploy user read the app's journal (`logs`) without any sudo right. */
export function joinJournalGroupCommand(user: string): Command {
  return ['sudo', '-n', 'usermod', '-a', '-G', JOURNAL_GROUP, '--', user];
}

export const daemonReloadCommand = (): Command => ['sudo', '-n', SYSTEMCTL, 'daemon-reload'];
export const enableCommand = (unit: string): Command => ['sudo', '-n', SYSTEMCTL, 'enable', unit];
export const reloadNginxCommand = (): Command => ['sudo', '-n', SYSTEMCTL, 'reload-or-restart', 'nginx.service'];
