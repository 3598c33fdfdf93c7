#!/usr/bin/env bash
# Installs code-server 4.100.3 (VS Code 1.100.3, the last line on Node 20) without internet downloads.
# Prints nothing but a status line when it is already installed.
set -euo pipefail
version=4.100.3
dir=${TESTBED_DIR:-/var/cache/phoenix-deploy-testbed}/code-server-$version
entry=$dir/package/out/node/entry.js
if [ -f "$dir/.installed" ] && node "$entry" --version 2>/dev/null | grep -q "^$version"; then
  echo "testbed: code-server $version already installed"
  exit 0
fi
rm -rf "$dir" && mkdir -p "$dir" && cd "$dir"
# npm_config_yes: node-pty's post-install runs `npx node-gyp`, which would otherwise prompt and cancel.
export npm_config_yes=true npm_config_unsafe_perm=true npm_config_fund=false npm_config_audit=false npm_config_loglevel=error
npm pack "code-server@$version" >/dev/null && tar xzf "code-server-$version.tgz" && rm "code-server-$version.tgz"
cd package
npm install --omit=dev --ignore-scripts >/dev/null
npm rebuild argon2 >/dev/null
cd lib/vscode
npm install --omit=dev --ignore-scripts >/dev/null
# @vscode/ripgrep would download rg; hand it Debian's.
mkdir -p node_modules/@vscode/ripgrep/bin && cp /usr/bin/rg node_modules/@vscode/ripgrep/bin/rg
npm rebuild >/dev/null
ln -sfn node_modules node_modules.asar
(cd bin/remote-cli && ln -sfn code-linux.sh code-server)
(cd bin/helpers && ln -sfn browser-linux.sh browser.sh)
(cd extensions && npm install --omit=dev --ignore-scripts >/dev/null)
node "$entry" --version | head -1
touch "$dir/.installed"
echo "testbed: code-server $version installed in $dir"
