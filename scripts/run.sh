#!/usr/bin/env bash
# Builds rxflow, starts it on the embedded SQLite default at 127.0.0.1:${RXFLOW_PORT:-8080}
# with a fresh demo data dir, makes a development PKI, and seeds the registries: a clinic
# with a doctor and his development certificate, two pharmacy chains, a courier company and
# the insurance bureau. The server keeps running in the background; stop it with
#   ./scripts/run.sh stop
set -euo pipefail
cd "$(dirname "$0")/.."
demo="build/demo"
pidfile="$demo/rxflow.pid"

stop_server() {
  if [[ -f "$pidfile" ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
    kill -TERM "$(cat "$pidfile")"
    for _ in $(seq 50); do kill -0 "$(cat "$pidfile")" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -f "$pidfile"
}
if [[ "${1:-}" == "stop" ]]; then stop_server; echo "rxflow stopped"; exit 0; fi

./scripts/setup.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j2 --target rxflow | grep -E "error|warning:|Built target rxflow$" || true
stop_server
rm -rf "$demo" && mkdir -p "$demo/pki"

# --- development PKI: a CA and a doctor's ES256 certificate (license in serialNumber) ------
pki="$demo/pki"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 \
  -subj "/C=CN/O=rxflow demo/CN=rxflow demo CA" -keyout "$pki/ca.key" -out "$pki/ca.pem" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
  -subj "/C=CN/O=rxflow demo/CN=谢道奋/serialNumber=110330200000001" -utf8 \
  -keyout "$pki/doctor.key" -out "$pki/doctor.csr" 2>/dev/null
openssl x509 -req -in "$pki/doctor.csr" -CA "$pki/ca.pem" -CAkey "$pki/ca.key" -CAcreateserial -days 365 \
  -extfile <(printf "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,nonRepudiation\n") \
  -out "$pki/doctor.pem" 2>/dev/null
echo "pki: $pki/ca.pem (trust anchor), $pki/doctor.pem + doctor.key (doctor 110330200000001)"

# --- the server -------------------------------------------------------------------------------
port="${RXFLOW_PORT:-8080}"
admin="${RXFLOW_ADMIN_TOKEN:-adm_$(openssl rand -hex 16)}"
echo "$admin" >"$demo/admin.token"
RXFLOW_ADMIN_TOKEN="$admin" RXFLOW_TRUST_CA="$pki/ca.pem" \
  nohup ./build/rxflow serve --port "$port" --data-dir "$demo/data" >"$demo/rxflow.log" 2>&1 &
echo $! >"$pidfile"
for _ in $(seq 100); do
  curl -sf "127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
  kill -0 "$(cat "$pidfile")" 2>/dev/null || { cat "$demo/rxflow.log"; exit 1; }
  sleep 0.1
done
echo "rxflow: http://127.0.0.1:$port (pid $(cat "$pidfile"), log $demo/rxflow.log, data $demo/data)"

call() {  # call METHOD PATH BODY: prints the step and the answer, returns the body
  local out status
  out=$(curl -s -w '\n%{http_code}' -X "$1" "127.0.0.1:$port$2" -H "Authorization: Bearer $admin" \
        -H 'Content-Type: application/json' ${3:+-d "$3"})
  status=${out##*$'\n'}
  printf '%-6s %-40s -> %s\n' "$1" "$2" "$status" >&2
  [[ "$status" == 2* ]] || { echo "${out%$'\n'*}" >&2; exit 1; }
  echo "${out%$'\n'*}"
}
token_of() { sed -E 's/.*"token":"([^"]+)".*/\1/'; }

echo "--- seeding the registries"
call POST /v1/admin/clinics '{"id":"C001","name":"宁波云医院","region":"330200"}' >/dev/null
call POST /v1/admin/doctors '{"license":"110330200000001","name":"谢道奋","clinics":["C001"],"active":true}' >/dev/null
call POST /v1/admin/pharmacies '{"id":"S001","chain":"CH1","name":"老百姓大药房(中山东路店)","region":"330200","district":"330203","lat":"29.8713","lon":"121.5569","delivery":true,"adapter":{"type":"pull"}}' >/dev/null
call POST /v1/admin/pharmacies '{"id":"S002","chain":"CH1","name":"老百姓大药房(天一广场店)","region":"330200","district":"330203","lat":"29.8665","lon":"121.5504","delivery":false,"adapter":{"type":"pull"}}' >/dev/null
call POST /v1/admin/pharmacies '{"id":"T001","chain":"CH2","name":"海王星辰(鄞州店)","region":"330200","district":"330212","lat":"29.8200","lon":"121.5480","delivery":true,"adapter":{"type":"pull"}}' >/dev/null
call POST /v1/admin/couriers '{"id":"SF","name":"顺丰同城"}' >/dev/null
clinic=$(call POST /v1/admin/principals '{"role":"clinic","org":"C001","name":"宁波云医院处方系统"}' | token_of)
ch1=$(call POST /v1/admin/principals '{"role":"pharmacy","org":"CH1","name":"老百姓 ERP"}' | token_of)
ch2=$(call POST /v1/admin/principals '{"role":"pharmacy","org":"CH2","name":"海王星辰 ERP"}' | token_of)
courier=$(call POST /v1/admin/principals '{"role":"courier","org":"SF","name":"顺丰调度"}' | token_of)
bureau=$(call POST /v1/admin/principals '{"role":"insurer","org":"330200","name":"宁波市医疗保障局"}' | token_of)
stock='{"items":[{"drugCode":"XC08CAA001","quantity":50},{"drugCode":"XA10BAA001","quantity":30},{"drugCode":"XC10AAA001","quantity":20}]}'
call PUT /v1/pharmacies/S001/stock "$stock" >/dev/null
call PUT /v1/pharmacies/T001/stock "$stock" >/dev/null
cat >"$demo/tokens.env" <<TOKENS
ADMIN=$admin
CLINIC=$clinic
CHAIN1=$ch1
CHAIN2=$ch2
COURIER=$courier
BUREAU=$bureau
TOKENS
echo "--- ready"
echo "tokens: $demo/tokens.env   try: curl -s 127.0.0.1:$port/v1/drugs/XC08CAA001 -H \"Authorization: Bearer \$CLINIC\""
echo "(the prescription walk-through arrives with prescription intake and the lifecycle)"
echo "stop: ./scripts/run.sh stop"
