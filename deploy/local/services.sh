# shellcheck shell=bash
# deploy/local/services.sh: build the solution, run the identity service, the five services, the gateway and the web
# console as background dotnet processes, the development keys, the identity clients' secrets, and the seeding/token CLI.

# --- building ---------------------------------------------------------------------------------

# The solution file: Platform.sln (or the .slnx format newer SDKs create by default).
solution_file() {
  local f
  for f in Platform.sln Platform.slnx; do
    if [[ -f $PLATFORM_ROOT/$f ]]; then
      printf '%s\n' "$PLATFORM_ROOT/$f"
      return 0
    fi
  done
  die "no Platform.sln in $PLATFORM_ROOT"
}

# dotnet build TARGET CONFIGURATION: full output goes to .local/logs/build.log; on failure show
# the distinct error lines (and the end of the log when there are none, e.g. a restore failure).
dotnet_build() {
  local target=$1 config=$2 log="$PLATFORM_LOG_DIR/build.log" errors
  ensure_local_dirs
  say "building ${target#"$PLATFORM_ROOT"/} ($config); full output in ${log#"$PLATFORM_ROOT"/}"
  # 9>&-: MSBuild and compiler server processes outlive the build; keep them off the lock.
  if dotnet build "$target" -c "$config" -nologo -v minimal >"$log" 2>&1 9>&-; then
    return 0
  fi
  errors=$(grep -E ': error [A-Z]*[0-9]*' "$log" | sed 's/^ *//' | sort -u | head -n 60 || true)
  if [[ -n $errors ]]; then
    printf '%s\n' "$errors" >&2
  else
    show_log_tail "$log" 40
  fi
  die "build of ${target#"$PLATFORM_ROOT"/} failed"
}

# --- the apps (identity, five services, gateway, console) -------------------------------------------------

upper() { tr '[:lower:]' '[:upper:]' <<<"$1"; }
app_rest_port() { local v; v="PLATFORM_$(upper "$1")_PORT"; printf '%s\n' "${!v}"; }
# The console serves people only: no gRPC port (empty).
app_has_grpc() { [[ $1 != console ]]; }
app_grpc_port() {
  local v
  app_has_grpc "$1" || return 0
  v="PLATFORM_$(upper "$1")_GRPC_PORT"
  printf '%s\n' "${!v}"
}
app_project_dir() { printf '%s\n' "$PLATFORM_ROOT/${PLATFORM_APP_PROJECT[$1]}"; }
app_dll() {
  local project=${PLATFORM_APP_PROJECT[$1]}
  printf '%s\n' "$PLATFORM_ROOT/$project/bin/Release/$PLATFORM_TARGET_FRAMEWORK/${project##*/}.dll"
}
app_pidfile() { printf '%s\n' "$PLATFORM_RUN_DIR/$1.pid"; }
app_log() { printf '%s\n' "$PLATFORM_LOG_DIR/$1.log"; }
app_url() { printf 'http://127.0.0.1:%s\n' "$(app_rest_port "$1")"; }
app_ready_url() { printf '%s/health/ready\n' "$(app_url "$1")"; }
app_present() { [[ -d $(app_project_dir "$1") ]]; }

# Pid of the app if our process runs it (pid file alive and running that very dll).
app_pid() { read_live_pid "$(app_pidfile "$1")" "$(app_dll "$1")"; }

# Like app_pid, but also recognises one of ours whose pid file was lost (the process listening
# on the app's REST port runs the app's dll) and writes the pid file back.
app_find_pid() {
  local app=$1 pid
  if pid=$(app_pid "$app"); then
    printf '%s\n' "$pid"
    return 0
  fi
  pid=$(port_owner_pid "$(app_rest_port "$app")" || true)
  if [[ -n $pid ]] && pid_matches "$pid" "$(app_dll "$app")"; then
    { printf '%s\n' "$pid" >"$(app_pidfile "$app")"; } 2>/dev/null || true
    printf '%s\n' "$pid"
    return 0
  fi
  return 1
}
app_is_ready() { [[ $(http_code "$(app_ready_url "$1")") == 200 ]]; }

# The apps that exist in the repository so far (early on, some projects are not written yet).
present_apps() {
  local app
  for app in "${PLATFORM_APPS[@]}"; do
    if app_present "$app"; then printf '%s\n' "$app"; fi
  done
}

# Start one app in the background unless it already runs. The process gets its own session
# (setsid) and ignores SIGHUP (nohup), so it outlives the shell that ran ./platform.
start_app() {
  local app=$1 pid dll pidfile log rest grpc
  dll=$(app_dll "$app")
  pidfile=$(app_pidfile "$app")
  log=$(app_log "$app")
  rest=$(app_rest_port "$app")
  grpc=$(app_grpc_port "$app")
  if pid=$(app_find_pid "$app"); then
    say "$app already running (pid $pid)"
    return 0
  fi
  if [[ -f $pidfile ]]; then
    say "$app: removing stale pid file"
    rm -f "$pidfile"
  fi
  [[ -f $dll ]] || die "$app: $dll does not exist (did the build produce it?)"
  local upper_app
  upper_app=$(upper "$app")
  ensure_port_free "$rest" "$app (REST)" "PLATFORM_${upper_app}_PORT"
  [[ -z $grpc ]] || ensure_port_free "$grpc" "$app (gRPC)" "PLATFORM_${upper_app}_GRPC_PORT"

  printf '\n===== %s: starting %s =====\n' "$(date -u '+%Y-%m-%dT%H:%M:%SZ')" "$app" >>"$log"
  say "starting $app on $(app_url "$app")${grpc:+ (gRPC :$grpc)}"
  (
    # Kestrel's content root is the working folder: run where appsettings*.json were copied.
    cd "$(dirname "$dll")" || exit 1
    app_environment "$app"
    # The child writes its own pid (exec keeps it), so the pid file is right whether or not
    # setsid had to fork.
    # shellcheck disable=SC2016  # $$, $1 and $@ are for the inner bash
    setsid bash -c 'printf "%s\n" "$$" >"$1"; shift; exec nohup "$@"' _ "$pidfile" dotnet "$dll" \
      >>"$log" 2>&1 </dev/null 9>&- &
  )
  # The child writes the pid file a moment later; wait for it so readiness checks can use it.
  local i
  for i in {1..50}; do
    [[ -s $pidfile ]] && return 0
    sleep 0.1
  done
  die "$app: no pid file after 5 s; see $log"
}

# Environment of one app process (called in the subshell that starts it).
app_environment() {
  local app=$1 svc
  # Production: a county may run exactly this on one machine (no developer exception page, Production defaults);
  # nothing in the platform reads the environment's name. PLATFORM_ENVIRONMENT overrides it, e.g. for debugging.
  export ASPNETCORE_ENVIRONMENT="${PLATFORM_ENVIRONMENT:-Production}" DOTNET_ENVIRONMENT="${PLATFORM_ENVIRONMENT:-Production}"
  export Kestrel__Endpoints__Rest__Url="http://127.0.0.1:$(app_rest_port "$app")"
  if app_has_grpc "$app"; then
    export Kestrel__Endpoints__Grpc__Url="http://127.0.0.1:$(app_grpc_port "$app")" Kestrel__Endpoints__Grpc__Protocols=Http2
  fi
  app_auth_environment "$app"
  if [[ $app == console ]]; then
    console_environment
    return 0
  fi
  if [[ $app != gateway ]]; then
    export ConnectionStrings__Database="Host=127.0.0.1;Port=$PLATFORM_PG_PORT;Database=$app;Username=$PLATFORM_PG_USER;Password=$PLATFORM_PG_PASSWORD"
  fi
  export RabbitMq__Host=127.0.0.1 RabbitMq__Port="$PLATFORM_RABBITMQ_PORT" \
    RabbitMq__VirtualHost="$PLATFORM_RABBITMQ_VHOST" RabbitMq__Username="$PLATFORM_RABBITMQ_USER" \
    RabbitMq__Password="$PLATFORM_RABBITMQ_PASSWORD"
  # Development keys that protect citizen IDs and phone numbers at rest (production: a secret store).
  export PersonalData__CurrentKeyId=local
  PersonalData__Keys__local=$(<"$PLATFORM_PERSONAL_DATA_KEY_FILE")
  PersonalData__IndexKey=$(<"$PLATFORM_PERSONAL_DATA_INDEX_KEY_FILE")
  export PersonalData__Keys__local PersonalData__IndexKey
  # Where services call each other over gRPC.
  export Services__Dispatch__Grpc="http://127.0.0.1:$(app_grpc_port dispatch)"
  export Services__Pairing__Grpc="http://127.0.0.1:$(app_grpc_port pairing)"
  if [[ $app == notification ]]; then
    # Local webhook receivers run on this machine; production refuses private and loopback addresses. The service
    # token for dispatch and pairing is minted from the development signing key (production: Notification__ServiceToken).
    export Notification__Webhooks__AllowPrivateNetworks=true
  fi
  if [[ $app == identity ]]; then
    identity_environment
  fi
  if [[ $app == gateway ]]; then
    for svc in "${PLATFORM_SERVICES[@]}"; do
      # YARP clusters are configuration (gateway/Platform.Gateway/appsettings.json); point them at the local ports.
      export "ReverseProxy__Clusters__${svc}_rest__Destinations__primary__Address=http://127.0.0.1:$(app_rest_port "$svc")"
      # identity's gRPC port answers health checks only: nothing is proxied to it.
      [[ $svc == identity ]] ||
        export "ReverseProxy__Clusters__${svc}_grpc__Destinations__primary__Address=http://127.0.0.1:$(app_grpc_port "$svc")"
    done
    # The console, at / (people browse it through the gateway).
    export "ReverseProxy__Clusters__console__Destinations__primary__Address=$(app_url console)"
  fi
}

# The console's settings: no database, broker or personal-data keys (it owns no data); it signs people in at the
# identity service (Auth__Authority, set by app_auth_environment) as its public client and calls the APIs through the
# gateway with their tokens. PublicOrigin is where people browse it (the gateway): redirects are built from it.
console_environment() {
  # Sign-in is the identity service's in either PLATFORM_AUTH_MODE (in dev-key mode the gateway refuses its tokens).
  unset Auth__SigningKey
  export Auth__Authority="$PLATFORM_IDENTITY_ISSUER" Auth__Issuer="$PLATFORM_IDENTITY_ISSUER"
  export Console__PublicOrigin="$PLATFORM_CONSOLE_PUBLIC_ORIGIN" Console__ClientId=console \
    Console__GatewayAddress="http://127.0.0.1:$PLATFORM_GATEWAY_PORT"
}

# How an app validates tokens, and the service account it calls others with (PLATFORM_AUTH_MODE, deploy/local/env.sh).
app_auth_environment() {
  local app=$1
  export Auth__Audience="$PLATFORM_AUTH_AUDIENCE"
  if [[ $PLATFORM_AUTH_MODE == dev-key ]]; then
    export Auth__Issuer="$PLATFORM_AUTH_ISSUER"
    Auth__SigningKey=$(<"$PLATFORM_KEY_FILE")
    export Auth__SigningKey
    return 0
  fi
  # Keys and metadata come from the identity service's discovery document (fetched on the first token, so a
  # service that starts while identity is still starting is fine). No signing key: a dev-key token is refused.
  unset Auth__SigningKey
  export Auth__Authority="$PLATFORM_IDENTITY_ISSUER" Auth__Issuer="$PLATFORM_IDENTITY_ISSUER"
  if [[ " ${PLATFORM_SERVICE_ACCOUNT_APPS[*]} " == *" $app "* ]]; then
    # Client credentials at the token endpoint of Auth:Authority's discovery document.
    export ServiceAccount__ClientId="$app-service"
    ServiceAccount__ClientSecret=$(<"$(identity_secret_file "$app-service")")
    export ServiceAccount__ClientSecret
  fi
}

# The identity service's settings: its issuer and the standard clients (registered or updated when it starts).
identity_environment() {
  local i=0 svc
  export Identity__Issuer="$PLATFORM_IDENTITY_ISSUER" Identity__AllowHttp=true
  # ./platform token and seed: any role and region below the province's, narrowed per request.
  identity_client "$i" "$PLATFORM_CLI_CLIENT_ID" "平台命令行工具" province "" "nationwide,write"
  export "Identity__Clients__${i}__MayNarrow=true" "Identity__Clients__${i}__AccessTokenLifetime=12:00:00"
  for svc in "${PLATFORM_SERVICE_ACCOUNT_APPS[@]}"; do
    i=$((i + 1))
    identity_client "$i" "$svc-service" "${PLATFORM_SERVICE_DISPLAY_NAMES[$svc]}服务账号" province "" nationwide
  done
  # The console: a public client, authorization code + PKCE, no secret; it comes back to the address people browse.
  i=$((i + 1))
  export "Identity__Clients__${i}__ClientId=console" "Identity__Clients__${i}__DisplayName=管理控制台" \
    "Identity__Clients__${i}__RedirectUris=$PLATFORM_CONSOLE_REDIRECT_URI" \
    "Identity__Clients__${i}__PostLogoutRedirectUris=$PLATFORM_CONSOLE_POST_LOGOUT_REDIRECT_URI"
}

# identity_client INDEX CLIENT_ID DISPLAY_NAME ROLE REGION GRANTS: a confidential client with its secret file.
identity_client() {
  local prefix="Identity__Clients__$1__"
  export "${prefix}ClientId=$2" "${prefix}DisplayName=$3" "${prefix}Role=$4" "${prefix}Region=$5" "${prefix}Grants=$6"
  export "${prefix}ClientSecret=$(<"$(identity_secret_file "$2")")"
}

# Wait until the app answers 200 on /health/ready; on failure show why. Returns non-zero.
wait_app_ready() {
  local app=$1 deadline pid
  deadline=$((SECONDS + PLATFORM_READY_TIMEOUT))
  while ((SECONDS < deadline)); do
    if app_is_ready "$app"; then
      say "$app is ready"
      return 0
    fi
    if ! pid=$(app_pid "$app"); then
      printf 'platform: error: %s exited during startup\n' "$app" >&2
      show_log_tail "$(app_log "$app")"
      return 1
    fi
    sleep 0.5
  done
  printf 'platform: error: %s did not answer 200 on %s within %s s (last answer: %s)\n' \
    "$app" "$(app_ready_url "$app")" "$PLATFORM_READY_TIMEOUT" "$(http_code "$(app_ready_url "$app")")" >&2
  show_log_tail "$(app_log "$app")"
  return 1
}

# The console answers through the gateway: the gateway's active health check (every 5 s) may still count it as down
# after it became ready, and people only ever browse it there. Ready = / answers other than 502/503.
wait_console_through_gateway() {
  local url="$PLATFORM_CONSOLE_PUBLIC_ORIGIN/" deadline code
  deadline=$((SECONDS + PLATFORM_READY_TIMEOUT))
  while ((SECONDS < deadline)); do
    code=$(http_code "$url")
    if [[ $code =~ ^[23] ]]; then
      return 0
    fi
    sleep 0.5
  done
  die "the console is ready but the gateway does not route to it: GET $url answered $code (./platform logs gateway)"
}

# Start APPS..., then wait for each; report every failure, not just the first.
start_apps_and_wait() {
  local app failed=()
  for app in "$@"; do start_app "$app"; done
  for app in "$@"; do wait_app_ready "$app" || failed+=("$app"); done
  if [[ ${#failed[@]} -gt 0 ]]; then
    die "not ready: ${failed[*]} (logs: ./platform logs NAME)"
  fi
}

# SIGTERM, wait up to PLATFORM_STOP_TIMEOUT s, then SIGKILL.
stop_pid() {
  local pid=$1 name=$2 deadline
  kill -TERM "$pid" 2>/dev/null || return 0
  deadline=$((SECONDS + PLATFORM_STOP_TIMEOUT))
  while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
  if kill -0 "$pid" 2>/dev/null; then
    warn "$name (pid $pid) ignored SIGTERM for $PLATFORM_STOP_TIMEOUT s; killing it"
    kill -KILL "$pid" 2>/dev/null || true
  fi
}

# Stop every app: SIGTERM to all at once, then wait for them together.
stop_apps() {
  local app pid pids=() names=() i deadline
  for app in "${PLATFORM_APPS[@]}"; do
    if pid=$(app_find_pid "$app"); then
      say "stopping $app (pid $pid)"
      kill -TERM "$pid" 2>/dev/null || true
      pids+=("$pid")
      names+=("$app")
    fi
    rm -f "$(app_pidfile "$app")"
  done
  deadline=$((SECONDS + PLATFORM_STOP_TIMEOUT))
  for i in "${!pids[@]}"; do
    while kill -0 "${pids[$i]}" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
    if kill -0 "${pids[$i]}" 2>/dev/null; then
      warn "${names[$i]} (pid ${pids[$i]}) ignored SIGTERM for $PLATFORM_STOP_TIMEOUT s; killing it"
      kill -KILL "${pids[$i]}" 2>/dev/null || true
    fi
  done
}

app_status_line() {
  local app=$1 pid state="stopped" ready="not ready" url
  url=$(app_url "$app")
  ! app_has_grpc "$app" || url+=" grpc://127.0.0.1:$(app_grpc_port "$app")"
  if ! app_present "$app"; then
    status_line "$app" absent - "$url" "(${PLATFORM_APP_PROJECT[$app]} not in the repository yet)"
    return 0
  fi
  if pid=$(app_find_pid "$app"); then state="running"; else pid="-"; fi
  app_is_ready "$app" && ready="ready"
  status_line "$app" "$state" "$pid" "$url" "$ready"
}

# --- keys, client secrets and the CLI --------------------------------------------------------------

# The development keys (made once): personal-data protection, and the HS256 key of PLATFORM_AUTH_MODE=dev-key.
ensure_signing_key() {
  ensure_local_dirs
  ensure_random_key "$PLATFORM_PERSONAL_DATA_KEY_FILE" 32 "personal-data encryption key"
  ensure_random_key "$PLATFORM_PERSONAL_DATA_INDEX_KEY_FILE" 32 "personal-data blind-index key"
  ensure_random_key "$PLATFORM_KEY_FILE" 48 "JWT signing key"
  ensure_identity_secrets
}

# A base64 file of N random bytes, made once and readable only by its owner.
ensure_random_key() {
  local file=$1 bytes=$2 what=$3
  [[ -s $file ]] && return 0
  say "generating the development $what in ${file#"$PLATFORM_ROOT"/}"
  (umask 077 && head -c "$bytes" /dev/urandom | base64 -w0 >"$file")
  chmod 600 "$file"
}

identity_secret_file() { printf '%s/%s.secret\n' "$PLATFORM_IDENTITY_SECRET_DIR" "$1"; }

# The secret of each confidential standard client: 32 random bytes, base64url without padding, made once, mode 600.
# The identity service registers them at its start; the services and the CLI send them to its token endpoint.
ensure_identity_secrets() {
  local client file made=()
  mkdir -p "$PLATFORM_IDENTITY_SECRET_DIR"
  chmod 700 "$PLATFORM_IDENTITY_SECRET_DIR"
  for client in "$PLATFORM_CLI_CLIENT_ID" "${PLATFORM_SERVICE_ACCOUNT_APPS[@]/%/-service}"; do
    file=$(identity_secret_file "$client")
    [[ -s $file ]] && continue
    (umask 077 && head -c 32 /dev/urandom | base64 -w0 | tr '+/' '-_' | tr -d '=' >"$file")
    chmod 600 "$file"
    made+=("$client")
  done
  [[ ${#made[@]} -eq 0 ]] ||
    say "generated client secrets in ${PLATFORM_IDENTITY_SECRET_DIR#"$PLATFORM_ROOT"/}/: ${made[*]}"
}

ensure_cli() {
  [[ -f $PLATFORM_CLI_DLL ]] && return 0
  [[ -d $PLATFORM_ROOT/$PLATFORM_CLI_PROJECT ]] || die "$PLATFORM_CLI_PROJECT is not in the repository yet"
  dotnet_build "$PLATFORM_ROOT/$PLATFORM_CLI_PROJECT" Release
  [[ -f $PLATFORM_CLI_DLL ]] || die "the build did not produce $PLATFORM_CLI_DLL"
}

# How the CLI gets its tokens: client credentials at the identity service as platform-cli (default), or signed with
# the development key (PLATFORM_AUTH_MODE=dev-key).
cli_auth_args() {
  if [[ $PLATFORM_AUTH_MODE == dev-key ]]; then
    printf '%s\n' --key-file "$PLATFORM_KEY_FILE"
    return 0
  fi
  app_is_ready identity ||
    die "the identity service is not ready at $(app_ready_url identity); run ./platform up first (or PLATFORM_AUTH_MODE=dev-key)"
  printf '%s\n' --authority "$PLATFORM_IDENTITY_ISSUER" --client-id "$PLATFORM_CLI_CLIENT_ID" \
    --client-secret-file "$(identity_secret_file "$PLATFORM_CLI_CLIENT_ID")"
}

# seed SCALE: demo data through the dispatch service's API (and, with the identity service, demo accounts through
# its admin API, listed in PLATFORM_DEMO_ACCOUNTS_FILE).
seed() {
  local scale=$1 url auth=()
  case $scale in county | city | province) ;; *) die "seed: scale must be county, city or province (got '$scale')" ;; esac
  url="http://127.0.0.1:$PLATFORM_DISPATCH_PORT"
  if ! app_is_ready dispatch; then
    die "seed: dispatch is not ready at $url/health/ready; run ./platform up first"
  fi
  ensure_signing_key
  ensure_cli
  mapfile -t auth < <(cli_auth_args) && [[ ${#auth[@]} -gt 0 ]] || exit 1
  # With the identity service the seed also makes the demo accounts, listed in PLATFORM_DEMO_ACCOUNTS_FILE.
  [[ $PLATFORM_AUTH_MODE == dev-key ]] || auth+=(--accounts-file "$PLATFORM_DEMO_ACCOUNTS_FILE")
  say "seeding a demo $scale through $url"
  dotnet "$PLATFORM_CLI_DLL" seed --scale "$scale" --url "$url" --pairing-url "http://127.0.0.1:$PLATFORM_PAIRING_PORT" \
    --assessment-url "http://127.0.0.1:$PLATFORM_ASSESSMENT_PORT" "${auth[@]}" 9>&- ||
    die "seed --scale $scale failed"
  if [[ $scale == county ]]; then date -u '+%Y-%m-%dT%H:%M:%SZ' >"$PLATFORM_SEEDED_MARKER"; fi
}

# The demo accounts the seed made (PLATFORM_DEMO_ACCOUNTS_FILE: userName, displayName, role, region, password; one
# per line, tab-separated), as a table on stderr with the rest of ./platform's messages.
print_demo_accounts() {
  [[ -s $PLATFORM_DEMO_ACCOUNTS_FILE ]] || return 0
  {
    printf '\nDemo accounts (sign in to the console at %s/ with the initial password, changed at the first sign-in; list in %s)\n' \
      "$PLATFORM_CONSOLE_PUBLIC_ORIGIN" "${PLATFORM_DEMO_ACCOUNTS_FILE#"$PLATFORM_ROOT"/}"
    awk -F '\t' 'BEGIN { printf "  %-16s %-10s %-13s %-20s %s\n", "user name", "role", "region", "password", "name" }
      NF >= 5 { printf "  %-16s %-10s %-13s %-20s %s\n", $1, $3, ($4 == "" ? "(all)" : $4), $5, $2 }' \
      "$PLATFORM_DEMO_ACCOUNTS_FILE"
  } >&2
}

# token ARGS...: print an access token, and nothing else, on stdout.
token() {
  local arg has_role=0 has_scope=0 auth=()
  for arg in "$@"; do
    case $arg in
      --role | --role=*) has_role=1 ;;
      --scope | --scope=* | --grant | --grant=*) has_scope=1 ;;
    esac
  done
  [[ $has_role -eq 1 && $has_scope -eq 1 ]] ||
    die "usage: ./platform token --role ROLE (--scope CODE | --grant nationwide) [--grant write] [--subject NAME]"
  ensure_signing_key
  ensure_cli
  mapfile -t auth < <(cli_auth_args) && [[ ${#auth[@]} -gt 0 ]] || exit 1
  dotnet "$PLATFORM_CLI_DLL" token "$@" "${auth[@]}" 9>&-
}
