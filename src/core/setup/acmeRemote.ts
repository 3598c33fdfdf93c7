/**
 * The remote commands of `tls: auto` beyond certbot itself, as data: enabling the renewal timer,
 * and putting the nginx site back as it was when obtaining the certificate failed.
 */
import { CERTBOT_TIMER, certonlyManual, certonlyWebroot, type AcmeSpec } from '../host/acme';
import { NGINX, SYSTEMCTL } from '../host/spec';
import { join, op, type Command } from '../shell';

/**
 * certbot (webroot on a single host; the manual hooks on the primary of several), preceded by the
 * webroot it writes challenge files into (root's, readable by nginx). `force` when a lineage exists.
 */
export function obtainCommand(acme: AcmeSpec, force: boolean): Command {
  const certbot = (acme.multiHost ? certonlyManual : certonlyWebroot)(acme, acme.names);
  return join(op.and, ['sudo', '-n', 'install', '-d', '-m', '0755', acme.webroot], force ? [...certbot, '--force-renewal'] : certbot);
}

export const enableTimerCommand = (): Command => ['sudo', '-n', SYSTEMCTL, 'enable', '--now', CERTBOT_TIMER];

// $1 the site link to remove ('' = keep), then (path, existed, content) triples: a file that
// existed gets its old content back, one that did not is removed. nginx then reloads what it
// served before, after `nginx -t`.
const RESTORE = String.raw`link=$1; shift
[ -z "$link" ] || rm -f -- "$link"
while [ $# -ge 3 ]; do
  if [ "$2" = 1 ]; then printf '%s' "$3" > "$1.phoenix-new" && mv -f -- "$1.phoenix-new" "$1"; else rm -f -- "$1"; fi
  shift 3
done
${NGINX} -t && ${SYSTEMCTL} reload-or-restart nginx.service`;

export interface RestoredFile {
  path: string;
  /** The content before this run; undefined: the file did not exist. */
  before?: string;
}

export function restoreSiteCommand(files: readonly RestoredFile[], removeLink?: string): Command {
  return ['sudo', '-n', 'sh', '-c', RESTORE, 'sh', removeLink ?? '',
    ...files.flatMap((f) => [f.path, f.before === undefined ? '0' : '1', f.before ?? ''])];
}

// ---- multi-host mode: challenge files placed by the tool, the certificate copied to every host ----

const CHALLENGES = String.raw`d=$1/.well-known/acme-challenge p=$2
for f in "$d"/*; do [ -f "$f" ] || continue; t=$(basename -- "$f"); [ -e "$p/$t" ] || printf '%s %s\n' "$t" "$(cat -- "$f")"; done`;

/** The primary's challenge files the tool has not placed everywhere yet, as `token validation` lines. */
export const pendingChallengesCommand = (webroot: string, placedDir: string): Command => ['sudo', '-n', 'sh', '-c', CHALLENGES, 'sh', webroot, placedDir];

export function parseChallenges(stdout: string): Array<{ token: string; validation: string }> {
  return stdout.split('\n').map((l) => l.trim().split(' ')).filter((w) => w.length === 2 && /^[A-Za-z0-9_-]+$/.test(w[0]))
    .map(([token, validation]) => ({ token, validation }));
}

export const placeChallengeCommand = (webroot: string, token: string, validation: string): Command => ['sudo', '-n', 'sh', '-c',
  'd=$1/.well-known/acme-challenge; install -d -m 0755 "$d" && printf "%s" "$3" > "$d/$2" && chmod 0644 "$d/$2"', 'sh', webroot, token, validation];

export const markPlacedCommand = (placedDir: string, token: string): Command => ['sudo', '-n', 'sh', '-c',
  'install -d -m 0700 "$1" && : > "$1/$2"', 'sh', placedDir, token];

export const removeChallengesCommand = (webroot: string, tokens: readonly string[]): Command => ['sudo', '-n', 'sh', '-c',
  'd=$1/.well-known/acme-challenge; shift; for t; do rm -f -- "$d/$t"; done', 'sh', webroot, ...tokens];

/** The primary's current certificate and key, each as one base64 line. */
export const readLineageCommand = (liveDir: string): Command => ['sudo', '-n', 'sh', '-c',
  'base64 -w0 -- "$1/fullchain.pem" && echo && base64 -w0 -- "$1/privkey.pem" && echo', 'sh', liveDir];

/**
 * Installs the copy nginx serves; the two base64 lines arrive on stdin, so the key is never in a
 * process's arguments. Both files are swapped in only once both are written.
 */
export const installCopyCommand = (dir: string): Command => ['sudo', '-n', 'sh', '-c', String.raw`umask 077; read -r c; read -r k
install -d -m 0755 -- "$1" && printf '%s' "$c" | base64 -d > "$1/fullchain.pem.new" && printf '%s' "$k" | base64 -d > "$1/privkey.pem.new" \
  && chmod 0644 "$1/fullchain.pem.new" && mv -f -- "$1/fullchain.pem.new" "$1/fullchain.pem" && mv -f -- "$1/privkey.pem.new" "$1/privkey.pem"`, 'sh', dir];
