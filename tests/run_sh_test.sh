#!/usr/bin/env bash
# The README's first command, run as a newcomer would, on free loopback ports in its own demo
# directory (so it runs beside a demo already started by hand):
#   tests/run_sh_test.sh run  BUILD_DIR DEMO_DIR   ./scripts/run.sh to its end, then the "try" line
#   tests/run_sh_test.sh stop BUILD_DIR DEMO_DIR   ./scripts/run.sh stop, then no demo process is left
set -uo pipefail
cd "$(dirname "$0")/.."
mode=$1 build=$2 demo=$3
fail() { echo "FAIL: $*"; exit 1; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

if [[ "$mode" == run ]]; then
  port=$(free_port); simport=$(free_port)
  [[ "$port" != "$simport" ]] || simport=$(free_port)
  rm -rf "$demo"
  log=$(mktemp)
  RXFLOW_PORT=$port RXFLOW_SIM_PORT=$simport RXFLOW_DEMO_DIR="$demo" RXFLOW_DEMO_BUILD="$build" \
    timeout 600 ./scripts/run.sh >"$log" 2>&1
  rc=$?
  cat "$log"
  [[ $rc -eq 0 ]] || fail "run.sh exited $rc"
  expect() { grep -qE "$1" "$log" || fail "run.sh did not print: $2"; }
  expect '^POST +/v1/prescriptions/rx_[A-Za-z0-9]+/dispense +-> 200 \(dispensed\)$' "the pickup prescription dispensed"
  expect '^POST +/v1/deliveries/dl_[A-Za-z0-9]+/events +-> 200 \(delivered\)$' "the delivery delivered"
  expect '^OK rx_[A-Za-z0-9]+ rxNo=DEMO-P-' "rxflow verify OK"
  expect '^POST +/v1/reconciliation/runs\?date=[0-9-]+&region=330200 +-> 201 matched 1, .*discrepancies: missing_in_platform$' "the 对账 line"
  expect '^--- ready$' "--- ready"
  expect '^review 1: approve by pharmacist YS33020001 \(王药师\), ES256 signature verifies$' "the signed review verified offline"
  expect '^  on record: accept by 李店员, approve by 王药师, dispense by 李店员' "the people on record for each step"
  # every step's answer shows its state: accept, review and each delivery event
  pickup=$(sed -nE 's/^  (rx_[A-Za-z0-9]+) at store S001, pickup code [0-9]{6} .*/\1/p' "$log")
  [[ -n "$pickup" ]] || fail "the pickup prescription's id and code were not printed"
  expect "^POST +/v1/prescriptions/$pickup/accept +-> 200 \(accepted\)$" "the pickup's accept and its state"
  expect "^POST +/v1/prescriptions/$pickup/review +-> 200 \(approved\)$" "the pickup's review and its state"
  expect "^POST +/v1/prescriptions/$pickup/dispense +-> 200 \(dispensed\)$" "the pickup's dispense and its state"
  # the other endings: active at issue, a clinical rejection, a cancel, a failed delivery
  expect '^POST +/v1/prescriptions +-> 201 \(active\)$' "a prescription issued without a store (active)"
  expect '^POST +/v1/prescriptions/rx_[A-Za-z0-9]+/review +-> 200 \(rejected\)$' "the clinical rejection"
  expect '^POST +/v1/prescriptions/rx_[A-Za-z0-9]+/cancel +-> 200 \(cancelled\)$' "the clinic's cancel"
  expect '^POST +/v1/deliveries/dl_[A-Za-z0-9]+/events +-> 200 \(delivery_failed\)$' "the failed delivery"
  # the workbench's address and a login of each kind, as printed: each logs in as that kind
  web=$(sed -nE 's#^workbench: (http://127\.0\.0\.1:[0-9]+/) .*#\1#p' "$log")
  [[ "$web" == "http://127.0.0.1:$port/" ]] || fail "the workbench's address was not printed: $web"
  curl -sf "$web" | grep -q '<script src="/web/app.js"' || fail "the workbench is not served at $web"
  logins=$(sed -n '/^logins /,/^try:/p' "$log" | grep -oE '(pharmacist|clerk|rider|bureau|operator|doctor) [a-z.]+')
  for kind in pharmacist clerk rider bureau operator doctor; do
    grep -q "^$kind " <<<"$logins" || fail "run.sh printed no $kind login"
  done
  password=$(sed -n 's/^STAFF_PASSWORD=//p' "$demo/tokens.env")
  while read -r kind login; do
    got=$(curl -sf -X POST "127.0.0.1:$port/v1/sessions" -H 'Content-Type: application/json' \
          -d "{\"login\":\"$login\",\"password\":\"$password\"}" | jq -r .staff.kind) || fail "$login does not log in"
    [[ "$got" == "$kind" ]] || fail "$login logs in as $got, not $kind"
  done <<<"$logins"
  # the "try" line, as printed
  try=$(sed -nE 's/^try: +//p' "$log")
  [[ -n "$try" ]] || fail "no try line"
  out=$(cd "$PWD" && bash -c "$try") || fail "the try line failed: $try"
  [[ $(jq -r .code <<<"$out") == XC08CAA001 ]] || fail "the try line did not show the drug: $out"
  # every command of README.md's "Try it" sh blocks, with this demo's ports and directory
  readme=$(mktemp)
  awk '/^## Try it/{on=1} /^## Layout/{on=0} on && /^```sh$/{b=1; next} on && b && /^```$/{b=0; next} on && b' README.md \
    | sed -e "s#127.0.0.1:8080#127.0.0.1:$port#g" -e "s#127.0.0.1:8081#127.0.0.1:$simport#g" -e "s#build/demo/#$demo/#g" \
          -e "s#\./build/#$build/#g" >"$readme"
  [[ $(wc -l <"$readme") -ge 10 ]] || fail "README.md's Try it blocks were not found"
  n=0
  while IFS= read -r cmd; do
    n=$((n + 1))
    echo "readme \$ $cmd"
    out=$(bash -c "set -eo pipefail; source $demo/tokens.env; $cmd" 2>&1) || fail "README command failed: $cmd
$out"
    [[ -n "$out" || "$cmd" == source* ]] || fail "README command printed nothing: $cmd"
    head -c 300 <<<"$out"; echo
  done <"$readme"
  echo "run.sh: all steps printed; $n README commands ran"
  exit 0
fi

if [[ "$mode" == stop ]]; then
  pids=()
  for f in "$demo/rxflow.pid" "$demo/sim.pid"; do [[ -f "$f" ]] && pids+=("$(cat "$f")"); done
  [[ ${#pids[@]} -eq 2 ]] || fail "the demo left no pid files in $demo (did the run test start it?)"
  for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null || fail "demo process $p was not running before stop"; done
  RXFLOW_DEMO_DIR="$demo" ./scripts/run.sh stop || fail "run.sh stop exited non-zero"
  for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && fail "process $p still runs after run.sh stop"; done
  left=$(pgrep -f -- "$demo/(data|sim-events)" || true)
  [[ -z "$left" ]] || fail "processes of the demo still run: $left"
  echo "run.sh stop: no demo process left"
  exit 0
fi
fail "usage: $0 run|stop BUILD_DIR DEMO_DIR"
