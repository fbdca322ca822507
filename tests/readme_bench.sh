#!/usr/bin/env bash
# The README's speed commands (`./scripts/bench.sh all`, `crowd`, `workbench`), run short in the suite's own build: each
# must run to its end and print a rate for the ceiling and every scenario. Figures are never
# asserted here (scripts/bench.sh is where speed is shown).   tests/readme_bench.sh BUILD_DIR
set -uo pipefail
cd "$(dirname "$0")/.."
build=$1
fail() { echo "FAIL: $*"; exit 1; }
grep -q '^`./scripts/bench.sh all`' README.md || fail "README.md no longer shows ./scripts/bench.sh all"
out=$(RXFLOW_BENCH_BUILD="$build" RXFLOW_BENCH_SECONDS=1 RXFLOW_BENCH_CONNECTIONS=4 RXFLOW_BENCH_ISSUE_N=300 \
      RXFLOW_BENCH_LIFECYCLE_N=100 RXFLOW_BENCH_READ_N=50 RXFLOW_MAX_THREADS=8 timeout 600 ./scripts/bench.sh all 2>&1)
rc=$?
echo "$out"
[[ $rc -eq 0 ]] || fail "bench.sh all exited $rc"
for scenario in bare-http issue lifecycle read; do
  rate=$(awk -v s="$scenario" '$1 == s { print $2 }' <<<"$out")
  [[ "$rate" =~ ^[0-9]+$ && "$rate" -gt 0 ]] || fail "no rate for $scenario"
done
grep -qE '^openssl speed ES256, one core: sign [1-9][0-9]*/s, verify [1-9][0-9]*/s' <<<"$out" || fail "no openssl speed line"
echo "bench.sh all: ran, every scenario printed a rate"

grep -q '^`./scripts/bench.sh crowd`' README.md || fail "README.md no longer shows ./scripts/bench.sh crowd"
out=$(RXFLOW_BENCH_BUILD="$build" timeout 600 ./scripts/bench.sh crowd 2>&1)
rc=$?
echo "$out"
[[ $rc -eq 0 ]] || fail "bench.sh crowd exited $rc"
[[ $(grep -c 'requests, p50 .* p99 .* max' <<<"$out") -eq 3 ]] || fail "bench.sh crowd did not print three latency lines"
! grep -q FAIL <<<"$out" || fail "bench.sh crowd: a normal client's request failed"
echo "bench.sh crowd: ran, three latency lines"

grep -q '^`./scripts/bench.sh workbench`' README.md || fail "README.md no longer shows ./scripts/bench.sh workbench"
out=$(RXFLOW_BENCH_BUILD="$build" timeout 600 ./scripts/bench.sh workbench 20 2>&1)
rc=$?
echo "$out" | grep -v Information
[[ $rc -eq 0 ]] || fail "bench.sh workbench exited $rc"
grep -qE '^workbench: 20 open orders rendered in [0-9]+ ms' <<<"$out" || fail "bench.sh workbench printed no figure"
echo "bench.sh workbench: ran, printed its figure"
