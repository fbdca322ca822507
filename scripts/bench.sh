#!/usr/bin/env bash
# Benchmarks, kept out of the test suite: figures are printed, never asserted.
#   ./scripts/bench.sh signing   ES256 and SM2 verifications and countersignatures per second
#                                through rxsign, next to `openssl speed` measured in the same run
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
  *)
    echo "usage: $0 signing" >&2
    exit 2
    ;;
esac
