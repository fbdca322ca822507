#!/usr/bin/env bash
# /metrics of a live server, judged by Prometheus's own promtool; every state of
# rxflow_prescriptions is present, 0 included.   tests/metrics_promtool.sh BUILD_DIR
set -uo pipefail
build=$1 dir=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
RXFLOW_ADMIN_TOKEN=adm_metrics_test "$build/rxflow" serve --port "$port" --data-dir "$dir/data" >"$dir/log" 2>&1 &
pid=$!
trap 'kill -TERM $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 100); do curl -sf "127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.1; done
curl -sf "127.0.0.1:$port/metrics" >"$dir/metrics" || { echo "FAIL: no /metrics"; cat "$dir/log"; exit 1; }
out=$(promtool check metrics <"$dir/metrics" 2>&1); rc=$?
echo "$out"
[[ $rc -eq 0 && -z "$out" ]] || { echo "FAIL: promtool check metrics complained"; exit 1; }
for s in active routed accepted approved dispensed in_delivery delivered delivery_failed rejected cancelled expired; do
  grep -q "^rxflow_prescriptions{state=\"$s\"} 0$" "$dir/metrics" || { echo "FAIL: no rxflow_prescriptions for $s"; exit 1; }
done
# Counts since start are counters named _total (promtool only checks the name of a counter).
for c in rxflow_http_requests_total rxflow_db_pool_lease_timeouts_total; do
  grep -q "^# TYPE $c counter$" "$dir/metrics" || { echo "FAIL: $c is not a counter"; exit 1; }
done
if grep -E "^# TYPE [a-z_]+_total (gauge|untyped)" "$dir/metrics"; then echo "FAIL: a _total that is not a counter"; exit 1; fi
echo "metrics: promtool clean, all 11 states, counters typed"
