# shellcheck shell=bash
# deploy/local/common.sh: messages, ports, waiting, locking and package installation shared by
# the other helpers. Sourced by ./platform after env.sh.

# All progress messages go to stderr so that stdout stays clean for `$(./platform token ...)`.
say() { printf 'platform: %s\n' "$*" >&2; }
warn() { printf 'platform: warning: %s\n' "$*" >&2; }
die() {
  printf 'platform: error: %s\n' "$*" >&2
  exit 1
}

require_root() {
  [[ $EUID -eq 0 ]] || die "'$1' must run as root (it installs packages and runs servers as other users)"
}

# Print the last N lines of a log file, indented, so a failure explains itself.
show_log_tail() {
  local file=$1 lines=${2:-30}
  if [[ -s $file ]]; then
    printf 'platform: --- last %s lines of %s ---\n' "$lines" "$file" >&2
    tail -n "$lines" "$file" | sed 's/^/    /' >&2
    printf 'platform: --- end of %s ---\n' "$file" >&2
  else
    printf 'platform: (%s is empty or missing)\n' "$file" >&2
  fi
}

ensure_local_dirs() {
  mkdir -p "$PLATFORM_LOCAL" "$PLATFORM_LOG_DIR" "$PLATFORM_RUN_DIR"
}

# Serialise commands that start or stop things, so two `./platform up` cannot race. The lock is
# held on file descriptor 9 and dropped when the process exits; release_lock drops it earlier
# (tests run long). Every long-lived child (servers, services, dotnet build's MSBuild and
# compiler servers) is started with `9>&-`: a child that inherited the descriptor would hold
# the lock for as long as it lives.
take_lock() {
  local lock="$PLATFORM_RUN_DIR/platform.lock" holders
  ensure_local_dirs
  exec 9>"$lock"
  if ! flock -n 9; then
    say "another ./platform command is starting or stopping things; waiting for it..."
    if ! flock -w 300 9; then
      holders=$(find /proc/[0-9]*/fd -lname "$lock" 2>/dev/null | cut -d/ -f3 | sort -un | tr '\n' ' ' || true)
      die "gave up waiting for $lock (held by pid: ${holders:-unknown})"
    fi
  fi
}
release_lock() { exec 9>&-; }

# --- processes --------------------------------------------------------------------------------

# True when PID is a live process whose command line contains NEEDLE. Checking the command line
# (not just kill -0) keeps a recycled pid from being mistaken for one of ours.
pid_matches() {
  local pid=$1 needle=$2 cmdline
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  cmdline=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
  [[ $cmdline == *"$needle"* ]]
}

# Print the pid in a pid file if that process is alive and matches NEEDLE.
read_live_pid() {
  local file=$1 needle=$2 pid
  [[ -r $file ]] || return 1
  pid=$(head -n 1 "$file" 2>/dev/null | tr -d '[:space:]')
  pid_matches "$pid" "$needle" || return 1
  printf '%s\n' "$pid"
}

# --- ports ------------------------------------------------------------------------------------

# True if something listens on TCP PORT (any address). ss is precise; without it, try to connect.
port_in_use() {
  local port=$1
  if command -v ss >/dev/null 2>&1; then
    [[ -n $(ss -Hltn "sport = :$port" 2>/dev/null) ]]
  else
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null
  fi
}

# Pid of the process listening on PORT, if ss can tell (it can for root).
port_owner_pid() {
  command -v ss >/dev/null 2>&1 || return 1
  ss -Hltnp "sport = :$1" 2>/dev/null | grep -o 'pid=[0-9]*' | head -n 1 | cut -d= -f2
}

# Human description of who holds PORT: "process 'dotnet' (pid 123: dotnet /x/y.dll)".
port_owner_text() {
  local port=$1 pid name cmdline
  pid=$(port_owner_pid "$port" || true)
  if [[ -z $pid ]]; then
    printf 'an unknown process (ss -ltnp could not tell)'
    return
  fi
  name=$(cat "/proc/$pid/comm" 2>/dev/null || echo '?')
  cmdline=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | cut -c1-160 || true)
  printf "process '%s' (pid %s: %s)" "$name" "$pid" "${cmdline% }"
}

# Fail clearly when PORT, needed by WHAT and configured by VAR, is held by someone else.
ensure_port_free() {
  local port=$1 what=$2 var=$3
  if port_in_use "$port"; then
    die "port $port (needed by $what) is already in use by $(port_owner_text "$port"); stop that process or choose another port with $var=..."
  fi
}

# HTTP status code of GET URL ("000" when nothing answers).
http_code() {
  curl -s -o /dev/null -w '%{http_code}' --connect-timeout 1 --max-time 3 "$1" 2>/dev/null || true
}

# --- packages ---------------------------------------------------------------------------------

PLATFORM_APT_UPDATED=0

# apt-get install PACKAGES... non-interactively; runs `apt-get update` once first (a fresh
# machine has no package lists). Waits for a dpkg lock held by another apt rather than failing.
apt_install() {
  local attempt
  if [[ $PLATFORM_APT_UPDATED -eq 0 ]]; then
    say "apt-get update (needed before the first install)"
    for attempt in 1 2 3 4 5 6 7 8 9 10; do
      if apt-get -o DPkg::Lock::Timeout=300 -qq update >"$PLATFORM_LOG_DIR/apt.log" 2>&1; then
        break
      fi
      [[ $attempt -lt 10 ]] || { show_log_tail "$PLATFORM_LOG_DIR/apt.log"; die "apt-get update failed"; }
      say "apt-get update failed (apt busy?); retrying in 10 s"
      sleep 10
    done
    PLATFORM_APT_UPDATED=1
  fi
  say "installing Debian packages: $*"
  if ! apt-get -o DPkg::Lock::Timeout=600 -y -q install --no-install-recommends "$@" \
    >>"$PLATFORM_LOG_DIR/apt.log" 2>&1; then
    show_log_tail "$PLATFORM_LOG_DIR/apt.log"
    die "apt-get install $* failed"
  fi
}

# Install PostgreSQL 15, RabbitMQ and the small tools the scripts use, whichever are missing.
ensure_packages() {
  local missing=()
  [[ -x $PLATFORM_PG_BIN/initdb && -x $PLATFORM_PG_BIN/pg_ctl ]] || missing+=(postgresql-15)
  command -v psql >/dev/null 2>&1 || missing+=(postgresql-client-15)
  [[ -x $PLATFORM_RABBITMQ_BIN/rabbitmq-server ]] || missing+=(rabbitmq-server)
  command -v curl >/dev/null 2>&1 || missing+=(curl ca-certificates)
  command -v ss >/dev/null 2>&1 || missing+=(iproute2)
  # Rotates the local logs (deploy/local/logs.sh).
  command -v logrotate >/dev/null 2>&1 || [[ -x /usr/sbin/logrotate ]] || missing+=(logrotate)
  # The console's build installs Apache ECharts from npm (web/Platform.Web/package.json); some tests use npm too.
  command -v npm >/dev/null 2>&1 || missing+=(npm)
  if [[ ${#missing[@]} -gt 0 ]]; then
    apt_install "${missing[@]}"
  fi
  [[ -x $PLATFORM_PG_BIN/initdb ]] || die "PostgreSQL 15 is still missing after install ($PLATFORM_PG_BIN/initdb)"
  [[ -x $PLATFORM_RABBITMQ_BIN/rabbitmq-server ]] || die "RabbitMQ is still missing after install"
}
