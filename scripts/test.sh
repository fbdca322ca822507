#!/usr/bin/env bash
# The one test command: installs what is missing, builds, starts a throwaway MariaDB, runs
# every suite through CTest (unit, API on SQLite, API on MariaDB, MariaDB reader), stops
# MariaDB (also on failure) and ends with the line "N passed, N failed".
#
#   ./scripts/test.sh                  RelWithDebInfo build in build/
#   RXFLOW_SANITIZE=1 ./scripts/test.sh  AddressSanitizer + UBSan build in build-asan/
#   ./scripts/test.sh -R unit          extra arguments go to ctest
set -uo pipefail
cd "$(dirname "$0")/.."

./scripts/setup.sh || { echo "0 passed, 1 failed"; exit 1; }

if [[ -n "${RXFLOW_SANITIZE:-}" ]]; then
  build="${RXFLOW_BUILD_DIR:-build-asan}"
  cmake_args=(-DCMAKE_BUILD_TYPE=Debug -DRXFLOW_SANITIZE=ON)
  export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1" UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
else
  build="${RXFLOW_BUILD_DIR:-build}"
  cmake_args=(-DCMAKE_BUILD_TYPE=RelWithDebInfo)
fi
export RXFLOW_BUILD_DIR="$build"

mkdir -p "$build"
if ! cmake -S . -B "$build" "${cmake_args[@]}" >"$build/configure.log" 2>&1; then
  tail -30 "$build/configure.log"; echo "0 passed, 1 failed"; exit 1
fi
if ! cmake --build "$build" -j2 >"$build/build.log" 2>&1; then
  grep -E "error|Error" "$build/build.log" | head -40; echo "0 passed, 1 failed"; exit 1
fi
echo "build: $(grep -c 'warning:' "$build/build.log") warnings ($build)"

./scripts/mysql.sh start >/dev/null || { echo "MariaDB did not start"; echo "0 passed, 1 failed"; exit 1; }
trap './scripts/mysql.sh stop >/dev/null 2>&1' EXIT
RXFLOW_TEST_MYSQL_URL="$(./scripts/mysql.sh url)"
export RXFLOW_TEST_MYSQL_URL

# Each API case starts its own server process on a free port with its own data dir and
# database, so cases run in parallel; they mostly wait on I/O, hence more jobs than cores.
ctest --test-dir "$build" -j"${RXFLOW_TEST_JOBS:-4}" --output-on-failure --timeout 300 "$@" \
  2>&1 | tee "$build/ctest.log"
rc=${PIPESTATUS[0]}

summary=$(grep -E "tests passed, [0-9]+ tests failed out of [0-9]+" "$build/ctest.log" | tail -1)
if [[ -z "$summary" ]]; then
  echo "0 passed, 1 failed"
  exit 1
fi
failed=$(sed -E 's/.*passed, ([0-9]+) tests failed out of ([0-9]+).*/\1/' <<<"$summary")
total=$(sed -E 's/.*failed out of ([0-9]+).*/\1/' <<<"$summary")
echo "$((total - failed)) passed, $failed failed"
[[ $rc -eq 0 && $failed -eq 0 ]]
