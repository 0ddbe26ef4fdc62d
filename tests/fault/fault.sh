#!/usr/bin/env bash
# tests/fault/fault.sh: the long fault test. A stream of village category changes through dispatch (REST, outbox)
# to pairing (inbox), both real processes on private PostgreSQL servers (durability on) and a private RabbitMQ
# node that the test starts on free loopback ports under the temporary folder, while the broker is killed with
# SIGKILL, PostgreSQL crashes (immediate stop) and the consumer is killed with SIGKILL, round after round. It
# counts per event id: lost, duplicated, without an event, acknowledged and lost; and the time to drain.
# Nothing else on the machine is touched (not ./platform's servers either). `./platform test` runs a short one.
#
#   tests/fault/fault.sh [--cluster | --restart | --drain] [--events N] [--rounds N] [--rate N] [--no-durability] [--keep]
#
#   --cluster         instead: three RabbitMQ nodes on free loopback ports joined into one cluster (quorum queues
#                     on all three; the services get the three addresses), and each round kills the node leading
#                     pairing's queue with SIGKILL and starts it again 8 s later (issue 21)
#   --restart         instead: each round stops dispatch, pairing, funds and notification, one after another, with
#                     SIGTERM under the stream and starts them again (a rolling update): no accepted request may fail;
#                     then the same for the gateway in front of dispatch
#   --drain           instead: identity (issuing tokens) and assessment (answering reads) each stopped with SIGTERM
#                     under requests and started again; every token identity issued must reach its client
#   --events N        changes to stream (default 3000)
#   --rounds N        rounds of the three faults (default 3)
#   --rate N          changes a second the clients aim at (default 50)
#   --no-durability   run PostgreSQL with the old development settings (fsync, synchronous_commit and
#                     full_page_writes off), to see what they lose; the test is expected to fail
#   --keep            keep the servers' data and the services' logs (the folder is printed)
# Needs root (PostgreSQL runs as the postgres user), the Debian packages ./platform installs, and about
# events / rate + 40 s per round.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
# shellcheck source=deploy/local/env.sh
source deploy/local/env.sh
# shellcheck source=deploy/local/common.sh
source deploy/local/common.sh

events=3000 rounds=3 rate=50 test=Platform.FaultTests.FaultTests
while [[ $# -gt 0 ]]; do
  case $1 in
    --cluster) test=Platform.FaultTests.ClusterNodeLossTests; shift ;;
    --restart) test=Platform.FaultTests.RollingRestartTests; shift ;;
    --drain) test=Platform.FaultTests.RequestDrainTests; shift ;;
    --events) events=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --rate) rate=$2; shift 2 ;;
    --no-durability) export PLATFORM_FAULT_DURABILITY=off; shift ;;
    --keep) export PLATFORM_FAULT_KEEP=1; shift ;;
    -h | --help) sed -n '2,26p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option '$1' (see --help)" ;;
  esac
done
[[ $events =~ ^[0-9]+$ && $rounds =~ ^[0-9]+$ && $rate =~ ^[0-9]+$ ]] || die "--events, --rounds and --rate take whole numbers"

require_root fault.sh
ensure_local_dirs
ensure_packages
mkdir -p "$PLATFORM_LOCAL/fault"
report="$PLATFORM_LOCAL/fault/report-$(date -u '+%Y%m%dT%H%M%SZ').txt"
export PLATFORM_FAULT_EVENTS=$events PLATFORM_FAULT_ROUNDS=$rounds PLATFORM_FAULT_RATE=$rate
export PLATFORM_FAULT_CLUSTER_EVENTS=$events PLATFORM_FAULT_CLUSTER_RATE=$rate PLATFORM_FAULT_RESTART_EVENTS=$events PLATFORM_FAULT_RESTART_RATE=$rate
export PLATFORM_FAULT_DRAIN_TIMEOUT=${PLATFORM_FAULT_DRAIN_TIMEOUT:-300} PLATFORM_FAULT_REPORT=$report

say "building the services and the fault tests (Release); full output in .local/logs/fault-build.log"
dotnet build tests/Platform.FaultTests -c Release -nologo -v minimal >"$PLATFORM_LOG_DIR/fault-build.log" 2>&1 ||
  { show_log_tail "$PLATFORM_LOG_DIR/fault-build.log" 40; die "build failed"; }
say "streaming $events changes at about $rate/s through $rounds round(s) of faults"
rc=0
dotnet test tests/Platform.FaultTests -c Release --no-build --nologo \
  --filter "FullyQualifiedName~$test." --logger "console;verbosity=detailed" || rc=$?
if [[ -f $report ]]; then
  printf '\n'
  cat "$report"
  say "report kept in ${report#"$PLATFORM_ROOT"/}"
fi
exit "$rc"
