#!/usr/bin/env bash
# Check-in benchmark (not a test): sustained check-ins/s through the gateway beside raw single-row Npgsql inserts of
# the same row, latency at a fixed 1,000/s both ways, and the coverage query of the whole province.
# Needs a running, seeded platform: ./platform up && ./platform seed province. Usage: tests/benchmarks/check-ins.sh [--seconds N]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
# shellcheck source=../../deploy/local/env.sh
source deploy/local/env.sh
dotnet build tests/benchmarks/Platform.LoadTests/Platform.LoadTests.csproj -c Release -v q -nologo >/dev/null
exec dotnet tests/benchmarks/Platform.LoadTests/bin/Release/net10.0/Platform.LoadTests.dll \
  --gateway "http://127.0.0.1:$PLATFORM_GATEWAY_PORT" --key-file "$PLATFORM_KEY_FILE" \
  --pg "Host=$PLATFORM_PG_HOST;Port=$PLATFORM_PG_PORT;Database=dispatch;Username=$PLATFORM_PG_USER;Password=$PLATFORM_PG_PASSWORD;Maximum Pool Size=64" "$@"
