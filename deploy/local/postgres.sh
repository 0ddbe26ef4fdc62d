# shellcheck shell=bash
# deploy/local/postgres.sh: a private PostgreSQL 15 server for the platform.
#
# Data in .local/postgres/data, listening on 127.0.0.1:$PLATFORM_PG_PORT only, Unix socket in
# .local/postgres/run, server log in .local/logs/postgres.log. initdb and pg_ctl refuse to run as
# root, so they run as the Debian `postgres` user, who owns the data folder and must be able to
# reach it. A checkout below a folder others cannot enter (root's home, /root, is mode 700 on
# Debian) is out of that user's reach: then the server's files live in
# /var/lib/postgresql/platform-<checkout id>/ and .local/postgres/data and .local/logs/postgres.log
# are symbolic links to them, so everything is still found from .local/.

# Where the server's files really are (set by pg_resolve_paths).
PG_DATA="$PLATFORM_PG_DATA"
PG_RUN="$PLATFORM_PG_DIR/run"
PG_LOG="$PLATFORM_LOG_DIR/postgres.log"

checkout_id() { printf '%s' "$PLATFORM_ROOT" | cksum | cut -d' ' -f1; }

# Can the postgres user enter the checkout? (Only root can ask; others get "yes".)
postgres_can_reach_checkout() {
  [[ $EUID -eq 0 ]] || return 0
  (cd / && runuser -u postgres -- test -x "$PLATFORM_ROOT") 2>/dev/null
}

pg_resolve_paths() {
  local outside
  outside="/var/lib/postgresql/platform-$(checkout_id)"
  if [[ -L $PLATFORM_PG_DATA ]] ||
    { [[ ! -e $PLATFORM_PG_DATA ]] && ! postgres_can_reach_checkout; }; then
    PG_DATA="$outside/data"
    PG_RUN="$outside/run"
    PG_LOG="$outside/postgres.log"
  fi
}

# The Unix socket path is limited to ~107 bytes; a deep checkout would exceed it, so fall back
# to a fixed folder under /tmp named after the checkout.
pg_socket_dir() {
  local dir="$PG_RUN"
  if [[ $((${#dir} + 16)) -gt 100 ]]; then
    dir="/tmp/platform-pg-$(checkout_id)"
  fi
  printf '%s\n' "$dir"
}

# Run a PostgreSQL binary as the postgres user, from a folder that user can read (pg_ctl
# complains when it cannot identify its working directory).
pg_as_postgres() {
  local tool=$1
  shift
  (cd / && runuser -u postgres -- "$PLATFORM_PG_BIN/$tool" "$@" 9>&-)
}

# psql as the platform superuser over the Unix socket (local auth is `trust`).
pg_psql() {
  psql -X -q -v ON_ERROR_STOP=1 -h "$(pg_socket_dir)" -p "$PLATFORM_PG_PORT" \
    -U "$PLATFORM_PG_USER" "$@"
}

# Pid of our running postmaster (first line of postmaster.pid), if any.
pg_pid() {
  read_live_pid "$PG_DATA/postmaster.pid" postgres
}

pg_is_ready() {
  "$PLATFORM_PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PLATFORM_PG_PORT" -t 2 >/dev/null 2>&1
}

# C.UTF-8 keeps sorting byte-wise (predictable) while allowing UTF-8 text; plain C otherwise.
pg_locale() {
  if locale -a 2>/dev/null | grep -qiE '^c\.utf-?8$'; then echo C.UTF-8; else echo C; fi
}

# Create the cluster once.
pg_init() {
  [[ -f $PG_DATA/PG_VERSION ]] && return 0
  id postgres >/dev/null 2>&1 || die "the 'postgres' user does not exist (is the postgresql-15 package installed?)"

  mkdir -p "$PLATFORM_PG_DIR"
  if [[ $PG_DATA != "$PLATFORM_PG_DATA" ]]; then
    say "the postgres user cannot enter $PLATFORM_ROOT (a parent folder is not open to others);"
    say "keeping the server files in ${PG_DATA%/data} and linking them from .local/"
    install -d -o postgres -g postgres -m 700 "${PG_DATA%/data}"
    ln -sfn "$PG_DATA" "$PLATFORM_PG_DATA"
  fi
  install -d -o postgres -g postgres -m 700 "$PG_DATA"
  if ! (cd / && runuser -u postgres -- test -w "$PG_DATA"); then
    die "the postgres user cannot write to $PG_DATA"
  fi

  # The password goes through a file readable only by postgres, never the command line.
  local pwfile="${PG_DATA%/data}/initdb-pwfile" rc=0 locale
  locale=$(pg_locale)
  (umask 077 && printf '%s\n' "$PLATFORM_PG_PASSWORD" >"$pwfile")
  chown postgres:postgres "$pwfile"
  say "initialising PostgreSQL in $PG_DATA (superuser $PLATFORM_PG_USER, locale $locale)"
  pg_as_postgres initdb -D "$PG_DATA" -U "$PLATFORM_PG_USER" --pwfile="$pwfile" \
    --auth-host=scram-sha-256 --auth-local=trust -E UTF8 --locale="$locale" \
    >"$PLATFORM_LOG_DIR/postgres-initdb.log" 2>&1 || rc=$?
  rm -f "$pwfile"
  if [[ $rc -ne 0 ]]; then
    show_log_tail "$PLATFORM_LOG_DIR/postgres-initdb.log"
    die "initdb failed"
  fi
  # Our settings live in their own file (rewritten on every start) so postgresql.conf stays stock.
  printf "\n# Settings managed by ./platform (rewritten on every start)\ninclude_if_exists = 'platform.conf'\n" \
    >>"$PG_DATA/postgresql.conf"
}

pg_write_config() {
  local conf="$PG_DATA/platform.conf"
  cat >"$conf" <<CONF
# Written by ./platform; edits are lost on the next start.
listen_addresses = '127.0.0.1'
port = $PLATFORM_PG_PORT
unix_socket_directories = '$(pg_socket_dir)'
# Five services with connection pools plus the tests.
max_connections = 300
# A throw-away development server: trade crash safety for speed (tests create many databases).
# A clean stop (./platform down) still writes everything; only an OS crash can lose data.
fsync = off
synchronous_commit = off
full_page_writes = off
log_timezone = 'UTC'
CONF
  chown postgres:postgres "$conf"
}

pg_start() {
  local pid
  if pid=$(pg_pid); then
    say "postgres already running (pid $pid)"
    return 0
  fi
  ensure_port_free "$PLATFORM_PG_PORT" postgres PLATFORM_PG_PORT
  pg_init
  pg_write_config
  install -d -o postgres -g postgres -m 755 "$(pg_socket_dir)"
  # pg_ctl opens the log as the postgres user: the file must be theirs.
  touch "$PG_LOG"
  chown postgres:postgres "$PG_LOG"
  if [[ $PG_LOG != "$PLATFORM_LOG_DIR/postgres.log" ]]; then
    ln -sfn "$PG_LOG" "$PLATFORM_LOG_DIR/postgres.log"
  fi
  say "starting postgres on 127.0.0.1:$PLATFORM_PG_PORT"
  if ! pg_as_postgres pg_ctl start -D "$PG_DATA" -l "$PG_LOG" -w -t 60 -s; then
    show_log_tail "$PG_LOG"
    die "postgres did not start"
  fi
}

# One database per service, owned by the platform user; CREATE DATABASE has no IF NOT EXISTS.
pg_ensure_databases() {
  local existing db
  existing=$(pg_psql -d postgres -Atc 'SELECT datname FROM pg_database') ||
    die "cannot query postgres on port $PLATFORM_PG_PORT"
  for db in "${PLATFORM_PG_DATABASES[@]}"; do
    if ! grep -qx "$db" <<<"$existing"; then
      say "creating database $db"
      pg_psql -d postgres -c "CREATE DATABASE \"$db\" OWNER \"$PLATFORM_PG_USER\"" >/dev/null
    fi
  done
}

pg_stop() {
  local pid
  if ! pid=$(pg_pid); then
    say "postgres is not running"
    return 0
  fi
  say "stopping postgres (pid $pid)"
  pg_as_postgres pg_ctl stop -D "$PG_DATA" -m fast -w -t 60 -s ||
    die "postgres did not stop; see $PG_LOG"
}

pg_status_line() {
  local pid state="stopped" ready="not ready"
  if pid=$(pg_pid); then state="running"; else pid="-"; fi
  pg_is_ready && ready="ready"
  status_line postgres "$state" "$pid" "postgresql://$PLATFORM_PG_USER@127.0.0.1:$PLATFORM_PG_PORT" "$ready"
}
