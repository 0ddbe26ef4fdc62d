# shellcheck shell=bash
# deploy/local/logs.sh: rotation of the local platform's logs by size.
#
# The services and the gateway write .local/logs/NAME.log (their console, appended by the shell that starts
# them), PostgreSQL writes postgres.log (pg_ctl -l). While the platform runs, a small loop started by
# `./platform up` runs Debian's logrotate every PLATFORM_LOG_CHECK_SECONDS: a log above PLATFORM_LOG_MAX_MB is
# copied to NAME.log.1 (then compressed, older ones shifted to .2.gz ...; PLATFORM_LOG_KEEP are kept) and
# truncated in place ("copytruncate": the writers keep their file open and go on appending, so no service
# needs a signal or a restart; a line written between the copy and the truncation can be lost). RabbitMQ
# rotates its own log with the same size and count (rabbitmq.conf). `./platform down` stops the loop.

LOGROTATE_CONF="$PLATFORM_RUN_DIR/logrotate.conf"
LOGROTATE_STATE="$PLATFORM_RUN_DIR/logrotate.state"
LOGROTATE_PIDFILE="$PLATFORM_RUN_DIR/logrotate.pid"
LOGROTATE_LOOP="$PLATFORM_ROOT/deploy/local/rotate-logs.sh"

# The logrotate configuration for the given files, on stdout.
logs_rotation_config() {
  local file
  printf '# Written by ./platform (deploy/local/logs.sh); rewritten on every ./platform up.\n'
  for file in "$@"; do printf '"%s"\n' "$file"; done
  cat <<CONF
{
    size ${PLATFORM_LOG_MAX_MB}M
    rotate $PLATFORM_LOG_KEEP
    copytruncate
    compress
    missingok
    notifempty
}
CONF
}

# Every log a running platform appends to (PostgreSQL's where it really is: logrotate skips symbolic links).
logs_rotated_files() {
  local app
  for app in "${PLATFORM_APPS[@]}"; do printf '%s\n' "$PLATFORM_LOG_DIR/$app.log"; done
  printf '%s\n' "$PG_LOG"
}

logs_rotation_pid() { read_live_pid "$LOGROTATE_PIDFILE" rotate-logs.sh; }

logs_rotation_start() {
  local pid files
  mapfile -t files < <(logs_rotated_files)
  logs_rotation_config "${files[@]}" >"$LOGROTATE_CONF"
  if pid=$(logs_rotation_pid); then
    return 0 # it reads the configuration afresh on every round
  fi
  say "rotating logs above ${PLATFORM_LOG_MAX_MB} MB, keeping $PLATFORM_LOG_KEEP (checked every ${PLATFORM_LOG_CHECK_SECONDS} s)"
  # shellcheck disable=SC2016  # $$, $1 and $@ are for the inner bash
  setsid bash -c 'printf "%s\n" "$$" >"$1"; shift; exec nohup bash "$@"' _ "$LOGROTATE_PIDFILE" \
    "$LOGROTATE_LOOP" "$LOGROTATE_CONF" "$LOGROTATE_STATE" "$PLATFORM_LOG_CHECK_SECONDS" \
    >>"$PLATFORM_LOG_DIR/logrotate.log" 2>&1 </dev/null 9>&- &
}

logs_rotation_stop() {
  local pid
  if pid=$(logs_rotation_pid); then
    kill -TERM "$pid" 2>/dev/null || true
  fi
  rm -f "$LOGROTATE_PIDFILE"
}

logs_rotation_status_line() {
  local pid state="stopped"
  if pid=$(logs_rotation_pid); then state="running"; else pid="-"; fi
  status_line logrotate "$state" "$pid" "${PLATFORM_LOG_DIR#"$PLATFORM_ROOT"/}/*.log" \
    "above ${PLATFORM_LOG_MAX_MB} MB, keep $PLATFORM_LOG_KEEP"
}
