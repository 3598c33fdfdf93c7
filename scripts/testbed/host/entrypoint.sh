#!/bin/sh
# Host keys are made per container, so a recreated host presents a new key.
set -e
[ -f /etc/ssh/ssh_host_ed25519_key ] || ssh-keygen -A >/dev/null
mkdir -p /run/sshd
printf '%s\n' "$AUTHORIZED_KEY" > /home/deploy/.ssh/authorized_keys
chown deploy:deploy /home/deploy/.ssh/authorized_keys && chmod 600 /home/deploy/.ssh/authorized_keys
app=${APP_NAME:-app}
deploy_to=${DEPLOY_TO:-/opt/$app}
install -d -o deploy -g deploy "$deploy_to"
if [ ! -d "/etc/service/$app" ]; then
  mkdir -p "/etc/sv/$app"
  printf '#!/bin/sh\nexec /usr/local/lib/app-run.sh %s %s\n' "$app" "$deploy_to" > "/etc/sv/$app/run"
  chmod +x "/etc/sv/$app/run"
  # Down until a deploy restarts it, so runit does not race the first deploy's restart.
  touch "/etc/sv/$app/down"
  ln -s "/etc/sv/$app" "/etc/service/$app"
fi
exec runsvdir -P /etc/service
