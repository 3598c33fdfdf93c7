#!/usr/bin/env bash
# `npm run demo`: sets up what is missing, then deploys the bundled example app to a sandbox host
# the way a developer would: from a fresh clone of the central main branch, built in a container.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
demo=${DEMO_DIR:-/tmp/phoenix-deploy-demo}
cli() { node "$root/dist/cli.js" "$@"; }

bash scripts/testbed/setup.sh
npm run --silent build >/dev/null

echo "== sandbox host (bookworm) on 127.0.0.1:2201"
bash scripts/testbed/hosts.sh start demo 2201 bookworm hello_phoenix

echo "== demo project in $demo (a working copy of a central bare repository)"
rm -rf "$demo" && mkdir -p "$demo"
cp -r examples/hello_phoenix "$demo/app"
git init -q --bare -b main "$demo/central.git"
(
  cd "$demo/app"
  git init -q -b main
  git add -A
  git -c user.name=Demo -c user.email=demo@example.invalid commit -qm "Example app"
  git remote add origin "$demo/central.git"
  git push -q origin main
)

echo "== phoenix-deploy check"
cli check --cwd "$demo/app"
echo "== phoenix-deploy build"
cli build --cwd "$demo/app"
echo "== phoenix-deploy deploy --dry-run"
cli deploy --cwd "$demo/app" --dry-run
echo "== phoenix-deploy deploy"
cli deploy --cwd "$demo/app" --yes
echo "== phoenix-deploy releases"
cli releases --cwd "$demo/app"
