#!/usr/bin/env bash
# Matcher benchmark: quality against the exact optimum (ReferenceSolver, every household against every helper of its
# county) on 10,000 households, then time and peak memory on a province (2 million households, 500,000 helpers), each
# beside a greedy baseline. Not a test: run it by hand. Writes .local/bench/matching-*.md.
# Usage: tests/benchmarks/matching.sh [quality|scale|both]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

project=tests/benchmarks/Platform.MatchingBenchmark
if ! build=$(dotnet build "$project/Platform.MatchingBenchmark.csproj" -c Release -v q -nologo 2>&1); then
  echo "$build" >&2
  exit 1
fi

mkdir -p .local/bench
stamp=$(date -u '+%Y%m%dT%H%M%SZ')
for mode in $([[ ${1:-both} == both ]] && echo "quality scale" || echo "$1"); do
  dotnet "$project/bin/Release/net10.0/Platform.MatchingBenchmark.dll" "$mode" | tee ".local/bench/matching-$mode-$stamp.md"
done
