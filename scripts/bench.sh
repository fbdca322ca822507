#!/usr/bin/env bash
# Benchmarks, kept out of the test suite: figures are printed, never asserted.
#   ./scripts/bench.sh signing   ES256 and SM2 verifications and countersignatures per second
#                                through rxsign, next to `openssl speed` measured in the same run
#   ./scripts/bench.sh audit     state-change throughput (accept, review, payment, dispense) with
#                                the audit trail's hash links, and with the same code built
#                                without them, alternating runs; prints the cost of the links
#   ./scripts/bench.sh issue|lifecycle|read|all [--db sqlite|mysql]
#                                wrk (scripts/bench/*.lua) against a Release rxflow with a fresh,
#                                seeded database: issuing pre-signed ES256 prescriptions, the
#                                lifecycle (route, accept, review, pay, dispense), whole reads;
#                                next to the bare-HTTP ceiling (bench_bare_http, same server
#                                settings) and `openssl speed` ES256, all in the same run.
#                                RXFLOW_BENCH_SECONDS (10), RXFLOW_BENCH_CONNECTIONS (64),
#                                RXFLOW_BENCH_WRK_THREADS (2) change the load;
#                                RXFLOW_BENCH_ISSUE_N (50000), RXFLOW_BENCH_LIFECYCLE_N (12000),
#                                RXFLOW_BENCH_READ_N (2000) the prescriptions prepared. The store's
#                                side is worked by a pharmacist's session (RXFLOW_BENCH_STORE_AS=token:
#                                the chain's token).
#   ./scripts/bench.sh reconcile [N]
#                                对账 of N (default 1,000,000) platform payments (SQLite) against
#                                an N-line CSV statement: time and peak memory of the reconciling
#                                process (generating the data is a separate process)
#   ./scripts/bench.sh crowd     a normal client's 1,000 requests (latency p50/p99/max) while
#                                500 slow-header connections from 50 loopback addresses, 500
#                                idle keep-alive connections, or 120 slow bodies are open
#                                (tests/adversarial/transport_test.py, Release rxflow)
#   ./scripts/bench.sh workbench [N]
#                                a pharmacist's queue of N (500) open orders rendered in headless
#                                Chromium (tests/browser/workbench_bench.py, Release rxflow)
#   RXFLOW_BENCH_BUILD=DIR        use an already configured build directory instead of
#                                build-release (the suite runs a short `all` in its own build)
set -euo pipefail
cd "$(dirname "$0")/.."
what="${1:-signing}"
./scripts/setup.sh >/dev/null
release="${RXFLOW_BENCH_BUILD:-build-release}"
[[ -n "${RXFLOW_BENCH_BUILD:-}" ]] || cmake -S . -B build-release -DCMAKE_BUILD_TYPE=Release >/dev/null
case "$what" in
  signing)
    cmake --build "$release" -j2 --target bench_signing >/dev/null
    "$release"/bench_signing
    ;;
  audit)
    cmake -S . -B build-release-nolinks -DCMAKE_BUILD_TYPE=Release -DRXFLOW_BENCH_AUDIT_WITHOUT_LINKS=ON >/dev/null
    cmake --build build-release -j2 --target rxflow bench_lifecycle >/dev/null
    cmake --build build-release-nolinks -j2 --target rxflow bench_lifecycle >/dev/null
    for round in 1 2 3; do
      for variant in release release-nolinks; do
        printf '%-16s round %s: ' "$variant" "$round"
        ./build-$variant/tests/bench_lifecycle --no-version=true --no-intro=true --minimal=true | grep lifecycle
      done
    done
    ;;
  issue|lifecycle|read|all)
    backend=sqlite
    [[ "${2:-}" == "--db" && -n "${3:-}" ]] && backend="$3"
    cmake --build "$release" -j2 --target rxflow bench_http bench_bare_http >/dev/null
    if [[ "$backend" == "mysql" ]]; then
      ./scripts/mysql.sh start >/dev/null
      trap './scripts/mysql.sh stop >/dev/null 2>&1' EXIT
      RXFLOW_TEST_MYSQL_URL="$(./scripts/mysql.sh url)"
      export RXFLOW_TEST_MYSQL_URL
    fi
    RXFLOW_BENCH_SCENARIO="$what" "$release"/tests/bench_http --backend="$backend" \
      --no-version=true --no-intro=true --minimal=true
    ;;
  workbench)
    cmake --build "$release" -j2 --target rxflow rxsign-tool >/dev/null
    /usr/bin/python3 tests/browser/workbench_bench.py "$release/rxflow" "$release/rxsign-tool" "${2:-500}"
    ;;
  crowd)
    cmake --build "$release" -j2 --target rxflow >/dev/null
    for case in slow_headers idle_keepalive slow_bodies; do
      python3 tests/adversarial/transport_test.py "$release/rxflow" "$case" --figures | grep -E 'requests, p50|FAIL'
    done
    ;;
  reconcile)
    n="${2:-1000000}"
    cmake --build build-release -j2 --target reconcile_bench >/dev/null
    dir="build-release/reconcile-data"
    rm -rf "$dir" && mkdir -p "$dir"
    /usr/bin/time -f "generate: %e s, peak %M KiB" ./build-release/tests/reconcile_bench generate "$dir" "$n"
    ./build-release/tests/reconcile_bench run "$dir"
    ;;
  *)
    echo "usage: $0 signing|audit|reconcile|crowd|workbench|issue|lifecycle|read|all [--db sqlite|mysql]" >&2
    exit 2
    ;;
esac
