#!/usr/bin/env bash
# Builds the sandbox images from Debian's archive (no registry is reachable).
# Each image is skipped when it already exists, so re-runs cost seconds.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache=${TESTBED_DIR:-/var/cache/phoenix-deploy-testbed}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
mkdir -p "$cache"

BUILD_IMAGE=local/elixir-build:1.14.0-otp-25-bookworm
# The tag a phx.gen.release Dockerfile names; it tells the truth about the image's contents.
BUILD_IMAGE_HEXPM=hexpm/elixir:1.14.0-erlang-25.2.3-debian-bookworm-20250520-slim

# Debian 11 (bullseye): Elixir 1.10.3 / Erlang/OTP 23.2.6, the Distillery era's toolchain.
BULLSEYE_BUILD_IMAGE=local/elixir-build:1.10.3-otp-23-bullseye

# Debian 13 (trixie): Elixir 1.18.3 / Erlang/OTP 27.3.4.1 from Debian's packages, plus what a
# phx.gen.release Dockerfile's builder stage installs; offline layer from scripts/testbed/builder/.
TRIXIE_BUILD_BASE=local/elixir-build-base:1.18.3-otp-27-trixie
TRIXIE_BUILD_IMAGE=local/elixir-build:1.18.3-otp-27-trixie
TRIXIE_BUILD_IMAGE_HEXPM=hexpm/elixir:1.18.3-erlang-27.3.4.1-debian-trixie-20250908-slim

have_image() { docker image inspect "$1" >/dev/null 2>&1; }

# debootstrap_import SUITE INCLUDES TAG
debootstrap_import() {
  local suite=$1 include=$2 tag=$3
  have_image "$tag" && { echo "testbed: image $tag exists"; return 0; }
  local root
  root=$(mktemp -d "$cache/rootfs.XXXXXX")
  echo "testbed: debootstrap $suite -> $tag"
  debootstrap --variant=minbase --include="$include" "$suite" "$root" "$mirror" >"$root.log" 2>&1 \
    || { echo "testbed: debootstrap failed, see $root.log" >&2; tail -5 "$root.log" >&2; return 1; }
  rm -rf "$root/var/cache/apt/archives/"*.deb "$root/var/lib/apt/lists/"*
  tar -C "$root" -c . | docker import - "$tag" >/dev/null
  rm -rf "$root" "$root.log"
}

# The host layer is rebuilt whenever its files change (their hash is a label on the image).
host_hash=$(cat "$here"/host/* | sha256sum | cut -c1-16)

host_image() {
  local suite=$1 base=local/debian-host-base:$1 tag=local/phx-host:$1
  if [ "$(docker image inspect -f '{{ index .Config.Labels "phoenix-deploy.hash" }}' "$tag" 2>/dev/null)" = "$host_hash" ]; then
    echo "testbed: image $tag exists"
    return 0
  fi
  debootstrap_import "$suite" openssh-server,rsync,runit,sudo,procps,curl,ca-certificates "$base"
  docker build -q --label "phoenix-deploy.hash=$host_hash" --build-arg BASE="$base" -t "$tag" "$here/host" >/dev/null
  echo "testbed: built $tag"
}

# Hosts with real systemd (PID 1) and nginx, for `setup` and blue/green deploys: their own base,
# their own layer, rebuilt when scripts/testbed/systemd-host/ changes.
# Trixie has no nginx-light; its host also carries what a phx.gen.release final stage installs.
systemd_hash=$(cat "$here"/systemd-host/* | sha256sum | cut -c1-16)
SYSTEMD_PACKAGES=systemd,systemd-sysv,dbus,openssh-server,rsync,sudo,procps,curl,ca-certificates

systemd_host_image() { # SUITE
  local suite=$1 base=local/debian-systemd-base:$1 tag=local/phx-systemd-host:$1 include
  if [ "$(docker image inspect -f '{{ index .Config.Labels "phoenix-deploy.hash" }}' "$tag" 2>/dev/null)" = "$systemd_hash" ]; then
    echo "testbed: image $tag exists"
    return 0
  fi
  case $suite in
    trixie) include=$SYSTEMD_PACKAGES,nginx,libstdc++6,openssl,libncurses6,locales ;;
    *) include=$SYSTEMD_PACKAGES,nginx-light ;;
  esac
  debootstrap_import "$suite" "$include" "$base"
  docker build -q --label "phoenix-deploy.hash=$systemd_hash" --build-arg BASE="$base" -t "$tag" "$here/systemd-host" >/dev/null
  echo "testbed: built $tag"
}

# The ACME tests' images: hosts as above plus Debian's certbot (the hosts have no internet, so it is
# in the image), and Debian's pebble (a test CA) with pebble-challtestsrv. The existing systemd host
# image is left as it is; the ACME host gets its own base and the same layer.
ACME_HOST_IMAGE=local/phx-acme-host:bookworm
PEBBLE_IMAGE=local/pebble:bookworm
pebble_hash=$(cat "$here"/pebble/* | sha256sum | cut -c1-16)

acme_host_image() {
  local base=local/debian-systemd-certbot-base:bookworm
  if [ "$(docker image inspect -f '{{ index .Config.Labels "phoenix-deploy.hash" }}' "$ACME_HOST_IMAGE" 2>/dev/null)" = "$systemd_hash" ]; then
    echo "testbed: image $ACME_HOST_IMAGE exists"
    return 0
  fi
  # debootstrap resolves no virtual packages: python3-cryptography needs python3-cffi-backend named.
  debootstrap_import bookworm systemd,systemd-sysv,dbus,openssh-server,rsync,sudo,nginx-light,procps,curl,ca-certificates,openssl,certbot,python3-cffi-backend "$base"
  docker build -q --label "phoenix-deploy.hash=$systemd_hash" --build-arg BASE="$base" -t "$ACME_HOST_IMAGE" "$here/systemd-host" >/dev/null
  echo "testbed: built $ACME_HOST_IMAGE"
}

pebble_image() {
  local base=local/debian-pebble-base:bookworm
  if [ "$(docker image inspect -f '{{ index .Config.Labels "phoenix-deploy.hash" }}' "$PEBBLE_IMAGE" 2>/dev/null)" = "$pebble_hash" ]; then
    echo "testbed: image $PEBBLE_IMAGE exists"
    return 0
  fi
  debootstrap_import bookworm pebble,openssl,ca-certificates "$base"
  docker build -q --label "phoenix-deploy.hash=$pebble_hash" --build-arg BASE="$base" -t "$PEBBLE_IMAGE" "$here/pebble" >/dev/null
  echo "testbed: built $PEBBLE_IMAGE"
}

build_image() {
  if ! have_image "$BUILD_IMAGE"; then
    debootstrap_import bookworm elixir,erlang-nox,erlang-dev,git,ca-certificates,rsync,locales "$BUILD_IMAGE"
  else
    echo "testbed: image $BUILD_IMAGE exists"
  fi
  docker tag "$BUILD_IMAGE" "$BUILD_IMAGE_HEXPM"
}

builder_hash=$(cat "$here"/builder/* | sha256sum | cut -c1-16)

bullseye_build_image() {
  if have_image "$BULLSEYE_BUILD_IMAGE"; then echo "testbed: image $BULLSEYE_BUILD_IMAGE exists"; return 0; fi
  debootstrap_import bullseye elixir,erlang-nox,erlang-dev,git,ca-certificates,rsync,locales "$BULLSEYE_BUILD_IMAGE"
}

trixie_build_image() {
  if [ "$(docker image inspect -f '{{ index .Config.Labels "phoenix-deploy.hash" }}' "$TRIXIE_BUILD_IMAGE" 2>/dev/null)" = "$builder_hash" ]; then
    echo "testbed: image $TRIXIE_BUILD_IMAGE exists"
  else
    debootstrap_import trixie elixir,erlang-nox,erlang-dev,git,ca-certificates,rsync,locales,build-essential "$TRIXIE_BUILD_BASE"
    docker build -q --label "phoenix-deploy.hash=$builder_hash" --build-arg BASE="$TRIXIE_BUILD_BASE" -t "$TRIXIE_BUILD_IMAGE" "$here/builder" >/dev/null
    echo "testbed: built $TRIXIE_BUILD_IMAGE"
  fi
  docker tag "$TRIXIE_BUILD_IMAGE" "$TRIXIE_BUILD_IMAGE_HEXPM"
}

# Only the images named in $TESTBED_IMAGES when set (e.g. TESTBED_IMAGES="acme pebble"), else all.
wanted() { [ -z "${TESTBED_IMAGES:-}" ] || case " $TESTBED_IMAGES " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }

# The images are independent and mostly wait on the network: run them together.
# `trixie`: the Debian 13 builder (under its hexpm tag) and systemd + nginx host.
pids=()
wanted build && { build_image & pids+=($!); }
wanted host && { host_image bookworm & pids+=($!); }
wanted host && { host_image bullseye & pids+=($!); }
wanted systemd && { systemd_host_image bookworm & pids+=($!); }
wanted acme && { acme_host_image & pids+=($!); }
wanted pebble && { pebble_image & pids+=($!); }
wanted trixie && { trixie_build_image & pids+=($!); }
wanted trixie && { systemd_host_image trixie & pids+=($!); }
# `bullseye`: the Debian 11 builder and systemd + nginx host (Distillery-era releases).
wanted bullseye && { bullseye_build_image & pids+=($!); }
wanted bullseye && { systemd_host_image bullseye & pids+=($!); }
status=0
for pid in "${pids[@]}"; do wait "$pid" || status=1; done
exit $status
