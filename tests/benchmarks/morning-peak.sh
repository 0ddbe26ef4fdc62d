#!/usr/bin/env bash
# The morning peak replayed (not a test): 60,000 check-ins through the gateway compressed into 5 minutes (sin² shaped, peak
# at twice the mean), province dashboards (coverage and its regions, attendance, compliance by region; add the ranking with
# --dashboard ranking=/api/assessment/...) read by 4 readers meanwhile; prints p50/p99 per path and each service's resident
# memory before and at peak. Needs a running, seeded platform (./platform up; ./platform seed province for the real shape).
# Reads the ports from deploy/local/env.sh (export PLATFORM_GATEWAY_PORT etc. first). Writes .local/bench/morning-peak-*.md.
# Usage: tests/benchmarks/morning-peak.sh [--check-ins 60000] [--seconds 300] [--readers 4] [--scope 51] [--month yyyy-MM]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
# shellcheck source=../../deploy/local/env.sh
source deploy/local/env.sh
project=tests/benchmarks/Platform.MorningPeak
if ! build=$(dotnet build "$project/Platform.MorningPeak.csproj" -c Release -v q -nologo 2>&1); then
  echo "$build" >&2
  exit 1
fi

mkdir -p .local/bench
dotnet "$project/bin/Release/net10.0/Platform.MorningPeak.dll" \
  --gateway "http://127.0.0.1:$PLATFORM_GATEWAY_PORT" --key-file "$PLATFORM_KEY_FILE" --run-dir "$PLATFORM_RUN_DIR" "$@" |
  tee ".local/bench/morning-peak-$(date -u '+%Y%m%dT%H%M%SZ').md"
