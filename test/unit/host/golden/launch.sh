# The launcher of shop's units, written by `phoenix-deploy setup`.
# Edits are detected: setup shows them and will not overwrite this file without --force.
# phoenix-deploy-sha256: 7896e477457001d713b0f9dad3f42926a1cb70246d38f3f2005bca20430d0fb4
# Runs the release in $1 in the foreground: bin/server or `bin/shop start` for a mix release,
# `foreground` for a Distillery one (its `start` daemonizes).
set -e
dir=$1
app=shop
vsn=$(cut -d' ' -f2 "$dir/releases/start_erl.data" 2>/dev/null || true)
kind=mix
if [ -n "$vsn" ] && [ -d "$dir/releases/$vsn/libexec" ] && [ ! -f "$dir/releases/COOKIE" ]; then kind=distillery; fi
if [ "$kind" = distillery ]; then
  if [ -n "$RELEASE_NODE" ] && [ -n "$RELEASE_MUTABLE_DIR" ]; then
    mkdir -p "$RELEASE_MUTABLE_DIR"
    slot_args="$RELEASE_MUTABLE_DIR/slot.vm.args"
    from=$VMARGS_PATH
    if [ -z "$from" ]; then from="$dir/releases/$vsn/vm.args"; fi
    sed -e "s/^\(-s\{0,1\}name[[:space:]]\{1,\}\)[^@[:space:]]*/\1$RELEASE_NODE/" "$from" > "$slot_args.$$"
    mv -f "$slot_args.$$" "$slot_args"
    export VMARGS_PATH="$slot_args"
  fi
  exec "$dir/bin/$app" foreground
fi
if [ -x "$dir/bin/server" ]; then exec "$dir/bin/server"; fi
exec "$dir/bin/$app" start
