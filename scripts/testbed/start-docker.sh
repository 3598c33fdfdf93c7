#!/usr/bin/env bash
# Starts a Docker engine when none answers. Idempotent.
set -euo pipefail
if docker info >/dev/null 2>&1; then
  echo "testbed: Docker engine already running"
  exit 0
fi
log=${TESTBED_DIR:-/var/cache/phoenix-deploy-testbed}/dockerd.log
mkdir -p "$(dirname "$log")"
driver=overlay2
# overlay2 is ~8x faster; vfs is the fallback for filesystems that can't host it.
for attempt in overlay2 vfs; do
  driver=$attempt
  nohup dockerd --iptables=false --ip6tables=false --storage-driver="$driver" >"$log" 2>&1 &
  for _ in $(seq 1 30); do
    docker info >/dev/null 2>&1 && { echo "testbed: dockerd started ($driver)"; exit 0; }
    kill -0 $! 2>/dev/null || break
    sleep 1
  done
  kill $! 2>/dev/null || true
  echo "testbed: dockerd with $driver failed, see $log" >&2
done
exit 1
