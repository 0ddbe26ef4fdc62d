#!/usr/bin/env bash
# Province-scope reads and a province scoring run (not a test; issue 14's "each at most 1 s"): times the dashboard's
# reads with a province token through the gateway (the first request cold, then warm), then scores a month for the
# whole province through assessment's API (POST /api/assessment/scoring-runs, polled until it ends) and times the
# rankings it made. Needs a running platform in dev-key mode with the province seeded:
#   PLATFORM_AUTH_MODE=dev-key ./platform up && ./platform seed province
# Writes .local/bench/province-reads-*.md.
# Usage: tests/benchmarks/province-reads.sh [--repeat 5] [--month yyyy-MM] [--scope 51] [--no-scoring]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
# shellcheck source=../../deploy/local/env.sh
source deploy/local/env.sh

repeat=5 month=$(TZ=Asia/Shanghai date '+%Y-%m') scope=51 scoring=1
while (($#)); do
  case $1 in
    --repeat) repeat=$2; shift 2 ;;
    --month) month=$2; shift 2 ;;
    --scope) scope=$2; shift 2 ;;
    --no-scoring) scoring=0; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

gateway="http://127.0.0.1:$PLATFORM_GATEWAY_PORT"
token=$(PLATFORM_AUTH_MODE=dev-key ./platform token --role province --scope "$scope" | tail -1)
mkdir -p .local/bench
out=".local/bench/province-reads-$(date -u '+%Y%m%dT%H%M%SZ').md"

# time_reads NAME PATH: REPEAT requests, each "status:seconds"
time_reads() {
  local name=$1 path=$2 line="" i
  for ((i = 0; i < repeat; i++)); do
    line+=$(curl -s -o /dev/null -w '%{http_code}:%{time_total} ' -H "Authorization: Bearer $token" "$gateway$path")
  done
  printf '| %s | `%s` | %s|\n' "$name" "$path" "$line"
}

{
  echo "# Province reads, $(date -u '+%Y-%m-%d %H:%M UTC'), scope $scope, month $month, load average $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  echo "households: $(curl -s -H "Authorization: Bearer $token" "$gateway/api/pairing/compliance/regions?month=$month&prefix=$scope" | jq .households)"
  echo
  echo "| read | path | status:seconds, first cold |"
  echo "|---|---|---|"
  time_reads coverage "/api/dispatch/coverage?prefix=$scope"
  time_reads "coverage by region" "/api/dispatch/coverage/regions?prefix=$scope"
  time_reads attendance "/api/dispatch/attendance/monthly?month=$month&limit=50"
  time_reads "compliance by region" "/api/pairing/compliance/regions?month=$month&prefix=$scope"
  time_reads "compliance by county" "/api/pairing/compliance/regions?month=$month&prefix=$scope&level=county"
  time_reads "compliance, full report" "/api/pairing/compliance?month=$month&prefix=$scope&limit=50"

  if ((scoring)); then
    echo
    started=$(date +%s.%N)
    run=$(curl -s -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
      -d "{\"month\":\"$month\",\"prefix\":\"$scope\",\"reason\":\"province-reads benchmark\"}" "$gateway/api/assessment/scoring-runs")
    id=$(jq -r .id <<<"$run")
    if [[ $id == null ]]; then
      echo "scoring run refused: $run"
    else
      while :; do
        sleep 2
        run=$(curl -s -H "Authorization: Bearer $token" "$gateway/api/assessment/scoring-runs/$id")
        case $(jq -r .status <<<"$run") in queued | running) ;; *) break ;; esac
      done
      echo "scoring run $id: $(jq -c '{status, stage, subjects, newVersions, provisional, problemCode}' <<<"$run") in $(echo "$(date +%s.%N) - $started" | bc) s (polled every 2 s)"
      echo
      echo "| read | path | status:seconds, first cold |"
      echo "|---|---|---|"
      for kind in county township assisting_unit first_secretary work_team; do
        time_reads "ranking, $kind" "/api/assessment/rankings/$month/$kind?prefix=$scope"
      done
    fi
  fi
} | tee "$out"
