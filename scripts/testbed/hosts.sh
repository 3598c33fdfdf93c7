#!/usr/bin/env bash
# Sandbox SSH hosts: containers with sshd, rsync and runit, published only on 127.0.0.1.
#   hosts.sh start NAME PORT [bookworm|bullseye] [APP]   start (or restart) a host, trust its key
#   hosts.sh stop NAME...                                 remove hosts
#   hosts.sh stop-all                                     remove every sandbox host
#   hosts.sh paths                                        print the key and known_hosts paths
#   hosts.sh trust PORT                                   trust the key sshd on 127.0.0.1:PORT presents now
# Hosts reachable only through a bastion (a Docker network created with --internal):
#   hosts.sh network NET                                  create the internal network (if missing)
#   hosts.sh start-internal NAME NET [suite] [APP]        start a host on NET only, no published port;
#                                                         it answers as NAME on NET
#   hosts.sh attach NAME NET                              connect a started host (a bastion) to NET too
#   hosts.sh host-key NAME                                print the host's ed25519 public key line
#   hosts.sh rm-network NET...                            remove networks (after their hosts)
# HOST_DOCKER_ARGS adds `docker run` options to `start` (e.g. a small --tmpfs for deploy_to).
set -euo pipefail
dir=${TESTBED_DIR:-/var/cache/phoenix-deploy-testbed}/sandbox
key=$dir/id_ed25519
known_hosts=$dir/known_hosts
mkdir -p "$dir" && chmod 700 "$dir"
# Hosts start in parallel: only one of them may make the key (a second ssh-keygen would ask to overwrite it).
(
  flock 8
  [ -f "$key" ] || ssh-keygen -q -t ed25519 -N '' -C phoenix-deploy-sandbox -f "$key" </dev/null
) 8>"$dir/key.lock"
touch "$known_hosts"

# HOST_CONTAINER_PREFIX lets a suite name its containers with its own prefix.
container() { echo "${HOST_CONTAINER_PREFIX-phx-sandbox-}$1"; }

trust() { # PORT: replace the known_hosts entry with the host's current key
  local port=$1 scanned=""
  for _ in $(seq 1 60); do
    scanned=$(ssh-keyscan -T 2 -t ed25519 -p "$port" 127.0.0.1 2>/dev/null || true)
    [ -n "$scanned" ] && break
    sleep 0.5
  done
  [ -n "$scanned" ] || { echo "testbed: sshd on 127.0.0.1:$port did not answer" >&2; return 1; }
  (
    flock 9
    ssh-keygen -q -R "[127.0.0.1]:$port" -f "$known_hosts" >/dev/null 2>&1 || true
    rm -f "$known_hosts.old"
    printf '%s\n' "$scanned" >>"$known_hosts"
  ) 9>"$known_hosts.lock"
}

case "${1:-}" in
  start)
    name=$2 port=$3 suite=${4:-bookworm} app=${5:-hello_phoenix}
    docker rm -f "$(container "$name")" >/dev/null 2>&1 || true
    docker run -d --name "$(container "$name")" --hostname "$name" \
      --label phoenix-deploy.sandbox=1 -p "127.0.0.1:$port:22" \
      -e AUTHORIZED_KEY="$(cat "$key.pub")" -e APP_NAME="$app" \
      ${HOST_DOCKER_ARGS:-} "local/phx-host:$suite" >/dev/null
    trust "$port"
    echo "testbed: host $name ($suite) on 127.0.0.1:$port"
    ;;
  stop)
    shift
    for name in "$@"; do docker rm -f "$(container "$name")" >/dev/null 2>&1 || true; done
    ;;
  stop-all)
    ids=$(docker ps -aq --filter label=phoenix-deploy.sandbox=1)
    [ -z "$ids" ] || docker rm -f $ids >/dev/null
    nets=$(docker network ls -q --filter label=phoenix-deploy.sandbox=1)
    [ -z "$nets" ] || docker network rm $nets >/dev/null
    ;;
  network)
    docker network inspect "$2" >/dev/null 2>&1 \
      || docker network create --internal --label phoenix-deploy.sandbox=1 "$2" >/dev/null
    ;;
  start-internal)
    name=$2 net=$3 suite=${4:-bookworm} app=${5:-hello_phoenix}
    docker rm -f "$(container "$name")" >/dev/null 2>&1 || true
    docker run -d --name "$(container "$name")" --hostname "$name" --network "$net" --network-alias "$name" \
      --label phoenix-deploy.sandbox=1 -e AUTHORIZED_KEY="$(cat "$key.pub")" -e APP_NAME="$app" \
      ${HOST_DOCKER_ARGS:-} "local/phx-host:$suite" >/dev/null
    echo "testbed: host $name ($suite) on network $net only"
    ;;
  attach)
    docker network connect --alias "$2" "$3" "$(container "$2")"
    ;;
  host-key)
    for _ in $(seq 1 60); do
      docker exec "$(container "$2")" sh -c 'pgrep -x sshd >/dev/null && cat /etc/ssh/ssh_host_ed25519_key.pub' 2>/dev/null \
        | cut -d' ' -f1,2 && exit 0
      sleep 0.5
    done
    echo "testbed: host $2 has no running sshd with an ed25519 key" >&2
    exit 1
    ;;
  rm-network)
    shift
    for net in "$@"; do docker network rm "$net" >/dev/null 2>&1 || true; done
    ;;
  trust)
    trust "$2"
    ;;
  paths)
    echo "identity_file=$key"
    echo "known_hosts=$known_hosts"
    ;;
  *)
    sed -n '2,9p' "$0" >&2
    exit 2
    ;;
esac
