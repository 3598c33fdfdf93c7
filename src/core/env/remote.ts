/**
 * Reading and writing `shared/env` on a host, as constant scripts. The file travels as base64 on
 * the way out and on stdin on the way in: its values are never on a command line (nothing in `ps`)
 * and never in the text of a command the tool logs or shows.
 */
import { createHash } from 'node:crypto';
import { ANY_EXIT, type RemoteQuery } from '../remoteQuery';
import type { Command } from '../shell';
import { tail } from '../ssh/runQuery';

const M = '@@phoenix-deploy:';
const ABSENT = 'absent';

// $1 the file. Prints its sha256 and mode, then its content as base64, so nothing in it can forge a marker.
const READ = String.raw`if [ -e "$1" ]; then printf '${M}env %s %s\n' "$(sha256sum < "$1" | cut -d' ' -f1)" "$(stat -c %a -- "$1")"; base64 -w0 < "$1"; echo; else echo '${M}env ${ABSENT}'; fi`;

export function readEnvCommand(file: string): Command {
  return ['sh', '-c', READ, 'sh', file];
}

export interface EnvOnHost {
  /** The file's text ('' when absent). */
  text: string;
  /** sha256 of what was read, or `absent`: the write refuses if the file changed since. */
  version: string;
  exists: boolean;
  /** Octal permission bits, e.g. `600`. */
  mode?: string;
}

/** The file as it is on a host (absent counts); an answer without the marker is an error naming the file. */
export function readEnvQuery(file: string): RemoteQuery<EnvOnHost> {
  return {
    what: `reading ${file}`, command: readEnvCommand(file), okCodes: ANY_EXIT, // the marker decides
    parse(result, host) {
      const read = result.code === 0 ? parseEnvRead(result.stdout) : undefined;
      if (!read) throw new Error(`cannot read ${file} on ${host}: ${tail(result.stderr.trim(), 500) || `exit ${result.code}`}`);
      return read;
    },
  };
}

export function parseEnvRead(stdout: string): EnvOnHost | undefined {
  const lines = stdout.split('\n');
  const at = lines.findIndex((l) => l.startsWith(`${M}env `));
  if (at < 0) return undefined;
  const [version, mode] = lines[at].slice(`${M}env `.length).trim().split(' ');
  if (version === ABSENT) return { text: '', version, exists: false };
  if (!/^[0-9a-f]{64}$/.test(version)) return undefined;
  const text = Buffer.from((lines[at + 1] ?? '').trim(), 'base64').toString('utf8');
  return sha256(text) === version ? { text, version, exists: true, ...(/^[0-7]{3,4}$/.test(mode ?? '') ? { mode } : {}) } : undefined;
}

export const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

export const ENV_CHANGED_EXIT = 3;

// $1 the file, $2 the version read before (sha256 or `absent`); the new content on stdin. Refuses
// (exit 3) if someone changed the file since it was read. A temp file beside it, mode 0600 from the
// start (umask), flushed, then renamed over it: readers see the old file or the new one, never half.
const WRITE = String.raw`f=$1 want=$2 cur=${ABSENT}
[ -e "$f" ] && cur=$(sha256sum < "$f" | cut -d' ' -f1)
[ "$cur" = "$want" ] || { echo "$f changed since it was read" >&2; exit ${ENV_CHANGED_EXIT}; }
mkdir -p -- "$(dirname -- "$f")" || exit 1
umask 077
t=$(mktemp -- "$f.XXXXXX") || exit 1
if cat > "$t" && chmod 0600 -- "$t" && sync -- "$t" && mv -f -- "$t" "$f"; then exit 0; fi
rm -f -- "$t"; exit 1`;

export function writeEnvCommand(file: string, version: string): Command {
  return ['sh', '-c', WRITE, 'sh', file, version];
}
