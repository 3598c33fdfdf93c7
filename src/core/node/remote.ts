/**
 * Reaching the live node: a constant script on the host finds the live release (blue/green: the
 * slot nginx routes to, from the upstream file's marker; otherwise `current`), loads shared/env and
 * then that slot's (or the service's) env file, as systemd does for the unit, and execs the
 * release's own `bin/<app> remote` or `bin/<app> rpc`. So the node name and the cookie come from
 * the host: they are never on a command line this tool sends, never read or printed by it.
 * A Distillery release is told the slot's node as its unit was (host/launch.ts), and its remote
 * shell is `remote_console`.
 */
import type { EnvironmentConfig } from '../config/types';
import { DISTILLERY_SLOT_SH, RELEASE_KIND_SH } from '../host/launch';
import { liveSlotSed } from '../host/nginx';
import { managedHost } from '../host/spec';
import { remotePaths } from '../remote/paths';
import type { Command } from '../shell';

export const NO_LIVE_NODE_EXIT = 3;

// $1 shared/env, $2 app, $3 live upstream file ('' unless blue/green), $4 the release dir and $5 its
// env file ('' for none) otherwise, $6..$9 the blue and green slots' dirs and env files; then the
// release command and its arguments.
const SCRIPT = String.raw`shared=$1 app=$2 upstream=$3 dir=$4 own=$5 bdir=$6 benv=$7 gdir=$8 genv=$9; shift 9
if [ -n "$upstream" ]; then
  slot=$(sed -n '${liveSlotSed()}' "$upstream" 2>/dev/null | head -n 1)
  case $slot in
    blue) dir=$bdir own=$benv ;;
    green) dir=$gdir own=$genv ;;
    *) echo "no live slot: $upstream names none (deploy first)" >&2; exit ${NO_LIVE_NODE_EXIT} ;;
  esac
fi
[ -x "$dir/bin/$app" ] || { echo "no live release: $dir/bin/$app does not exist (deploy first)" >&2; exit ${NO_LIVE_NODE_EXIT}; }
set -a
if [ -f "$shared" ]; then . "$shared"; fi
if [ -n "$own" ] && [ -f "$own" ]; then . "$own"; fi
set +a
${RELEASE_KIND_SH}
if [ "$kind" = distillery ]; then
${DISTILLERY_SLOT_SH}
  if [ "$1" = remote ]; then shift; set -- remote_console "$@"; fi
fi
cd "$dir" || exit ${NO_LIVE_NODE_EXIT}
exec "bin/$app" "$@"`;

/** `bin/<app> <args…>` on the live node's release, with its environment. */
export function liveNodeCommand(env: EnvironmentConfig, app: string, args: readonly string[]): Command {
  const paths = remotePaths(env.deployTo);
  const managed = env.service === 'systemd' ? managedHost(app, env) : undefined;
  const [blue, green] = managed?.strategy === 'blue_green' ? managed.slots : [];
  return ['sh', '-c', SCRIPT, 'sh', paths.sharedEnv, app,
    blue && managed?.proxy ? managed.proxy.upstreamFile : '', paths.current, managed?.serviceEnvFile ?? '',
    blue?.link ?? '', blue?.envFile ?? '', green?.link ?? '', green?.envFile ?? '', ...args];
}

/** An interactive IEx on the live node (`bin/<app> remote`; Distillery's `remote_console`). */
export const remoteConsoleCommand = (env: EnvironmentConfig, app: string) => liveNodeCommand(env, app, ['remote']);

/** `bin/<app> rpc EXPR`: evaluated on the live node; what it prints comes back. */
export function rpcCommand(env: EnvironmentConfig, app: string, expression: string): Command {
  if (expression.trim() === '') throw new Error('rpc needs an expression, e.g. \'IO.puts(Application.spec(:my_app, :vsn))\'');
  return liveNodeCommand(env, app, ['rpc', expression]);
}

