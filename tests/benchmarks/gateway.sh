#!/usr/bin/env bash
# Request-path benchmark (not a test): the primary-key GET of one village (GET /api/dispatch/villages/{code}), each
# figure beside its baseline, same concurrency, rounds interleaved so drift hits every target alike:
#   pgbench      PostgreSQL answering the same SELECT (pgbench, same number of clients): the database's own rate;
#   pre-db       dispatch answering an authenticated request that stops before the database (a village outside the
#                caller's scope answers 404 without a query): the HTTP pipeline's own rate;
#   direct       the GET direct to dispatch;
#   gateway      the same GET through a YARP gateway of its own (the per-caller rate limit lifted).
# Then the latency at a fixed rate of half of direct's saturation, direct and through the gateway, and the resident
# memory of every running service. Printed: each figure, its baseline and the ratio (issue 14's goals: direct /
# pgbench >= 0.5; gateway / direct >= 0.75; gateway adds <= 2 ms to p99 at half of direct's saturation).
# Needs a running platform (./platform up). Usage: tests/benchmarks/gateway.sh [seconds-per-round] [concurrency] [rounds]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
seconds=${1:-10}
concurrency=${2:-32}
rounds=${3:-3}
# shellcheck source=../../deploy/local/env.sh
source deploy/local/env.sh

command -v hey >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends hey >/dev/null; }
command -v pgbench >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql-contrib >/dev/null; }
dispatch="http://127.0.0.1:$PLATFORM_DISPATCH_PORT"
curl -fs "$dispatch/health/ready" >/dev/null || { echo "dispatch is not running on $dispatch: ./platform up first" >&2; exit 1; }

# A gateway of its own, with the per-caller rate limit lifted: the benchmark measures the proxy, not the limiter.
# Its port: the platform gateway's plus 90 (5090 by default), so two checkouts with their own ports never collide.
port=${PLATFORM_BENCH_GATEWAY_PORT:-$((PLATFORM_GATEWAY_PORT + 90))}
gateway_dll=gateway/Platform.Gateway/bin/Release/net10.0/Platform.Gateway.dll
[[ -f $gateway_dll ]] || dotnet build gateway/Platform.Gateway/Platform.Gateway.csproj -c Release -v q -nologo >/dev/null
mkdir -p .local/bench
(cd "$(dirname "$gateway_dll")" &&
  ASPNETCORE_ENVIRONMENT=Production Kestrel__Endpoints__Rest__Url="http://127.0.0.1:$port" \
  Auth__Issuer="$PLATFORM_AUTH_ISSUER" Auth__Audience="$PLATFORM_AUTH_AUDIENCE" Auth__SigningKey="$(cat "$PLATFORM_KEY_FILE")" \
  Gateway__PermitsPerSecond=1000000 Gateway__Burst=1000000 Logging__LogLevel__Default=Warning \
  ReverseProxy__Clusters__dispatch_rest__Destinations__primary__Address="$dispatch" \
  exec dotnet Platform.Gateway.dll) >.local/bench/gateway.log 2>&1 &
gateway_pid=$!
trap 'kill $gateway_pid 2>/dev/null; wait $gateway_pid 2>/dev/null || true' EXIT
for _ in $(seq 1 60); do curl -fs "http://127.0.0.1:$port/health/live" >/dev/null && break; sleep 0.5; done

code=511702104203
token=$(./platform token --role county --scope 511702)
path=/api/dispatch/villages/$code
outside=/api/dispatch/villages/110101001001 # another province: 404 before any query
[[ $(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" "$dispatch$path") == 200 ]] ||
  { echo "GET $path does not answer 200: seed the demo county (./platform up seeds it)" >&2; exit 1; }

# The handler's SELECT (services/Dispatch.Api/Features/Regions/GetVillage.cs), with the scope's bounds as literals.
pgbench_sql=.local/bench/village-get.sql
cat >"$pgbench_sql" <<SQL
SELECT code, name, level, parent_code, category, infrastructure_score, industry_score, governance_score, population, poor_households, longitude, latitude, updated_at FROM regions WHERE code = '$code' AND level = 5 AND code >= '511702000000' AND code < '511703000000';
SQL

hey_run() { # url [extra hey args] -> "rps p99ms status-line"
  local url=$1
  shift
  hey -z "${seconds}s" -c "$concurrency" "$@" -H "Authorization: Bearer $token" "$url" |
    awk '/Requests\/sec/ {rps=$2} /99% in/ {p99=$3*1000} $1 ~ /^\[[0-9]+\]$/ {codes=codes $1 $2 " "} END {printf "%.0f %.2f %s\n", rps, p99, codes}'
}
pgbench_run() { # -> "tps"
  PGPASSWORD=$PLATFORM_PG_PASSWORD pgbench -n -h "$PLATFORM_PG_HOST" -p "$PLATFORM_PG_PORT" -U "$PLATFORM_PG_USER" \
    -c "$concurrency" -j 2 -T "$seconds" -f "$pgbench_sql" dispatch 2>/dev/null |
    awk '/^tps/ {printf "%.0f\n", $3}'
}
ratio() { echo "$1 / $2" | bc -l; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }

hey -z 3s -c "$concurrency" -H "Authorization: Bearer $token" "http://127.0.0.1:$port$path" >/dev/null # warm-up
hey -z 3s -c "$concurrency" -H "Authorization: Bearer $token" "$dispatch$path" >/dev/null
hey -z 2s -c "$concurrency" -H "Authorization: Bearer $token" "$dispatch$outside" >/dev/null

echo "GET $path, $concurrency concurrent, ${seconds}s per round, $rounds rounds, $(nproc) cores shared by load generator, gateway, service and PostgreSQL"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-6s %-10s %-12s %-18s %-18s %-10s %-12s %-10s\n' round pgbench "pre-db req/s" "direct req/s, p99" "gateway req/s, p99" "direct/pg" "direct/pre-db" "gw/direct"
declare -a pg_all pre_all d_all g_all
for round in $(seq 1 "$rounds"); do
  pg=$(pgbench_run)
  read -r pre _ pre_codes < <(hey_run "$dispatch$outside")
  read -r d_rps d_p99 d_codes < <(hey_run "$dispatch$path")
  read -r g_rps g_p99 g_codes < <(hey_run "http://127.0.0.1:$port$path")
  [[ $pre_codes == "[404]"* && $d_codes == "[200]"* && $g_codes == "[200]"* ]] ||
    echo "  (statuses: pre-db $pre_codes direct $d_codes gateway $g_codes)" >&2
  printf '%-6s %-10s %-12s %-18s %-18s %-10.2f %-12.2f %-10.2f\n' "$round" "$pg" "$pre" "$d_rps, ${d_p99} ms" "$g_rps, ${g_p99} ms" \
    "$(ratio "$d_rps" "$pg")" "$(ratio "$d_rps" "$pre")" "$(ratio "$g_rps" "$d_rps")"
  pg_all+=("$pg"); pre_all+=("$pre"); d_all+=("$d_rps"); g_all+=("$g_rps")
done
pg_m=$(printf '%s\n' "${pg_all[@]}" | median)
pre_m=$(printf '%s\n' "${pre_all[@]}" | median)
d_m=$(printf '%s\n' "${d_all[@]}" | median)
g_m=$(printf '%s\n' "${g_all[@]}" | median)
printf 'median  pgbench %.0f/s  pre-db %.0f/s  direct %.0f/s  gateway %.0f/s\n' "$pg_m" "$pre_m" "$d_m" "$g_m"
printf 'goal 1  direct / pgbench        %.2f (goal >= 0.5)\n' "$(ratio "$d_m" "$pg_m")"
printf 'goal 3  gateway / direct        %.2f (goal >= 0.75)\n' "$(ratio "$g_m" "$d_m")"

# Latency at a fixed rate, half of direct's saturation (hey paces each of the workers at rate / workers per second).
half=$(printf '%.0f' "$(echo "$d_m / 2" | bc -l)")
per_worker=$(printf '%.2f' "$(echo "$half / $concurrency" | bc -l)")
printf '%-6s %-22s %-22s %s\n' round "direct at ${half}/s p99" "gateway at ${half}/s p99" "added p99"
declare -a added_all
for round in $(seq 1 "$rounds"); do
  read -r d_rps d_p99 _ < <(hey_run "$dispatch$path" -q "$per_worker")
  read -r g_rps g_p99 _ < <(hey_run "http://127.0.0.1:$port$path" -q "$per_worker")
  added=$(echo "$g_p99 - $d_p99" | bc -l)
  printf '%-6s %-22s %-22s %.2f ms\n' "$round" "${d_p99} ms (${d_rps}/s)" "${g_p99} ms (${g_rps}/s)" "$added"
  added_all+=("$added")
done
printf 'goal 3  added p99 at %s/s    %.2f ms median (goal <= 2 ms)\n' "$half" "$(printf '%s\n' "${added_all[@]}" | median)"

# Resident memory of every service after the load (goal 4: <= 500 MB under load, <= 200 MB idle).
printf 'memory  '
for app in "${PLATFORM_APPS[@]}"; do
  pidfile="$PLATFORM_RUN_DIR/$app.pid"
  if [[ -s $pidfile ]] && [[ -r /proc/$(cat "$pidfile")/status ]]; then
    printf '%s %d MB  ' "$app" "$(($(awk '/VmRSS/ {print $2}' "/proc/$(cat "$pidfile")/status") / 1024))"
  fi
done
printf 'bench-gateway %d MB\n' "$(($(awk '/VmRSS/ {print $2}' "/proc/$gateway_pid/status" 2>/dev/null || echo 0) / 1024))"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
