#!/usr/bin/env bash
# Builds rxflow, starts it on the embedded SQLite default at 127.0.0.1:${RXFLOW_PORT:-8080}
# with a fresh demo data dir, makes a development PKI, and seeds the registries: a clinic
# with a doctor and his development certificate, two pharmacy chains, a courier company and
# the insurance bureau. Chain CH1 polls the API (pull); chain CH2 is on webhooks, served by
# rxflow-pharmacy-sim acting as its ERP. Then it walks one prescription along the pickup path
# (issue, route, accept, review, payment, dispense, offline verification) by hand, and one
# along the delivery path, which CH2's ERP works on its own after rxflow's signed webhook
# (accept, review, payment, hand-over) before the courier's events; each step is printed with
# the resulting state. At the counter the people work it with their own sessions (API.md §11):
# the clerk accepts, the pharmacist reviews with a signed review (审方), the clerk dispenses,
# and `rxflow verify` checks the pharmacist's signature offline. The server and the simulator
# keep running; stop both with
#   ./scripts/run.sh stop
#
# Environment (so a second demo, or a test, can run beside the first):
#   RXFLOW_PORT (8080), RXFLOW_SIM_PORT (RXFLOW_PORT+1), RXFLOW_DEMO_DIR (build/demo),
#   RXFLOW_DATA_DIR ($RXFLOW_DEMO_DIR/data), RXFLOW_DEMO_BUILD (the build dir, build).
set -euo pipefail
cd "$(dirname "$0")/.."
demo="${RXFLOW_DEMO_DIR:-build/demo}"
data="${RXFLOW_DATA_DIR:-$demo/data}"
bin="${RXFLOW_DEMO_BUILD:-build}"
pidfile="$demo/rxflow.pid"
simpidfile="$demo/sim.pid"

stop_pid() {
  if [[ -f "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null; then
    kill -TERM "$(cat "$1")"
    for _ in $(seq 50); do kill -0 "$(cat "$1")" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$(cat "$1")" 2>/dev/null && kill -KILL "$(cat "$1")" 2>/dev/null || true
  fi
  rm -f "$1"
}
stop_server() { stop_pid "$simpidfile"; stop_pid "$pidfile"; }
if [[ "${1:-}" == "stop" ]]; then stop_server; echo "rxflow stopped"; exit 0; fi

./scripts/setup.sh
# A build dir that exists keeps its build type (a sanitizer build stays one).
if [[ -f "$bin/CMakeCache.txt" ]]; then
  cmake -S . -B "$bin" >/dev/null
else
  cmake -S . -B "$bin" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
cmake --build "$bin" -j2 --target rxflow rxsign-tool rxflow-pharmacy-sim | grep -E "error|warning:|Built target rxflow$" || true
stop_server
rm -rf "$demo" && mkdir -p "$demo/pki"
[[ "$data" == "$demo"/* ]] || rm -rf "$data"

# --- development PKI: ES256 root -> intermediate -> doctor, and an SM2 root -> doctor -------
pki="$demo/pki"
"$bin"/rxsign-tool pki "$pki" --license 110330200000001 --sm2-license 110330200000002 >/dev/null
"$bin"/rxsign-tool pharmacist "$pki" --license YS33020001 >/dev/null
cat "$pki/root-ca.pem" "$pki/root-ca-sm2.pem" >"$pki/trust-anchors.pem"
echo "pki: $pki (trust anchors: root-ca.pem, root-ca-sm2.pem; doctors: doctor-es256, doctor-sm2; pharmacist: pharmacist-YS33020001)"

# --- the server -------------------------------------------------------------------------------
port="${RXFLOW_PORT:-8080}"
simport="${RXFLOW_SIM_PORT:-$((port + 1))}"
simsecret="demo-webhook-secret-$(openssl rand -hex 8)"
admin="${RXFLOW_ADMIN_TOKEN:-adm_$(openssl rand -hex 16)}"
echo "$admin" >"$demo/admin.token"
RXFLOW_ADMIN_TOKEN="$admin" RXFLOW_TRUST_CA="$pki/trust-anchors.pem" \
  nohup "$bin"/rxflow serve --port "$port" --data-dir "$data" >"$demo/rxflow.log" 2>&1 &
echo $! >"$pidfile"
for _ in $(seq 100); do
  curl -sf "127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
  kill -0 "$(cat "$pidfile")" 2>/dev/null || { cat "$demo/rxflow.log"; exit 1; }
  sleep 0.1
done
echo "rxflow: http://127.0.0.1:$port (pid $(cat "$pidfile"), log $demo/rxflow.log, data $data)"

call() {  # call METHOD PATH BODY [TOKEN]: prints the step and its status, returns the body
  local out status
  out=$(curl -s -w '\n%{http_code}' -X "$1" "127.0.0.1:$port$2" -H "Authorization: Bearer ${4:-$admin}" \
        -H 'Content-Type: application/json' ${3:+-d "$3"})
  status=${out##*$'\n'}
  state=$(jq -r 'if type == "object" and (.status | type) == "string" then " (\(.status))" else "" end' <<<"${out%$'\n'*}" 2>/dev/null || true)
  printf '%-6s %-58s -> %s%s\n' "$1" "$2" "$status" "$state" >&2
  [[ "$status" == 2* ]] || { echo "${out%$'\n'*}" >&2; exit 1; }
  echo "${out%$'\n'*}"
}
token_of() { jq -er .token; }

echo "--- seeding the registries"
call POST /v1/admin/clinics '{"id":"C001","name":"宁波云医院","region":"330200"}' >/dev/null
call POST /v1/admin/doctors '{"license":"110330200000001","name":"谢道奋","clinics":["C001"],"active":true}' >/dev/null
call POST /v1/admin/doctors '{"license":"110330200000002","name":"林晓红","clinics":["C001"],"active":true}' >/dev/null
call POST /v1/admin/pharmacies '{"id":"S001","chain":"CH1","name":"老百姓大药房(中山东路店)","region":"330200","district":"330203","lat":"29.8713","lon":"121.5569","delivery":true,"adapter":{"type":"pull"}}' >/dev/null
call POST /v1/admin/pharmacies '{"id":"S002","chain":"CH1","name":"老百姓大药房(天一广场店)","region":"330200","district":"330203","lat":"29.8665","lon":"121.5504","delivery":false,"adapter":{"type":"pull"}}' >/dev/null
call POST /v1/admin/pharmacies '{"id":"T001","chain":"CH2","name":"海王星辰(鄞州店)","region":"330200","district":"330212","lat":"29.8200","lon":"121.5480","delivery":true,"adapter":{"type":"webhook","url":"http://127.0.0.1:'"$simport"'/erp","secret":"'"$simsecret"'"}}' >/dev/null
call POST /v1/admin/couriers '{"id":"SF","name":"顺丰同城"}' >/dev/null
clinic=$(call POST /v1/admin/principals '{"role":"clinic","org":"C001","name":"宁波云医院处方系统"}' | token_of)
ch1=$(call POST /v1/admin/principals '{"role":"pharmacy","org":"CH1","name":"老百姓 ERP"}' | token_of)
ch2=$(call POST /v1/admin/principals '{"role":"pharmacy","org":"CH2","name":"海王星辰 ERP"}' | token_of)
courier=$(call POST /v1/admin/principals '{"role":"courier","org":"SF","name":"顺丰调度"}' | token_of)
bureau=$(call POST /v1/admin/principals '{"role":"insurer","org":"330200","name":"宁波市医疗保障局"}' | token_of)
stock='{"items":[{"drugCode":"XC08CAA001","quantity":50},{"drugCode":"XA10BAA001","quantity":30},{"drugCode":"XC10AAA001","quantity":20}]}'
call PUT /v1/pharmacies/S001/stock "$stock" >/dev/null
call PUT /v1/pharmacies/T001/stock "$stock" >/dev/null
# The people (API.md §11), each with a login for the workbench: CH1's pharmacist of record and a
# clerk at S001; CH2's pharmacist, whom its ERP names; a rider of SF, a clerk of the bureau, an
# operator of the platform and a doctor of C001.
password="rxflow-demo-$(openssl rand -hex 4)"
staff() {  # staff KIND ORG STORE|"" LOGIN NAME [LICENSE]
  call POST /v1/admin/staff "{\"kind\":\"$1\",\"org\":\"$2\",${3:+\"stores\":[\"$3\"],}\"login\":\"$4\",\"name\":\"$5\",\"password\":\"$password\"${6:+,\"license\":\"$6\"}}" >/dev/null
}
staff pharmacist CH1 S001 wang.yaoshi 王药师 YS33020001
staff clerk CH1 S001 li.dianyuan 李店员
staff pharmacist CH2 T001 li.yaoshi 李药师 YS33020002
staff rider SF "" zhang.qishou 张骑手
staff bureau 330200 "" wu.yibao 吴经办
staff operator platform "" zhou.yunying 周运营
staff doctor C001 "" xie.daofen 谢道奋 110330200000001
cat >"$demo/tokens.env" <<TOKENS
ADMIN=$admin
CLINIC=$clinic
CHAIN1=$ch1
CHAIN2=$ch2
COURIER=$courier
BUREAU=$bureau
STAFF_PASSWORD=$password
TOKENS

# --- 海王星辰's ERP: the simulator, receiving rxflow's signed webhooks for store T001 ----------
RXSIM_TOKEN="$ch2" RXSIM_SECRET="$simsecret" nohup "$bin"/rxflow-pharmacy-sim --mode erp --port "$simport" \
  --rxflow "http://127.0.0.1:$port" --courier SF --delay-ms 300 --pharmacist-name 李药师 --pharmacist-license YS33020002 \
  --state "$demo/sim-events.txt" >"$demo/sim.log" 2>&1 &
echo $! >"$simpidfile"
for _ in $(seq 100); do grep -q listening "$demo/sim.log" 2>/dev/null && break; sleep 0.1; done
echo "CH2 ERP simulator: http://127.0.0.1:$simport (log $demo/sim.log, status: curl 127.0.0.1:$simport/sim/status)"

field() { jq -er "$1" <<<"$2"; }  # field JQ-PATH JSON: one value out of an answer
# issue RXNO FULFILLMENT: the doctor signs (ES256, certificate under the intermediate), the clinic issues.
issue() {
  local issued_at file sig body
  issued_at=$(TZ=Asia/Shanghai date +%Y-%m-%dT%H:%M:%S+08:00)
  file="$demo/$1.json"
  cat >"$file" <<RX
{"prescription":{"rxNo":"$1","clinicId":"C001","doctor":{"license":"110330200000001","name":"谢道奋"},
"issuedAt":"$issued_at","validDays":1,"visit":{"kind":"follow_up","initialVisit":{"institution":"李惠利医院","date":"2026-10-02"},
"diagnoses":[{"code":"I10","name":"原发性高血压"}]},"patient":{"name":"朱明勇","idType":"resident_id","idNumber":"330203196001011232",
"gender":"M","birthDate":"1960-01-01","phone":"13800000000","insurance":{"region":"330200","psnNo":"33020000000000000001"}},
"longTerm":false,"items":[{"drugCode":"XC08CAA001","name":"苯磺酸氨氯地平片","quantity":2,"unit":"box",
"dose":{"amount":"5","unit":"mg"},"frequency":"qd","route":"oral","days":7}]}}
RX
  sig=$("$bin"/rxsign-tool sign --key "$pki/doctor-es256.key" --member prescription "$file")
  body=$(jq -c --rawfile cert "$pki/doctor-es256.pem" --rawfile chain "$pki/chain.pem" --arg sig "$sig" --argjson f "$2" \
    '. + {signature: {alg: "ES256", certificate: $cert, chain: [$chain], value: $sig}, fulfillment: $f}' "$file")
  call POST /v1/prescriptions "$body" "$clinic"
}
review='{"decision":"approve","pharmacist":{"name":"王药师","license":"YS33020001"}}'
pay() { echo "{\"kind\":\"insurance\",\"settlementId\":\"$1\",\"payOrderId\":\"PO-$1\",\"total\":5700,\"fund\":3990,\"account\":1000,\"cash\":710,\"paidAt\":\"$(TZ=Asia/Shanghai date +%Y-%m-%dT%H:%M:%S+08:00)\"}"; }
handed='"items":[{"drugCode":"XC08CAA001","quantity":2,"batchNo":"B20260918","expiryDate":"2028-08-31"}]'

login() {  # login LOGIN: a staff member's session token
  call POST /v1/sessions "{\"login\":\"$1\",\"password\":\"$password\"}" | token_of
}
echo "--- pickup: a follow-up visit, the prescription goes to the nearest store, the patient collects it"
issued=$(issue "DEMO-P-$(date +%s)" '{"mode":"pickup","near":{"lat":"29.8710","lon":"121.5560"}}')
rx=$(field .id "$issued"); code=$(field .pickupCode "$issued")
echo "  $rx at store $(field .pharmacy.id "$issued"), pickup code $code (given to the patient)"
echo "  at the counter: the clerk 李店员 and the pharmacist 王药师 log in"
clerk=$(login li.dianyuan); pharmacist=$(login wang.yaoshi)
call POST "/v1/prescriptions/$rx/accept" "" "$clerk" >/dev/null
# 审方: the pharmacist signs the review of the version in front of them with their own key.
version=$(field .version "$(call GET "/v1/prescriptions/$rx" "" "$pharmacist" 2>/dev/null)")
signed=$("$bin"/rxsign-tool sign-review --key "$pki/pharmacist-YS33020001.key" --cert "$pki/pharmacist-YS33020001.pem" \
  --chain "$pki/chain.pem" --prescription "$rx" --version "$version" --decision approve --license YS33020001)
call POST "/v1/prescriptions/$rx/review" "$(jq -c '{decision: "approve", version, reviewedAt,
  pharmacist: {name: "王药师", license: "YS33020001", signature}}' <<<"$signed")" "$pharmacist" >/dev/null
settlement="ST-P-$(date +%s)"; pickup_rx=$rx
call POST "/v1/prescriptions/$rx/payments" "$(pay "$settlement")" "$bureau" >/dev/null
call POST "/v1/prescriptions/$rx/dispense" "{\"pickupCode\":\"$code\",$handed}" "$clerk" >/dev/null
echo "  on record: $(call GET "/v1/prescriptions/$rx/audit" "" "$clinic" 2>/dev/null \
  | jq -r '[.events[] | select(.actor.staff) | "\(.action) by \(.actor.staff.name)"] | unique | join(", ")')"
call GET "/v1/prescriptions/$rx/signed" "" "$clinic" >"$demo/signed.json"
curl -s "127.0.0.1:$port/v1/platform/keys" -H "Authorization: Bearer $clinic" \
  | jq -er '(.keys // [.])[0].pem' >"$demo/platform-key.pem"
echo "  offline check, as anyone holding the document can: rxflow verify (the doctor's, the platform's and the pharmacist's signatures)"
"$bin"/rxflow verify "$demo/signed.json" --platform-key "$demo/platform-key.pem" --trust-ca "$pki/trust-anchors.pem"

echo "--- delivery: the patient asks for home delivery from 海王星辰 (on webhooks); its ERP works the order, a courier brings it"
issued=$(issue "DEMO-D-$(date +%s)" '{"mode":"delivery","pharmacy":"T001","address":{"region":"330200","district":"330212","line":"鄞州区天童南路1号","lat":"29.8210","lon":"121.5470"}}')
rx=$(field .id "$issued"); code=$(field .pickupCode "$issued")
# follow RX STATUS: prints each state the prescription passes through until STATUS.
follow() {
  local last="routed" st
  for _ in $(seq 300); do
    st=$(curl -s "127.0.0.1:$port/v1/prescriptions/$1" -H "Authorization: Bearer $clinic" | jq -r '.status // empty')
    [[ "$st" != "$last" ]] && { printf '       %-58s    (%s)\n' "(海王星辰 ERP, after rxflow's webhook)" "$st" >&2; last=$st; }
    [[ "$st" == "$2" ]] && return 0
    sleep 0.2
  done
  echo "timed out waiting for $1 to be $2; see $demo/sim.log" >&2; exit 1
}
follow "$rx" in_delivery
delivery=$(field .delivery.id "$(call GET "/v1/prescriptions/$rx" "" "$clinic" 2>/dev/null)")
echo "  outbox: $(call GET "/v1/admin/outbox?status=delivered" "" 2>/dev/null | jq '[.messages[] | select(.status == "delivered")] | length') message(s) delivered to the ERP, signed (X-Rxflow-Signature)"
now() { TZ=Asia/Shanghai date +%Y-%m-%dT%H:%M:%S+08:00; }
call POST "/v1/deliveries/$delivery/events" "{\"type\":\"picked_up\",\"at\":\"$(now)\"}" "$courier" >/dev/null
call POST "/v1/deliveries/$delivery/events" "{\"type\":\"in_transit\",\"at\":\"$(now)\"}" "$courier" >/dev/null
call POST "/v1/deliveries/$delivery/events" "{\"type\":\"delivered\",\"at\":\"$(now)\",\"proofCode\":\"$code\"}" "$courier" >/dev/null
echo "  what the courier sees of it (masked): $(call GET "/v1/prescriptions/$rx" "" "$courier" 2>/dev/null | jq -c .patient)"

echo "--- 对账: the bureau's statement of today against the platform's insurance payments"
today=$(TZ=Asia/Shanghai date +%Y-%m-%d)
call GET "/v1/settlements?date=$today" "" "$bureau" >/dev/null
settled_at=$(TZ=Asia/Shanghai date +%Y-%m-%dT%H:%M:%S+08:00)
printf '%s\r\n%s\r\n%s\r\n' \
  "settlement_id,pay_order_id,prescription_id,psn_no,total,fund,account,cash,status,settled_at" \
  "$settlement,PO-$settlement,$pickup_rx,33020000000000000001,5700,3990,1000,710,settled,$settled_at" \
  "ST-LOST-1,PO-LOST-1,rx_unknown,33020000000000000002,1200,800,400,0,settled,$settled_at" >"$demo/statement.csv"
report=$(curl -s --fail-with-body -X POST "127.0.0.1:$port/v1/reconciliation/runs?date=$today&region=330200" \
  -H "Authorization: Bearer $bureau" -H 'Content-Type: text/csv' --data-binary @"$demo/statement.csv")
printf '%-6s %-58s -> %s\n' POST "/v1/reconciliation/runs?date=$today&region=330200" \
  "201 $(jq -r '"matched \(.matched), platform ¥\(.platform.total / 100) in \(.platform.count), bureau ¥\(.bureau.total / 100) in \(.bureau.count), discrepancies: \([.discrepancies[].kind] | join(","))"' <<<"$report")"

echo "--- the other endings: not yet at a store, a pharmacist's clinical rejection, the clinic's cancel, a failed delivery"
issued=$(issue "DEMO-A-$(date +%s)" null)
rx=$(field .id "$issued")
echo "  $rx waits for the patient to choose a store"
call POST "/v1/prescriptions/$rx/route" '{"mode":"pickup","pharmacy":"S001"}' "$clinic" >/dev/null
call POST "/v1/prescriptions/$rx/accept" "" "$ch1" >/dev/null
call POST "/v1/prescriptions/$rx/review" '{"decision":"reject","reasonCode":"clinical","reason":"与在服药物相互作用","pharmacist":{"name":"王药师","license":"YS33020001"}}' "$ch1" >/dev/null
issued=$(issue "DEMO-C-$(date +%s)" '{"mode":"pickup","pharmacy":"S001"}')
rx=$(field .id "$issued")
call POST "/v1/prescriptions/$rx/cancel" '{"reason":"患者改为线下就诊"}' "$clinic" >/dev/null
issued=$(issue "DEMO-F-$(date +%s)" '{"mode":"delivery","pharmacy":"S001","address":{"region":"330200","district":"330203","line":"海曙区中山西路2号","lat":"29.8720","lon":"121.5500"}}')
rx=$(field .id "$issued")
call POST "/v1/prescriptions/$rx/accept" "" "$ch1" >/dev/null
call POST "/v1/prescriptions/$rx/review" "$review" "$ch1" >/dev/null
call POST "/v1/prescriptions/$rx/payments" "{\"kind\":\"self_pay\",\"settlementId\":\"SP-F-$(date +%s)\",\"payOrderId\":\"POS-F-$(date +%s)\",\"total\":5700,\"fund\":0,\"account\":0,\"cash\":5700,\"paidAt\":\"$(now)\"}" "$ch1" >/dev/null
delivery=$(field .delivery.id "$(call POST "/v1/prescriptions/$rx/handover" "{\"courier\":\"SF\",\"pharmacist\":{\"name\":\"王药师\",\"license\":\"YS33020001\"},$handed}" "$ch1")")
call POST "/v1/deliveries/$delivery/events" "{\"type\":\"failed\",\"at\":\"$(now)\",\"note\":\"无人签收\"}" "$courier" >/dev/null
echo "  expired: what is not dispensed by the end of its last valid day (validDays 1 to 3, Asia/Shanghai) expires on its own"

echo "--- ready"
echo "tokens: $demo/tokens.env"
echo "workbench: http://127.0.0.1:$port/ (in a browser; log in as below)"
echo "logins (password \$STAFF_PASSWORD in $demo/tokens.env): pharmacist wang.yaoshi (CH1, S001), clerk li.dianyuan (CH1, S001),"
echo "        pharmacist li.yaoshi (CH2, T001), rider zhang.qishou (SF), bureau wu.yibao (330200), operator zhou.yunying,"
echo "        doctor xie.daofen (C001)"
echo "try:    source $demo/tokens.env; curl -s 127.0.0.1:$port/v1/drugs/XC08CAA001 -H \"Authorization: Bearer \$CLINIC\""
echo "stop: ./scripts/run.sh stop (the server and the ERP simulator)"
