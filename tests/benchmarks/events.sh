#!/usr/bin/env bash
# Events benchmark (not a test): outbox -> relay -> RabbitMQ -> pairing's idempotent consumer, with the service's own
# settings: one event alone, the throughput of a burst, change->effect p50/p99 at a fixed rate, and the outbox writer
# beside raw inserts; beside raw RabbitMQ.Client publish(confirm)+consume(ack) of the same number of messages of the
# same size and raw inserts of the consumer's rows, in the same run. Self-hosted: needs only PostgreSQL and RabbitMQ
# (the PLATFORM_* variables, as the tests).
# Usage: tests/benchmarks/events.sh [events] [rate] [seconds]   (defaults 20000, 1000, 10)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
# shellcheck source=../../deploy/local/env.sh
source deploy/local/env.sh
report="$(mktemp)"
EVENTS_BENCHMARK=1 EVENTS_BENCHMARK_EVENTS="${1:-20000}" EVENTS_BENCHMARK_RATE="${2:-1000}" EVENTS_BENCHMARK_SECONDS="${3:-10}" \
  EVENTS_BENCHMARK_REPORT="$report" \
  dotnet test tests/Platform.IntegrationTests -c Release --filter "FullyQualifiedName~EventsBenchmark" -v q -nologo >/dev/null
cat "$report"
rm -f "$report"
