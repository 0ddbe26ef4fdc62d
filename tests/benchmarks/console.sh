#!/usr/bin/env bash
# Console benchmark (not a test): against the running platform (./platform up, console included), an official of the
# demo county signs in through the gateway in Debian's headless chromium (Playwright) and the dashboard's first render is
# timed SAMPLES times, a fresh browser context each: from the navigation's start to the cards' numbers visible (whether
# the server rendered them or the circuit), to interactive (the circuit up, no card still loading) and to the load
# event; beside it, in the same run and context, the baseline of the identity service's sign-in page (navigation to its
# form shown). Printed: median and p95 of each, the ratio of the medians to the baseline's and
# issue 19's goal (first page <= 1 s for a county official with the county demo data, <= 2 s for the province's
# dashboard). The benchmark signs in with accounts of its own (bench-county, bench-province; created or reset through the
# admin API each run), so the demo accounts' printed passwords keep working.
# Writes .local/bench/console-*.md. Usage: tests/benchmarks/console.sh [samples] [county|province] [--screenshot]
#   --screenshot also writes docs/images/console-dashboard.png (the dashboard at 1440x900, for the README).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
samples=${1:-20}
role=${2:-county}
screenshot=()
[[ ${3:-} == --screenshot ]] && screenshot=(--screenshot docs/images/console-dashboard.png)
# shellcheck source=../../deploy/local/env.sh
source deploy/local/env.sh

[[ -x /usr/bin/chromium ]] || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium chromium-l10n fonts-noto-cjk >/dev/null; }
gateway="http://127.0.0.1:$PLATFORM_GATEWAY_PORT"
[[ $(curl -s -o /dev/null -w '%{http_code}' "$gateway/") == 302 ]] ||
  { echo "the console does not answer through the gateway at $gateway/ (a sign-in redirect): ./platform up first" >&2; exit 1; }

project=tests/benchmarks/Platform.ConsoleBenchmark
if ! build=$(dotnet build "$project/Platform.ConsoleBenchmark.csproj" -c Release -v q -nologo 2>&1); then
  echo "$build" >&2
  exit 1
fi

mkdir -p .local/bench
stamp=$(date -u '+%Y%m%dT%H%M%SZ')
dotnet "$project/bin/Release/net10.0/Platform.ConsoleBenchmark.dll" \
  --gateway "$gateway" --identity "$PLATFORM_IDENTITY_ISSUER" --admin-token "$(./platform token --role province --grant nationwide)" \
  --role "$role" --samples "$samples" "${screenshot[@]}" | tee ".local/bench/console-$role-$stamp.md"
