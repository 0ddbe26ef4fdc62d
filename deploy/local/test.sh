# shellcheck shell=bash
# deploy/local/test.sh: `./platform test`: servers up, Debug build, every test, one summary.

# The Node.js packages some tests use: tests/interop (@grpc/grpc-js peers of the gRPC tests) and
# tests/k8s-schema (Kubernetes API schemas for the deploy tests).
PLATFORM_NPM_TEST_DIRS=(tests/interop tests/k8s-schema tests/openapi)

# npm ci in one of PLATFORM_NPM_TEST_DIRS when it has a package.json and node_modules is missing or
# older than the lock file (npm writes node_modules/.package-lock.json on every install).
prepare_npm_dir() {
  local rel=$1 dir="$PLATFORM_ROOT/$1"
  [[ -f $dir/package.json ]] || return 0
  command -v npm >/dev/null 2>&1 || die "$rel needs npm (Node.js), which is not installed"
  local lock="$dir/package-lock.json" stamp="$dir/node_modules/.package-lock.json"
  if [[ -f $stamp && (! -f $lock || ! $lock -nt $stamp) && ! $dir/package.json -nt $stamp ]]; then
    return 0
  fi
  local log="$PLATFORM_LOG_DIR/npm.log" npm_cmd=(npm ci --no-audit --no-fund)
  [[ -f $lock ]] || npm_cmd=(npm install --no-audit --no-fund)
  say "$rel: ${npm_cmd[*]}"
  if ! (cd "$dir" && "${npm_cmd[@]}") >"$log" 2>&1 9>&-; then
    show_log_tail "$log"
    die "${npm_cmd[*]} failed in $rel"
  fi
}

prepare_npm_dirs() {
  local rel
  for rel in "${PLATFORM_NPM_TEST_DIRS[@]}"; do prepare_npm_dir "$rel"; done
}

# Count UnitTestResult outcomes in one TRX file: prints "NAME PASSED FAILED SKIPPED".
# Outcomes other than Passed and Failed-like ones (NotExecuted = skipped, Inconclusive...) count
# as skipped. The project name comes from the test assembly path (codeBase) in the TRX.
trx_counts() {
  local trx=$1 name outcomes
  name=$(grep -o 'codeBase="[^"]*"' "$trx" | head -n 1 | sed -E 's/^codeBase="//; s/"$//; s#.*/##; s/\.dll$//' || true)
  [[ -n $name ]] || name=$(basename "$trx" .trx)
  outcomes=$(grep -o '<UnitTestResult [^>]*>' "$trx" | grep -o ' outcome="[A-Za-z]*"' | cut -d'"' -f2 || true)
  awk -v name="$name" '
    $1 == "Passed" { p++; next }
    $1 == "Failed" || $1 == "Error" || $1 == "Timeout" || $1 == "Aborted" { f++; next }
    NF { s++ }
    END { printf "%s %d %d %d\n", name, p, f, s }' <<<"$outcomes"
}

run_tests() {
  require_root test
  take_lock
  ensure_packages
  # The console's browser tests drive Debian's chromium (deploy/local/browser.sh).
  ensure_browser
  # A cluster only tests have used runs fast; one that ./platform up has used stays durable.
  pg_start "$(pg_test_durability)"
  pg_ensure_databases
  rabbit_start
  ensure_signing_key
  release_lock # the servers are up; the (long) test run need not block other commands

  local sln stamp results rc=0
  sln=$(solution_file)
  dotnet_build "$sln" Debug
  prepare_npm_dirs
  # The deploy tests render k8s/ with kubectl kustomize (kubectl ships with the machine image).
  command -v kubectl >/dev/null 2>&1 || warn "kubectl is not installed: the deploy tests that render k8s/ will fail"

  stamp=$(date -u '+%Y%m%dT%H%M%SZ')
  results="$PLATFORM_TEST_RESULTS/$stamp"
  mkdir -p "$results"
  say "running tests (TRX files in ${results#"$PLATFORM_ROOT"/})"
  # PLATFORM_PG_* and PLATFORM_RABBITMQ_* are exported by env.sh; tests read them.
  dotnet test "$sln" -c Debug --no-build --nologo --filter "Category!=Fault" \
    --logger "console;verbosity=normal" --logger trx --results-directory "$results" 9>&- || rc=$?
  # The fault tests last and alone (tests/Platform.FaultTests): they start private PostgreSQL and RabbitMQ servers
  # of their own (durability on), crash them and kill services, and time the recovery; the short version, about
  # a minute and a half (tests/fault/fault.sh runs the long one).
  say "running the fault tests (their own PostgreSQL and RabbitMQ, crashed and killed on purpose)"
  dotnet test "$PLATFORM_ROOT/tests/Platform.FaultTests" -c Debug --no-build --nologo --filter "Category=Fault" \
    --logger "console;verbosity=normal" --logger trx --results-directory "$results" 9>&- || rc=$?

  # Per project and total, from the TRX files rather than console text.
  local trx line name p f s total_p=0 total_f=0 total_s=0 found=0
  while IFS= read -r trx; do
    found=1
    line=$(trx_counts "$trx")
    read -r name p f s <<<"$line"
    # The fault tests' project in the first run, where the filter leaves it nothing to run.
    [[ $((p + f + s)) -gt 0 ]] || continue
    total_p=$((total_p + p))
    total_f=$((total_f + f))
    total_s=$((total_s + s))
    printf 'platform: %s: %d passed, %d failed, %d skipped\n' "$name" "$p" "$f" "$s"
  done < <(find "$results" -maxdepth 1 -name '*.trx' | sort)
  [[ $found -eq 1 ]] || warn "no TRX file was written (no test project, or dotnet test failed early)"
  if [[ $rc -ne 0 ]]; then
    warn "dotnet test exited with code $rc"
    # A fixture that fails on disposal (a host that answered a problem its OpenAPI document does not declare, say)
    # fails the run without failing a test: xUnit prints "[Test Class Cleanup Failure (...)]" above.
    [[ $total_f -gt 0 ]] || warn "no test failed: look above for 'Cleanup Failure' (a fixture's check on disposal failed)"
  fi

  if [[ $total_s -gt 0 ]]; then
    printf '%d passed, %d failed, %d skipped\n' "$total_p" "$total_f" "$total_s"
  else
    printf '%d passed, %d failed\n' "$total_p" "$total_f"
  fi
  if [[ $total_f -gt 0 || $rc -ne 0 ]]; then
    return 1
  fi
}
