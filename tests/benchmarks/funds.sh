#!/usr/bin/env bash
# Disbursement benchmark (not a test): a disbursement (request + approval + payment) through the real gateway to the
# funds service on sockets, the same three calls straight to the service, and raw inserts of the same rows (the paid
# disbursement, its ledger entry and two lines with the balance triggers, the outbox row) in one transaction each, side
# by side in one process, closed loops of the same concurrency; the ratios and GET /ledger/check after the run.
# Self-hosted: needs only PostgreSQL and RabbitMQ (the PLATFORM_* variables, as the tests), e.g. ./platform up --infra-only.
# Usage: tests/benchmarks/funds.sh [seconds] [concurrency] [rounds]   (defaults 10, 32, 2)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
# shellcheck source=../../deploy/local/env.sh
source deploy/local/env.sh
report="$(mktemp)"
FUNDS_BENCHMARK=1 FUNDS_BENCHMARK_SECONDS="${1:-10}" FUNDS_BENCHMARK_CONCURRENCY="${2:-32}" FUNDS_BENCHMARK_ROUNDS="${3:-2}" \
  FUNDS_BENCHMARK_REPORT="$report" \
  dotnet test tests/Platform.IntegrationTests -c Release --filter "FullyQualifiedName~DisbursementBenchmark" -v q -nologo >/dev/null
cat "$report"
rm -f "$report"
