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

# --- durability -------------------------------------------------------------------------------
# `./platform up` is what a county may run on one machine: full durability (fsync, synchronous commit,
# full-page writes), so a commit that was acknowledged survives a crash of PostgreSQL or of the machine.
# Only a test cluster may trade that for speed: `./platform test` runs "fast" (fsync, synchronous_commit
# and full_page_writes off) when it starts the server itself on a data directory that `./platform up` has
# never used. Once `up` has used a data directory it stays durable for good (the file
# .local/postgres/durable says so), and PLATFORM_PG_DURABILITY=full keeps a test run durable too.
PG_DURABLE_MARKER="$PLATFORM_PG_DIR/durable"

# The durability `./platform test` asks for: fast, unless this data directory must stay durable.
pg_test_durability() {
  case ${PLATFORM_PG_DURABILITY:-fast} in
    full) echo full ;;
    fast) if [[ -f $PG_DURABLE_MARKER ]]; then echo full; else echo fast; fi ;;
    *) die "PLATFORM_PG_DURABILITY must be full or fast (got '$PLATFORM_PG_DURABILITY')" ;;
  esac
}

# What the settings file on disk says the server last ran with (fast, full, or none before the first start).
pg_configured_durability() {
  local conf="$PG_DATA/platform.conf"
  [[ -f $conf ]] || { echo none; return; }
  if grep -q '^fsync = off' "$conf"; then echo fast; else echo full; fi
}

# What the running server does now.
pg_running_durability() {
  local fsync
  fsync=$(pg_psql -d postgres -Atc 'SHOW fsync') || die "cannot ask postgres on port $PLATFORM_PG_PORT for its settings"
  if [[ $fsync == on ]]; then echo full; else echo fast; fi
}

# Writes and data that fsync=off left in the operating system's cache reach the disk: initdb --sync-only
# (the way PostgreSQL's documentation gives for turning fsync back on; safe while the server runs).
pg_sync_data() {
  say "writing everything the fast settings left in the OS cache to disk (initdb --sync-only)"
  pg_as_postgres initdb --sync-only -D "$PG_DATA" >>"$PLATFORM_LOG_DIR/postgres-initdb.log" 2>&1 ||
    die "initdb --sync-only failed; see $PLATFORM_LOG_DIR/postgres-initdb.log"
}

# A running fast server becomes durable without a restart: the settings are reloadable. After the reload every
# new commit is flushed; the CHECKPOINT starts a cycle in which full-page writes protect every page again; the
# sync puts what was written before on disk.
pg_make_durable_online() {
  say "switching the running postgres to full durability (it ran with the test settings)"
  pg_write_config full
  pg_as_postgres pg_ctl reload -D "$PG_DATA" -s >/dev/null || die "pg_ctl reload failed"
  local i
  for i in {1..50}; do
    [[ $(pg_running_durability) == full ]] && break
    sleep 0.1
  done
  [[ $(pg_running_durability) == full ]] || die "postgres did not take the durable settings; see $PG_LOG"
  pg_psql -d postgres -c 'CHECKPOINT' >/dev/null || die "CHECKPOINT failed"
  pg_sync_data
}

# pg_write_config full|fast
pg_write_config() {
  local durability=$1 conf="$PG_DATA/platform.conf" switch
  if [[ $durability == full ]]; then switch=on; else switch=off; fi
  cat >"$conf" <<CONF
# Written by ./platform; edits are lost on the next start.
listen_addresses = '127.0.0.1'
port = $PLATFORM_PG_PORT
unix_socket_directories = '$(pg_socket_dir)'
# Five services with connection pools plus the tests.
max_connections = 300
# Durability: $durability. "full" for ./platform up (a commit that was acknowledged survives a crash);
# "fast" only for a cluster that only tests have used (see deploy/local/postgres.sh).
fsync = $switch
synchronous_commit = $switch
full_page_writes = $switch
log_timezone = 'UTC'
# JIT compiling costs 0.2-0.5 s on a report over a province and saves less than it costs on these queries.
jit = off
CONF
  chown postgres:postgres "$conf"
}

# pg_start full|fast: start the server with that durability, or bring a running one to it. A running server
# is never made less durable than it is.
pg_start() {
  local durability=${1:-full} pid running
  if pid=$(pg_pid); then
    running=$(pg_running_durability)
    if [[ $durability == full && $running == fast ]]; then
      pg_make_durable_online
    elif [[ $durability == fast && $running == full ]]; then
      say "postgres already running (pid $pid) with full durability; the tests use it as it is"
    else
      say "postgres already running (pid $pid, durability $running)"
    fi
    return 0
  fi
  ensure_port_free "$PLATFORM_PG_PORT" postgres PLATFORM_PG_PORT
  pg_init
  if [[ $durability == full && $(pg_configured_durability) == fast ]]; then
    pg_sync_data
  fi
  pg_write_config "$durability"
  install -d -o postgres -g postgres -m 755 "$(pg_socket_dir)"
  # pg_ctl opens the log as the postgres user: the file must be theirs.
  touch "$PG_LOG"
  chown postgres:postgres "$PG_LOG"
  if [[ $PG_LOG != "$PLATFORM_LOG_DIR/postgres.log" ]]; then
    ln -sfn "$PG_LOG" "$PLATFORM_LOG_DIR/postgres.log"
  fi
  say "starting postgres on 127.0.0.1:$PLATFORM_PG_PORT (durability $durability)"
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
  if pg_is_ready; then ready="ready (durability $(pg_running_durability))"; fi
  status_line postgres "$state" "$pid" "postgresql://$PLATFORM_PG_USER@127.0.0.1:$PLATFORM_PG_PORT" "$ready"
}
