/**
 * Blue/green on one host, as commands (data). The privileged ones are exactly those the sudoers
 * drop-in allows (src/core/host/spec.ts); the scripts are constants with values as parameters.
 */
import { CP, NGINX, SYSTEMCTL, type ManagedHost, type Slot } from '../host/spec';
import { LONG_LIVED_SOURCE } from '../host/nginx';
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

// $1 port, $2 seconds, $3 the long-lived source address as /proc/net/tcp writes it, then the old
// nginx worker pids. Done when no ordinary request is on the port (a connection from anywhere but
// the long-lived source) and either the old workers have exited or that has held for 0.6 s: old
// workers stay while they carry WebSockets, which the app closes itself once it is told to stop.
// Done too when the time is up. /proc/net/tcp needs no extra tool; ports there are hex.
const DRAIN = String.raw`port=$(printf ':%04X' "$1") end=$(( $(date +%s) + $2 )) long=$3; shift 3
quiet=0
while :; do
  n=$(awk -v p="$port" -v l="$long" '$2 ~ p"$" && $4 == "01" && index($3, l) != 1' /proc/net/tcp /proc/net/tcp6 2>/dev/null | wc -l)
  if [ "$n" -eq 0 ]; then
    busy=
    for p; do if [ -d "/proc/$p" ]; then busy=1; break; fi; done
    { [ -z "$busy" ] || [ "$quiet" -ge 3 ]; } && { echo '${M}drained'; exit 0; }
    quiet=$((quiet + 1))
  else
    quiet=0
  fi
  [ "$(date +%s)" -ge "$end" ] && { echo '${M}drain-timeout'; exit 0; }
  sleep 0.2
done`;

/** An IPv4 address as /proc/net/tcp shows it (little-endian hex), followed by the port separator. */
export function procNetAddress(ip: string): string {
  return `${ip.split('.').map((b) => Number(b).toString(16).toUpperCase().padStart(2, '0')).reverse().join('')}:`;
}

export function drainCommand(slot: Slot, seconds: number, workers: readonly string[]): Command {
  return ['sh', '-c', DRAIN, 'sh', String(slot.port), String(seconds), procNetAddress(LONG_LIVED_SOURCE), ...workers.filter((p) => /^\d+$/.test(p))];
}

export const drainTimedOut = (stdout: string) => stdout.includes(`${M}drain-timeout`);
