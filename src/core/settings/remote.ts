/**
 * Which keys a host's shared/env sets, read on the host: the keys are printed, never a value. The
 * one value the check needs, PHX_HOST, is compared there with proxy.server_name (passed as an
 * argument), and only the verdict comes back.
 */
import { ANY_EXIT, type RemoteQuery } from '../remoteQuery';
import type { Command } from '../shell';

const M = '@@phoenix-deploy:';

// $1 shared/env, $2 the nginx server names ('' when there is no proxy). `sed` prints each
// assignment's name (systemd's EnvironmentFile= syntax, `export` allowed); PHX_HOST is read as the
// app's shell loads the file (`set -a; .`, as migrations do) inside a subshell, and compared there.
const KEYS = [
  'f=$1',
  `if [ ! -e "$f" ]; then echo '${M}keys absent'; exit 0; fi`,
  `[ -r "$f" ] || { echo "cannot read $f" >&2; exit 1; }`,
  `echo '${M}keys'`,
  `sed -n 's/^[[:space:]]*\\(export[[:space:]][[:space:]]*\\)\\{0,1\\}\\([A-Za-z_][A-Za-z0-9_]*\\)[[:space:]]*=.*/\\2/p' "$f"`,
  'if [ -n "$2" ]; then',
  '  h=$(set -a; . "$f" >/dev/null 2>&1; if [ -n "${PHX_HOST+x}" ]; then printf "set:%s" "$PHX_HOST"; fi)',
  '  case $h in "") s=unset ;; *) h=${h#set:}; case " $2 " in *" $h "*) s=same ;; *) s=differs ;; esac ;; esac',
  `  echo "${M}phx_host $s"`,
  'fi',
].join('\n');

export function envKeysCommand(sharedEnv: string, serverNames = ''): Command {
  return ['sh', '-c', KEYS, 'sh', sharedEnv, serverNames === '_' ? '' : serverNames];
}

export interface EnvKeysOnHost {
  exists: boolean;
  keys: string[];
  /** PHX_HOST against proxy.server_name; absent when there is no proxy to compare with. */
  phxHost?: 'unset' | 'same' | 'differs';
}

/** shared/env's keys on a host; an answer without them (e.g. sh failed) is an error naming the file and host. */
export function envKeysQuery(sharedEnv: string, serverNames = ''): RemoteQuery<EnvKeysOnHost> {
  return {
    what: `reading the keys of ${sharedEnv}`,
    command: envKeysCommand(sharedEnv, serverNames),
    okCodes: ANY_EXIT, // the markers decide
    parse(result, host) {
      const read = result.code === 0 ? parseEnvKeys(result.stdout) : undefined;
      if (!read) throw new Error(`cannot read the keys of ${sharedEnv} on ${host}: ${result.stderr.trim().slice(-300) || `exit ${result.code}`}`);
      return read;
    },
  };
}

export function parseEnvKeys(stdout: string): EnvKeysOnHost | undefined {
  const lines = stdout.split('\n');
  if (lines.includes(`${M}keys absent`)) return { exists: false, keys: [] };
  const at = lines.indexOf(`${M}keys`);
  if (at < 0) return undefined;
  const keys: string[] = [];
  let phxHost: EnvKeysOnHost['phxHost'];
  for (const line of lines.slice(at + 1)) {
    const verdict = line.startsWith(`${M}phx_host `) ? line.slice(`${M}phx_host `.length).trim() : undefined;
    if (verdict === 'unset' || verdict === 'same' || verdict === 'differs') phxHost = verdict;
    else if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(line)) keys.push(line);
  }
  return { exists: true, keys: [...new Set(keys)], ...(phxHost ? { phxHost } : {}) };
}
