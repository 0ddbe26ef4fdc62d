# shellcheck shell=bash
# deploy/local/rabbitmq.sh: a private RabbitMQ node for the platform.
#
# The Debian service cannot be started in a container (its start is denied), and it would use
# /var/lib/rabbitmq anyway, so the platform runs its own node, `rabbitmq-server -detached`, with
# every path under .local/rabbitmq. The scripts in /usr/lib/rabbitmq/bin are called directly:
# the /usr/sbin wrappers `su` to the rabbitmq user, who may not be able to reach the checkout,
# and would look for the Erlang cookie in /var/lib/rabbitmq. Running them as root with HOME set
# to .local/rabbitmq/home gives the node and rabbitmqctl one shared cookie file.

RABBITMQ_LOG="$PLATFORM_LOG_DIR/rabbitmq.log"
RABBITMQ_PIDFILE="$PLATFORM_RUN_DIR/rabbitmq.pid"

# Run a RabbitMQ script in a subshell with the node's environment (never leaks HOME etc. into
# the caller, which later starts dotnet processes).
rabbit_run() (
  local tool=$1
  shift
  local dir="$PLATFORM_RABBITMQ_DIR"
  export HOME="$dir/home"
  export RABBITMQ_NODENAME="$PLATFORM_RABBITMQ_NODE"
  export RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
  export RABBITMQ_NODE_PORT="$PLATFORM_RABBITMQ_PORT"
  export RABBITMQ_DIST_PORT="$PLATFORM_RABBITMQ_DIST_PORT"
  export RABBITMQ_MNESIA_BASE="$dir/mnesia"
  export RABBITMQ_LOG_BASE="$dir/log"
  export RABBITMQ_LOGS="$RABBITMQ_LOG"
  export RABBITMQ_PID_FILE="$RABBITMQ_PIDFILE"
  export RABBITMQ_ENABLED_PLUGINS_FILE="$dir/enabled_plugins"
  export RABBITMQ_CONFIG_FILE="$dir/rabbitmq.conf"
  # Our own (empty) env file and advanced config, so /etc/rabbitmq cannot change this node.
  export RABBITMQ_CONF_ENV_FILE="$dir/rabbitmq-env.conf"
  export RABBITMQ_ADVANCED_CONFIG_FILE="$dir/advanced.config"
  # Keep Erlang distribution (and an epmd we start) on loopback too.
  export RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
  export ERL_EPMD_ADDRESS=127.0.0.1
  cd "$dir" || exit 1
  exec "$PLATFORM_RABBITMQ_BIN/$tool" "$@" 9>&- # the node must not hold the command lock
)

rabbitmqctl_node() { rabbit_run rabbitmqctl -n "$PLATFORM_RABBITMQ_NODE" "$@"; }

# Pid of our running node (beam.smp), from the pid file the node writes.
rabbit_pid() {
  read_live_pid "$RABBITMQ_PIDFILE" beam
}

# Management API call as the platform user; prints the body, fails on a non-2xx answer.
rabbit_api() {
  curl -fsS --connect-timeout 2 --max-time 5 \
    -u "$PLATFORM_RABBITMQ_USER:$PLATFORM_RABBITMQ_PASSWORD" \
    "http://127.0.0.1:$PLATFORM_RABBITMQ_MANAGEMENT_PORT/api/$1" 2>/dev/null
}

rabbit_is_ready() {
  [[ $(http_code "http://127.0.0.1:$PLATFORM_RABBITMQ_MANAGEMENT_PORT/api/overview") =~ ^(200|401)$ ]]
}

rabbit_write_config() {
  local dir="$PLATFORM_RABBITMQ_DIR"
  mkdir -p "$dir/home" "$dir/mnesia" "$dir/log"
  # Erlang refuses a cookie readable by others; make one random cookie per checkout, once.
  if [[ ! -s $dir/home/.erlang.cookie ]]; then
    # (od reads a fixed number of bytes: no endless pipe that would die of SIGPIPE under pipefail)
    (umask 077 && od -An -tx1 -N20 /dev/urandom | tr -d ' \n' >"$dir/home/.erlang.cookie")
  fi
  chmod 600 "$dir/home/.erlang.cookie"
  printf '[rabbitmq_management].\n' >"$dir/enabled_plugins"
  : >"$dir/rabbitmq-env.conf"
  cat >"$dir/rabbitmq.conf" <<CONF
# Written by ./platform; edits are lost on the next start.
listeners.tcp.1 = 127.0.0.1:$PLATFORM_RABBITMQ_PORT
management.tcp.ip = 127.0.0.1
management.tcp.port = $PLATFORM_RABBITMQ_MANAGEMENT_PORT
# Only our loopback listeners exist, so the platform user may connect from anywhere it can.
loopback_users = none
log.file.level = info
log.console = false
# Rotated by size like the other local logs (deploy/local/logs.sh).
log.file.rotation.size = $((PLATFORM_LOG_MAX_MB * 1048576))
log.file.rotation.count = $PLATFORM_LOG_KEEP
CONF
}

rabbit_start() {
  local pid
  if pid=$(rabbit_pid); then
    say "rabbitmq already running (pid $pid)"
    rabbit_ensure_user
    return 0
  fi
  ensure_port_free "$PLATFORM_RABBITMQ_PORT" "rabbitmq (AMQP)" PLATFORM_RABBITMQ_PORT
  ensure_port_free "$PLATFORM_RABBITMQ_MANAGEMENT_PORT" "rabbitmq (management)" PLATFORM_RABBITMQ_MANAGEMENT_PORT
  ensure_port_free "$PLATFORM_RABBITMQ_DIST_PORT" "rabbitmq (Erlang distribution)" PLATFORM_RABBITMQ_DIST_PORT
  rabbit_write_config
  rm -f "$RABBITMQ_PIDFILE"
  say "starting rabbitmq node $PLATFORM_RABBITMQ_NODE on 127.0.0.1:$PLATFORM_RABBITMQ_PORT (management $PLATFORM_RABBITMQ_MANAGEMENT_PORT)"
  local startup_log="$PLATFORM_RABBITMQ_DIR/log/startup.log"
  if ! rabbit_run rabbitmq-server -detached >"$startup_log" 2>&1; then
    show_log_tail "$startup_log"
    die "rabbitmq-server -detached failed"
  fi
  # `wait PIDFILE` waits for the pid file, then for the rabbit application (and plugins) to boot.
  if ! rabbitmqctl_node -q wait --timeout 90 "$RABBITMQ_PIDFILE" >>"$startup_log" 2>&1; then
    show_log_tail "$startup_log" 15
    show_log_tail "$RABBITMQ_LOG"
    die "rabbitmq did not start"
  fi
  rabbit_ensure_user
}

# The platform user: administrator, full rights on the vhost. rabbitmqctl calls are slow (an
# Erlang VM each), so first ask the management API whether everything is already in place.
rabbit_ensure_user() {
  local user=$PLATFORM_RABBITMQ_USER vhost=$PLATFORM_RABBITMQ_VHOST vhost_url
  vhost_url=${vhost//\//%2F}
  if rabbit_api whoami | grep -q '"administrator"' &&
    rabbit_api "permissions/$vhost_url/$user" | grep -q '"configure":"\.\*","write":"\.\*","read":"\.\*"'; then
    return 0
  fi
  say "configuring rabbitmq user $user (administrator, all permissions on vhost $vhost)"
  local log="$PLATFORM_RABBITMQ_DIR/log/users.log"
  {
    if rabbitmqctl_node -q list_users --no-table-headers | cut -f1 | grep -qx "$user"; then
      rabbitmqctl_node -q change_password "$user" "$PLATFORM_RABBITMQ_PASSWORD"
    else
      rabbitmqctl_node -q add_user "$user" "$PLATFORM_RABBITMQ_PASSWORD"
    fi &&
      rabbitmqctl_node -q set_user_tags "$user" administrator &&
      rabbitmqctl_node -q set_permissions -p "$vhost" "$user" '.*' '.*' '.*'
  } >"$log" 2>&1 || {
    show_log_tail "$log"
    die "could not configure the rabbitmq user $user"
  }
}

rabbit_stop() {
  local pid
  if ! pid=$(rabbit_pid); then
    say "rabbitmq is not running"
    rm -f "$RABBITMQ_PIDFILE"
    return 0
  fi
  say "stopping rabbitmq (pid $pid)"
  # With the pid file, `stop` returns only once the Erlang VM has exited.
  if ! rabbitmqctl_node -q stop "$RABBITMQ_PIDFILE" >>"$PLATFORM_RABBITMQ_DIR/log/startup.log" 2>&1; then
    warn "rabbitmqctl stop failed; sending SIGTERM to $pid"
    stop_pid "$pid" rabbitmq
  fi
  rm -f "$RABBITMQ_PIDFILE"
  # epmd (Erlang's name server) outlives the node; stop it when no node is registered any more.
  # Without -relaxed_command_check, epmd refuses -kill while any node is still registered.
  if command -v epmd >/dev/null 2>&1 && ! epmd -names 2>/dev/null | grep -q '^name '; then
    epmd -kill >/dev/null 2>&1 || true
  fi
}

rabbit_status_line() {
  local pid state="stopped" ready="not ready"
  if pid=$(rabbit_pid); then state="running"; else pid="-"; fi
  rabbit_is_ready && ready="ready"
  status_line rabbitmq "$state" "$pid" \
    "amqp://127.0.0.1:$PLATFORM_RABBITMQ_PORT http://127.0.0.1:$PLATFORM_RABBITMQ_MANAGEMENT_PORT" "$ready"
}
