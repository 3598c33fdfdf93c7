#!/usr/bin/env bash
# Installs the Debian packages the sandbox needs. Skips apt entirely when all are present.
set -euo pipefail
packages=(docker.io rsync debootstrap chromium openssh-client git ripgrep distro-info-data ansible-core
  libkrb5-dev pkg-config libx11-dev libxkbfile-dev libsecret-1-dev)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "testbed: Debian packages already installed"
  exit 0
fi
echo "testbed: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
