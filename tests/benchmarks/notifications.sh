#!/usr/bin/env bash
# Notification benchmark (not a test): a burst of 10,000 events (each its own outbox transaction) through the relay,
# RabbitMQ and the consumers to the in-app inbox and a signed webhook, beside raw inserts of the same rows and raw
# POSTs of the same bodies. Self-hosted: needs only PostgreSQL and RabbitMQ (the PLATFORM_* variables, as the tests).
# Usage: tests/benchmarks/notifications.sh [events]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
report="$(mktemp)"
NOTIFICATION_BENCHMARK=1 NOTIFICATION_BENCHMARK_EVENTS="${1:-10000}" NOTIFICATION_BENCHMARK_REPORT="$report" \
  dotnet test tests/Platform.IntegrationTests -c Release --filter "FullyQualifiedName~NotificationBenchmark" -v q -nologo >/dev/null
cat "$report"
rm -f "$report"
