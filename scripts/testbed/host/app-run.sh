#!/bin/sh
# runit's run script for the app: the current release, as the deploy user, with shared/env loaded.
app=$1 deploy_to=$2
exec 2>&1
if [ ! -x "$deploy_to/current/bin/$app" ]; then sleep 2; exit 1; fi
set -a
[ -f "$deploy_to/shared/env" ] && . "$deploy_to/shared/env"
set +a
export HOME=/home/deploy
exec chpst -u deploy "$deploy_to/current/bin/$app" start
