#!/usr/bin/env bash
# Benchmarks, kept out of the test suite: figures are printed, never asserted.
#   ./scripts/bench.sh signing   ES256 and SM2 verifications and countersignatures per second
#                                through rxsign, next to `openssl speed` measured in the same run
#   ./scripts/bench.sh audit     state-change throughput (accept, review, payment, dispense) with
#                                the audit trail's hash links, and with the same code built
#                                without them, alternating runs; prints the cost of the links
#   ./scripts/bench.sh reconcile [N]
#                                对账 of N (default 1,000,000) platform payments (SQLite) against
#                                an N-line CSV statement: time and peak memory of the reconciling
#                                process (generating the data is a separate process)
set -euo pipefail
cd "$(dirname "$0")/.."
what="${1:-signing}"
./scripts/setup.sh >/dev/null
cmake -S . -B build-release -DCMAKE_BUILD_TYPE=Release >/dev/null
case "$what" in
  signing)
    cmake --build build-release -j2 --target bench_signing >/dev/null
    ./build-release/bench_signing
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
  reconcile)
    n="${2:-1000000}"
    cmake --build build-release -j2 --target reconcile_bench >/dev/null
    dir="build-release/reconcile-data"
    rm -rf "$dir" && mkdir -p "$dir"
    /usr/bin/time -f "generate: %e s, peak %M KiB" ./build-release/tests/reconcile_bench generate "$dir" "$n"
    ./build-release/tests/reconcile_bench run "$dir"
    ;;
  *)
    echo "usage: $0 signing|audit|reconcile" >&2
    exit 2
    ;;
esac
