#!/usr/bin/env bash
# gRPC unary benchmark: round trips per second, p50/p99, CPU and allocations per call of interop.v1.Probe/Echo served by
# Grpc.AspNetCore hosted as the services host it (AddPlatformGrpcServer), side by side with a bare Kestrel HTTP/2
# endpoint echoing the same bytes and with a @grpc/grpc-js server, all driven by the same plain HttpClient; plus a unary
# call between two services: the generated client registered through AddPlatformGrpcClient (Grpc.Net.Client,
# Grpc.Net.ClientFactory) against the Grpc.AspNetCore server, and against the grpc-js server.
# Rounds are interleaved so drift hits every target alike; prints medians and ratios (beside the old hand-written
# layer's) and writes .local/bench/grpc-*.md.
# Not a test: run it by hand. Needs .NET 10 and Node.js (npm ci is run in tests/interop when needed).
# Usage: tests/benchmarks/grpc-benchmark.sh [--concurrency N] [--duration S] [--warmup S] [--rounds R] [--payload BYTES]
#                                           [--no-service-defaults]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

project=tests/benchmarks/Platform.Benchmarks
if ! build=$(dotnet build "$project/Platform.Benchmarks.csproj" -c Release -v q -nologo 2>&1); then
  echo "$build" >&2
  exit 1
fi
[[ -d tests/interop/node_modules/@grpc/grpc-js ]] || (cd tests/interop && npm ci --no-audit --no-fund)

exec dotnet "$project/bin/Release/net10.0/Platform.Benchmarks.dll" "$@"
