#!/usr/bin/env bash
# deploy/local/rotate-logs.sh CONF STATE SECONDS: runs logrotate on the local platform's logs every SECONDS
# until it is stopped (./platform down). Started by ./platform up (deploy/local/logs.sh).
set -u
conf=$1 state=$2 seconds=$3
logrotate=$(command -v logrotate || echo /usr/sbin/logrotate)
trap 'exit 0' TERM INT
while :; do
  "$logrotate" --state "$state" "$conf" || printf '%s: logrotate failed (exit %s)\n' "$(date -u '+%Y-%m-%dT%H:%M:%SZ')" "$?"
  sleep "$seconds" &
  wait $! # so that TERM ends the loop at once
done
