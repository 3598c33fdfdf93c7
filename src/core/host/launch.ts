/**
 * Running a release under systemd whichever tool built it, decided when the unit starts (so a
 * rollback from a Distillery release to a `mix release` one, or the reverse, runs each its own way):
 * - `mix release`: `bin/server` when the release has it (phx.gen.release: PHX_SERVER=true, then
 *   start), else `bin/<app> start`; either stays in the foreground.
 * - Distillery: `start` daemonizes under run_erl and returns, and systemd would stop what it left
 *   behind, so `foreground`. Distillery takes the node name from vm.args, not RELEASE_NODE: a slot
 *   runs with a copy of the release's vm.args renamed after the slot (VMARGS_PATH), in the slot's
 *   RELEASE_MUTABLE_DIR, outside the release, which stays unchanged.
 * The same shell text finds the node for `rpc` and `console` (../node/remote.ts).
 */
import { managedFile } from './managed';
import type { ManagedHost } from './spec';

/** Sets `kind` (distillery or mix) and `vsn` for the release in `$dir`: Distillery's has releases/<vsn>/libexec and no releases/COOKIE. */
export const RELEASE_KIND_SH = String.raw`vsn=$(cut -d' ' -f2 "$dir/releases/start_erl.data" 2>/dev/null || true)
kind=mix
if [ -n "$vsn" ] && [ -d "$dir/releases/$vsn/libexec" ] && [ ! -f "$dir/releases/COOKIE" ]; then kind=distillery; fi`;

/** The slot's vm.args for a Distillery release: the release's own, its node renamed to RELEASE_NODE (host part kept). */
export const DISTILLERY_SLOT_SH = String.raw`if [ -n "$RELEASE_NODE" ] && [ -n "$RELEASE_MUTABLE_DIR" ]; then
  mkdir -p "$RELEASE_MUTABLE_DIR"
  slot_args="$RELEASE_MUTABLE_DIR/slot.vm.args"
  from=$VMARGS_PATH
  if [ -z "$from" ]; then from="$dir/releases/$vsn/vm.args"; fi
  sed -e "s/^\(-s\{0,1\}name[[:space:]]\{1,\}\)[^@[:space:]]*/\1$RELEASE_NODE/" "$from" > "$slot_args.$$"
  mv -f "$slot_args.$$" "$slot_args"
  export VMARGS_PATH="$slot_args"
fi`;

/** The file the units run with `/bin/sh <launcher> <release dir>` (its managed-file header rules out a #! line). */
export function renderLauncher(host: ManagedHost): string {
  return managedFile([
    `# Runs the release in $1 in the foreground: bin/server or \`bin/${host.app} start\` for a mix release,`,
    '# `foreground` for a Distillery one (its `start` daemonizes).',
    'set -e',
    'dir=$1',
    `app=${host.app}`,
    RELEASE_KIND_SH,
    'if [ "$kind" = distillery ]; then',
    DISTILLERY_SLOT_SH.split('\n').map((l) => `  ${l}`).join('\n'),
    '  exec "$dir/bin/$app" foreground',
    'fi',
    'if [ -x "$dir/bin/server" ]; then exec "$dir/bin/server"; fi',
    'exec "$dir/bin/$app" start',
  ].join('\n'), `The launcher of ${host.app}'s units`);
}
