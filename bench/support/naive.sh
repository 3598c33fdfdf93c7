#!/usr/bin/env bash
# The naive baseline for the fan-out benchmark: one background job per host over plain ssh and
# rsync, as a hand-written deploy script would do it (a new SSH connection per command, a health
# loop that sleeps a second). Same layout and steps as the engine: rsync into a cache, cp -al, ldd,
# migrate on the first host, switch, restart, health.
#   naive.sh RELEASE_DIR RELEASE_ID KEY KNOWN_HOSTS PORT...
set -euo pipefail
rel=$1 id=$2 key=$3 known=$4
shift 4
d=/opt/hello_phoenix
ssh_opts=(-F none -o StrictHostKeyChecking=yes -o "UserKnownHostsFile=$known" -o BatchMode=yes -i "$key")
one() {
  local port=$1 primary=$2
  local r=(ssh "${ssh_opts[@]}" -p "$port" deploy@127.0.0.1)
  rsync -az --delete --checksum -e "ssh ${ssh_opts[*]} -p $port" "$rel/" "deploy@127.0.0.1:$d/cache/naive/"
  "${r[@]}" "cp -al $d/cache/naive $d/releases/$id && cd $d/releases/$id && { find . -path './erts-*/bin/*' -type f -exec ldd {} + >/dev/null 2>&1 || true; }"
  if [ "$primary" = 1 ]; then "${r[@]}" "cd $d/releases/$id && set -a && . $d/shared/env 2>/dev/null; set +a; bin/migrate >/dev/null"; fi
  "${r[@]}" "ln -sfn releases/$id $d/current.tmp && mv -T $d/current.tmp $d/current && sudo sv restart hello_phoenix >/dev/null"
  until "${r[@]}" "curl -sf http://127.0.0.1:4000/health >/dev/null"; do sleep 1; done
}
primary=1
pids=()
for port in "$@"; do
  one "$port" "$primary" &
  pids+=($!)
  primary=0
done
status=0
for p in "${pids[@]}"; do wait "$p" || status=1; done
exit $status
