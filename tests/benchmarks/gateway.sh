#!/usr/bin/env bash
# Gateway benchmark: requests/s and p99 of one REST endpoint through the YARP gateway against the same endpoint
# direct to the dispatch service, same concurrency, rounds interleaved so drift hits both alike. Not a test.
# Needs a running platform (./platform up). Usage: tests/benchmarks/gateway.sh [seconds-per-round] [concurrency] [rounds]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
seconds=${1:-10}
concurrency=${2:-32}
rounds=${3:-3}
# shellcheck source=../../deploy/local/env.sh
source deploy/local/env.sh

command -v hey >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends hey >/dev/null; }
curl -fs "http://127.0.0.1:5100/health/ready" >/dev/null || { echo "dispatch is not running: ./platform up first" >&2; exit 1; }

# A gateway of its own, with the per-caller rate limit lifted: the benchmark measures the proxy, not the limiter.
port=5090
gateway_dll=gateway/Platform.Gateway/bin/Release/net10.0/Platform.Gateway.dll
[[ -f $gateway_dll ]] || dotnet build gateway/Platform.Gateway/Platform.Gateway.csproj -c Release -v q -nologo >/dev/null
mkdir -p .local/bench
(cd "$(dirname "$gateway_dll")" &&
  ASPNETCORE_ENVIRONMENT=Production Kestrel__Endpoints__Rest__Url="http://127.0.0.1:$port" \
  Auth__Issuer=platform-dev Auth__Audience=platform Auth__SigningKey="$(cat "$PLATFORM_KEY_FILE")" \
  Gateway__PermitsPerSecond=1000000 Gateway__Burst=1000000 Logging__LogLevel__Default=Warning \
  ReverseProxy__Clusters__dispatch_rest__Destinations__primary__Address=http://127.0.0.1:5100 \
  exec dotnet Platform.Gateway.dll) >.local/bench/gateway.log 2>&1 &
gateway_pid=$!
trap 'kill $gateway_pid 2>/dev/null; wait $gateway_pid 2>/dev/null || true' EXIT
for _ in $(seq 1 60); do curl -fs "http://127.0.0.1:$port/health/live" >/dev/null && break; sleep 0.5; done

token=$(./platform token --role county --scope 511702)
path=/api/dispatch/villages/511702104203
run() { # url -> "rps p99ms"
  hey -z "${seconds}s" -c "$concurrency" -H "Authorization: Bearer $token" "$1" |
    awk '/Requests\/sec/ {rps=$2} /99% in/ {p99=$3*1000} /\[200\]/ {ok=$2} END {printf "%.0f %.1f %s\n", rps, p99, ok}'
}
hey -z 3s -c "$concurrency" -H "Authorization: Bearer $token" "http://127.0.0.1:$port$path" >/dev/null # warm-up
hey -z 3s -c "$concurrency" -H "Authorization: Bearer $token" "http://127.0.0.1:5100$path" >/dev/null

echo "GET $path, $concurrency concurrent, ${seconds}s per round, $rounds rounds, $(nproc) cores shared by load generator, gateway and service"
printf '%-6s %-16s %-12s %-16s %-12s %-10s %s\n' round "direct req/s" "direct p99" "gateway req/s" "gateway p99" "ratio" "added p99"
for round in $(seq 1 "$rounds"); do
  read -r d_rps d_p99 _ < <(run "http://127.0.0.1:5100$path")
  read -r g_rps g_p99 _ < <(run "http://127.0.0.1:$port$path")
  printf '%-6s %-16s %-12s %-16s %-12s %-10.2f %.1f ms\n' "$round" "$d_rps" "${d_p99} ms" "$g_rps" "${g_p99} ms" \
    "$(echo "$g_rps / $d_rps" | bc -l)" "$(echo "$g_p99 - $d_p99" | bc -l)"
done
