#!/usr/bin/env bash
# Sandbox hosts with real systemd (PID 1), sshd and nginx, published only on 127.0.0.1.
#   systemd-hosts.sh start NAME SSH_PORT HTTP_PORT [HTTPS_PORT]   start (or restart) host NAME, trust its key
#   systemd-hosts.sh stop NAME...                                 remove hosts
# The container is named NAME (callers prefix it). The sandbox key is authorized for `deploy` and
# `admin` with docker exec, since systemd does not hand `docker run -e` variables to sshd.
# SYSTEMD_HOST_DOCKER_ARGS adds `docker run` options to `start`; SYSTEMD_HOST_IMAGE picks another
# image built on the same layer (local/phx-acme-host:bookworm has certbot; :trixie is Debian 13, :bullseye 11).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
image=${SYSTEMD_HOST_IMAGE:-local/phx-systemd-host:bookworm}
key=$(bash "$here/hosts.sh" paths | sed -n 's/^identity_file=//p')

wait_for_systemd() { # NAME: until the boot has finished (running, or degraded by a unit that fails in containers)
  local state=""
  for _ in $(seq 1 120); do
    state=$(docker exec "$1" systemctl is-system-running 2>/dev/null || true)
    case $state in running|degraded) return 0 ;; esac
    sleep 0.5
  done
  echo "testbed: systemd in $1 did not finish booting (state: ${state:-none})" >&2
  return 1
}

case "${1:-}" in
  start)
    name=$2 ssh_port=$3 http_port=$4 https_port=${5:-}
    docker rm -f "$name" >/dev/null 2>&1 || true
    docker run -d --pull never --name "$name" --hostname "$name" \
      --label phoenix-deploy.sandbox=1 --label phoenix-deploy.systemd=1 \
      --tmpfs /run --tmpfs /run/lock -v /sys/fs/cgroup:/sys/fs/cgroup:ro \
      -p "127.0.0.1:$ssh_port:22" -p "127.0.0.1:$http_port:80" ${https_port:+-p "127.0.0.1:$https_port:443"} \
      ${SYSTEMD_HOST_DOCKER_ARGS:-} "$image" >/dev/null
    wait_for_systemd "$name"
    docker exec -i "$name" sh -c 'key=$(cat); for u in deploy admin; do
        printf "%s\n" "$key" > /home/$u/.ssh/authorized_keys
        chown $u:$u /home/$u/.ssh/authorized_keys && chmod 600 /home/$u/.ssh/authorized_keys
      done' <"$key.pub"
    bash "$here/hosts.sh" trust "$ssh_port"
    echo "testbed: systemd host $name on 127.0.0.1:$ssh_port (ssh), :$http_port (http)${https_port:+, :$https_port (https)}"
    ;;
  stop)
    shift
    for name in "$@"; do docker rm -f "$name" >/dev/null 2>&1 || true; done
    ;;
  *)
    sed -n '2,7p' "$0" >&2
    exit 2
    ;;
esac
