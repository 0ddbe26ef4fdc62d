#!/usr/bin/env bash
# Region import benchmark: the province-scale file (about 45,000 villages, 48,700 rows) through the dispatch
# service's import endpoint (parse, validate every row, stage, cross-row checks, upsert, history and outbox rows),
# side by side with the baseline: psql \copy of the same file into a bare table with no checks at all.
# Reports rows/s of each and the ratio. Not a test: run it by hand, `tests/benchmarks/region-import.sh [runs]`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
runs=${1:-3}
# shellcheck source=../../deploy/local/env.sh
source deploy/local/env.sh

./platform up --infra-only >/dev/null
dotnet build deploy/tools/Platform.Cli/Platform.Cli.csproj -c Release -v q -nologo >/dev/null
dotnet build services/Dispatch.Api/Dispatch.Api.csproj -c Release -v q -nologo >/dev/null
cli=(dotnet deploy/tools/Platform.Cli/bin/Release/net10.0/Platform.Cli.dll)

work=.local/bench
mkdir -p "$work"
"${cli[@]}" generate --scale province --out "$work/province.csv" 2>/dev/null
rows=$(($(wc -l <"$work/province.csv") - 1))
pg="postgresql://$PLATFORM_PG_USER:$PLATFORM_PG_PASSWORD@$PLATFORM_PG_HOST:$PLATFORM_PG_PORT"
port=5190
key=$(cat "$PLATFORM_KEY_FILE")
service_pid=

cleanup() {
  [[ -n $service_pid ]] && kill "$service_pid" 2>/dev/null && wait "$service_pid" 2>/dev/null
  for db in bench_copy bench_dispatch; do psql -q "$pg/postgres" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" 2>/dev/null || true; done
}
trap cleanup EXIT

now() { date +%s.%N; }

echo "file: $rows rows ($(du -h "$work/province.csv" | cut -f1)), $runs run(s) each, fresh database per run"
printf '%-5s %-28s %-28s %s\n' run "baseline \\copy (rows/s)" "platform import (rows/s)" ratio
for run in $(seq 1 "$runs"); do
  cleanup
  service_pid=
  psql -q "$pg/postgres" -c "CREATE DATABASE bench_copy" -c "CREATE DATABASE bench_dispatch"

  psql -q "$pg/bench_copy" -c "CREATE TABLE raw (code text, name text, level text, parent text, category text, infra text, industry text, governance text, population text, poor text, lon text, lat text)"
  t0=$(now)
  psql -q "$pg/bench_copy" -c "\\copy raw FROM '$work/province.csv' WITH (FORMAT csv, HEADER true)"
  t1=$(now)
  copy_rate=$(echo "$rows / ($t1 - $t0)" | bc -l)

  (cd services/Dispatch.Api/bin/Release/net10.0 &&
    ASPNETCORE_ENVIRONMENT=Production Kestrel__Endpoints__Rest__Url="http://127.0.0.1:$port" \
    ConnectionStrings__Database="Host=$PLATFORM_PG_HOST;Port=$PLATFORM_PG_PORT;Database=bench_dispatch;Username=$PLATFORM_PG_USER;Password=$PLATFORM_PG_PASSWORD" \
    RabbitMq__Port="$PLATFORM_RABBITMQ_PORT" RabbitMq__Username="$PLATFORM_RABBITMQ_USER" RabbitMq__Password="$PLATFORM_RABBITMQ_PASSWORD" \
    RabbitMq__EndpointPrefix=bench Outbox__RelayEnabled=false Auth__SigningKey="$key" Logging__LogLevel__Default=Warning \
    exec dotnet Dispatch.Api.dll) >"$work/dispatch.log" 2>&1 &
  service_pid=$!
  for _ in $(seq 1 60); do curl -fs "http://127.0.0.1:$port/health/live" >/dev/null && break; sleep 0.5; done

  token=$("${cli[@]}" token --role province --scope 51 --key-file "$PLATFORM_KEY_FILE")
  t0=$(now)
  status=$(curl -s -o "$work/import.json" -w '%{http_code}' -X POST -H "Authorization: Bearer $token" \
    -H 'Content-Type: text/csv; charset=utf-8' --data-binary "@$work/province.csv" "http://127.0.0.1:$port/api/dispatch/regions/import")
  t1=$(now)
  [[ $status == 200 ]] || { echo "import failed ($status): $(cat "$work/import.json")" >&2; exit 1; }
  import_rate=$(echo "$rows / ($t1 - $t0)" | bc -l)
  printf '%-5s %-28.0f %-28.0f %.2f\n' "$run" "$copy_rate" "$import_rate" "$(echo "$import_rate / $copy_rate" | bc -l)"
  kill "$service_pid"; wait "$service_pid" 2>/dev/null || true; service_pid=
done
