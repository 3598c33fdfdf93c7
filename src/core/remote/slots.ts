/**
 * Blue/green on one host, as commands (data). The privileged ones are exactly those the sudoers
 * drop-in allows (src/core/host/spec.ts); the scripts are constants with values as parameters.
 */
import { CP, NGINX, SYSTEMCTL, type ManagedHost, type Slot } from '../host/spec';
import { join, op, type Command } from '../shell';
import { checkReleaseId } from './paths';

const M = '@@phoenix-deploy:';

/** Points a slot's link at a release (relative, renamed into place atomically). */
export function pointSlotCommand(slot: Slot, id: string): Command {
  checkReleaseId(id);
  return pointSlotAtCommand(slot, `../releases/${id}`);
}

/** Puts a slot's link back to `target` (as read before), or removes it when there was none. */
export function pointSlotAtCommand(slot: Slot, target: string | undefined): Command {
  if (target === undefined) return ['rm', '-f', '--', slot.link];
  const tmp = `${slot.link}.tmp`;
  return join(op.and, ['mkdir', '-p', '--', slot.link.slice(0, slot.link.lastIndexOf('/'))], ['ln', '-sfn', '--', target, tmp], ['mv', '-T', '--', tmp, slot.link]);
}

// $1 the slot's upstream file, $2 the one to put back on failure, $3 the live upstream file. First
// names nginx's current workers (the drain waits for them), then switches, tests, and reloads; a
// refused configuration is put back at once and nginx's own message goes to stderr.
const ROUTE = String.raw`echo "${M}workers $(pgrep -d ' ' -P "$(cat /run/nginx.pid 2>/dev/null)" 2>/dev/null)"
sudo -n ${CP} "$1" "$3" || exit 1
if ! out=$(sudo -n ${NGINX} -t 2>&1); then sudo -n ${CP} "$2" "$3"; printf '%s\n' "$out" >&2; echo '${M}restored'; exit 5; fi
sudo -n ${SYSTEMCTL} reload nginx.service`;

export function routeCommand(host: ManagedHost, to: Slot, from: Slot): Command {
  return ['sh', '-c', ROUTE, 'sh', to.upstreamFile, from.upstreamFile, host.proxy!.upstreamFile];
}

/** nginx worker pids seen before the reload: after it, they finish what they carry and exit. */
export function parseWorkers(stdout: string): string[] {
  const line = stdout.split('\n').find((l) => l.startsWith(`${M}workers`));
  return (line?.slice(`${M}workers`.length).trim().split(/\s+/) ?? []).filter((p) => /^\d+$/.test(p));
}

export const routeRestored = (stdout: string) => stdout.includes(`${M}restored`);

// $1 port, $2 seconds, then the old nginx worker pids. Waits until those workers have exited (each
// one finishes the requests it holds first) and no connection to the port is established any more,
// or the time is up. /proc/net/tcp needs no extra tool; ports there are hex.
const DRAIN = String.raw`port=$(printf ':%04X' "$1") end=$(( $(date +%s) + $2 )); shift 2
while :; do
  busy=
  for p; do if [ -d "/proc/$p" ]; then busy=1; break; fi; done
  if [ -z "$busy" ]; then
    n=$(awk -v p="$port" '$2 ~ p"$" && $4 == "01"' /proc/net/tcp /proc/net/tcp6 2>/dev/null | wc -l)
    [ "$n" -eq 0 ] && { echo '${M}drained'; exit 0; }
  fi
  [ "$(date +%s)" -ge "$end" ] && { echo '${M}drain-timeout'; exit 0; }
  sleep 0.2
done`;

export function drainCommand(slot: Slot, seconds: number, workers: readonly string[]): Command {
  return ['sh', '-c', DRAIN, 'sh', String(slot.port), String(seconds), ...workers.filter((p) => /^\d+$/.test(p))];
}

export const drainTimedOut = (stdout: string) => stdout.includes(`${M}drain-timeout`);
