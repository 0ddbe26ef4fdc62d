#!/usr/bin/env bash
# Assessment benchmark (not a test): scores one month for a province as in domain.md §8 (180 counties, about 4,000
# townships, 10,000 assisting units, 60,000 resident cadres, their attendance, gaps, overdue households and tasks) on a
# database of its own, beside the baseline of reading the same facts; times one county's explanation beside a
# primary-key read; reports peak memory. Goals (issue 15): full recompute <= 60 s, one explanation <= 200 ms.
# Needs PostgreSQL (./platform up --infra-only). Writes .local/bench/assessment-*.md. Usage: tests/benchmarks/assessment.sh [explanations]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
# shellcheck source=../../deploy/local/env.sh
source deploy/local/env.sh

project=tests/benchmarks/Platform.AssessmentBenchmark
if ! build=$(dotnet build "$project/Platform.AssessmentBenchmark.csproj" -c Release -v q -nologo 2>&1); then
  echo "$build" >&2
  exit 1
fi

mkdir -p .local/bench
stamp=$(date -u '+%Y%m%dT%H%M%SZ')
dotnet "$project/bin/Release/net10.0/Platform.AssessmentBenchmark.dll" \
  "Host=$PLATFORM_PG_HOST;Port=$PLATFORM_PG_PORT;Username=$PLATFORM_PG_USER;Password=$PLATFORM_PG_PASSWORD;Database=postgres" "${1:-200}" |
  tee ".local/bench/assessment-$stamp.md"
