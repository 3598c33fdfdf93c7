/**
 * The remote commands of `tls: auto` beyond certbot itself, as data: enabling the renewal timer,
 * and putting the nginx site back as it was when obtaining the certificate failed.
 */
import { CERTBOT_TIMER } from '../host/acme';
import { NGINX, SYSTEMCTL } from '../host/spec';
import type { Command } from '../shell';

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
