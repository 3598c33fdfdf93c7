#!/usr/bin/env bash
# Everything the demo and the tests need, installed and started. Idempotent and cached:
# on a machine that already has it all, this takes a few seconds.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
started=$(date +%s)

bash "$here/install-packages.sh"
bash "$here/start-docker.sh"
# Images (debootstrap) and code-server (npm, native builds) are independent: run them together.
bash "$here/build-images.sh" > >(sed 's/^/[images] /') 2>&1 & images=$!
bash "$here/install-code-server.sh" > >(sed 's/^/[code-server] /') 2>&1 & codeserver=$!
status=0
wait $images || { echo "testbed: building images failed" >&2; status=1; }
wait $codeserver || { echo "testbed: installing code-server failed" >&2; status=1; }

# The project's own npm dependencies (lockfile exact), when missing or stale.
if [ ! -d "$root/node_modules" ] || [ "$root/package-lock.json" -nt "$root/node_modules/.package-lock.json" ]; then
  (cd "$root" && npm ci --no-audit --no-fund --loglevel=error)
fi
echo "testbed: ready in $(( $(date +%s) - started ))s"
exit $status
