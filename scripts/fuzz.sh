#!/usr/bin/env bash
# Runs the libFuzzer targets of tests/fuzz (issue 16): installs what is missing (setup.sh),
# configures and builds build-fuzz/ with clang (-DRXFLOW_FUZZ=ON: ASan, UBSan, libFuzzer), then
# runs each target for the given seconds from a copy of its seed corpus (tests/fuzz/corpus/<t>/
# is never written), with its dictionary tests/fuzz/<t>.dict if there is one. Prints one line
# per target with its executions; a crash, leak, UB, time-out or broken invariant saves the
# input under build-fuzz/crashes/<t>/ and makes the exit non-zero.
#
#   ./scripts/fuzz.sh                  every target, 60 s each
#   ./scripts/fuzz.sh jcs 300          one target
#   ./scripts/fuzz.sh all 20           every target briefly (the CTest test)
#
# The targets are those tests/fuzz/CMakeLists.txt lists (build-fuzz/fuzz-targets.txt).
# RXFLOW_FUZZ_BUILD_DIR moves the build (default build-fuzz); RXFLOW_FUZZ_JOBS=2 runs two
# targets at a time (default 1; at most 2, as the machine is shared).
set -uo pipefail
cd "$(dirname "$0")/.."

which="${1:-all}"
seconds="${2:-60}"
[[ "$seconds" =~ ^[1-9][0-9]*$ ]] || { echo "fuzz: seconds must be a positive whole number, not '$seconds'" >&2; exit 2; }
build="${RXFLOW_FUZZ_BUILD_DIR:-build-fuzz}"
jobs="${RXFLOW_FUZZ_JOBS:-1}"
[[ "$jobs" == 1 || "$jobs" == 2 ]] || { echo "fuzz: RXFLOW_FUZZ_JOBS must be 1 or 2, not '$jobs'" >&2; exit 2; }

./scripts/setup.sh >/dev/null || { echo "fuzz: setup.sh failed" >&2; exit 1; }

started=$SECONDS
mkdir -p "$build"
if ! CC=clang CXX=clang++ cmake -S . -B "$build" -DRXFLOW_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    >"$build/configure.log" 2>&1; then
  tail -30 "$build/configure.log"; echo "fuzz: configure failed" >&2; exit 1
fi
if ! cmake --build "$build" -j2 >"$build/build.log" 2>&1; then
  grep -E "error|Error" "$build/build.log" | head -40; echo "fuzz: build failed" >&2; exit 1
fi
echo "fuzz: built $build in $((SECONDS - started)) s"

mapfile -t all <"$build/fuzz-targets.txt"
if [[ "$which" == all ]]; then
  targets=("${all[@]}")
elif printf '%s\n' "${all[@]}" | grep -qxF -- "$which"; then
  targets=("$which")
else
  echo "fuzz: unknown target '$which' (targets: ${all[*]}, or all)" >&2; exit 2
fi

# A leak is reported at exit of the input that caused it; UB aborts at once.
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:symbolize=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"

# Runs one target; its report (first line "ok" or "failed") goes to $build/fuzz-<t>.result.
run_target() {
  local t="$1"
  local corpus="$build/corpus/$t" crashes="$build/crashes/$t" log="$build/fuzz-$t.log" result="$build/fuzz-$t.result"
  rm -rf "$corpus"
  mkdir -p "$corpus" "$crashes"
  [[ -d tests/fuzz/corpus/$t ]] && cp tests/fuzz/corpus/"$t"/* "$corpus"/
  local stamp="$crashes/.started"  # inputs newer than this are this run's; earlier runs' stay for a look
  touch "$stamp"
  local dict=()
  [[ -f tests/fuzz/$t.dict ]] && dict=(-dict="tests/fuzz/$t.dict")
  local rc=0
  # -timeout: an input taking 10 s is a finding too.
  "$build/tests/fuzz/${t}_fuzz" "$corpus" -max_total_time="$seconds" -print_final_stats=1 -timeout=10 \
    -artifact_prefix="$crashes/" "${dict[@]}" >"$log" 2>&1 || rc=$?
  local execs found
  execs=$(grep -aE '^stat::number_of_executed_units:' "$log" | tail -1 | awk '{print $2}')
  found=$(find "$crashes" -type f -newer "$stamp" -printf '%f ' 2>/dev/null)
  if ((rc != 0)) || [[ -n "$found" ]]; then
    {
      echo failed
      echo "fuzz: $t: FAILED after ${execs:-?} executions (exit $rc); saved: ${found:-nothing }in $crashes/; log $log"
      grep -aE 'ERROR: |runtime error|broken invariant|terminate called|what\(\)|Test unit written|error in line' "$log" \
        | head -8 | sed 's/^/    /'
    } >"$result"
  else
    printf 'ok\nfuzz: %s: %s executions in %s s, no crash\n' "$t" "${execs:-?}" "$seconds" >"$result"
  fi
}

for t in "${targets[@]}"; do
  rm -f "$build/fuzz-$t.result"
  while (($(jobs -rp | wc -l) >= jobs)); do wait -n; done
  run_target "$t" &
done
wait

failed=0
for t in "${targets[@]}"; do
  result="$build/fuzz-$t.result"
  if [[ ! -f "$result" ]]; then
    echo "fuzz: $t: FAILED: no result"; failed=1; continue
  fi
  [[ "$(head -1 "$result")" == ok ]] || failed=1
  tail -n +2 "$result"
done
exit "$failed"
