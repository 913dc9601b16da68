#!/usr/bin/env bash
# CPU per call of sipscreen over TLS against the same load over TCP, with Kamailio as the independent
# stream peer on both sides (SIPp has no TLS here):
#
#   uac (SIPp, UDP 5262) --> Kamailio (UDP 5260) ==TLS|TCP==> sipscreen (5161)
#                                                             ==TLS|TCP==> Kamailio (5261) --> uas (SIPp, UDP 5270)
#
# Kamailio keeps one connection per direction open, as interconnect peers do, so the handshake is paid once
# and what is measured is the record layer per call. sipscreen's CPU (utime+stime of its JVM, from
# /proc) over the measured calls, divided by the calls, is the figure; the warm-up calls are not counted.
# Certificates are made with openssl in the work dir (test keys, never kept).
#
#   loadtest/tls-load.sh --transport tls|tcp [--provider auto|openssl|jdk] [--rate CPS] [--calls N]
#                        [--warmup N] [--jar FILE]
#
# With --handshakes SECONDS instead: no calls; four `openssl s_time -new` clients open fresh TLS connections
# (with a client certificate, one after another each) to sipscreen's TLS listener for that long, after 2 s
# unmeasured, and the script reports handshakes per second and sipscreen CPU per handshake.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(cd "${SCRIPT_DIR}/.." && pwd)"
KAMAILIO_MODULES="${KAMAILIO_MODULES:-/usr/lib/x86_64-linux-gnu/kamailio/modules}"

transport=tls
provider=auto
rate=200
calls=6000
warmup=2000
handshakes=0
jar="${REPO_DIR}/proxy/target/sipscreen.jar"
while [ $# -gt 0 ]; do
  case "$1" in
    --transport) transport="$2"; shift 2 ;;
    --provider) provider="$2"; shift 2 ;;
    --rate) rate="$2"; shift 2 ;;
    --calls) calls="$2"; shift 2 ;;
    --warmup) warmup="$2"; shift 2 ;;
    --handshakes) handshakes="$2"; shift 2 ;;
    --jar) jar="$2"; shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
case "$transport" in tls|tcp) ;; *) echo "--transport tls or tcp" >&2; exit 2 ;; esac

work="$(mktemp -d "${TMPDIR:-/tmp}/tls-load-XXXXXX")"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT
cd "$work"

# --- test PKI: one CA, sipscreen's and Kamailio's certificates (IP SAN 127.0.0.1) -------------------
ossl() { openssl "$@" 2>/dev/null; }
ossl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj "/CN=load CA" \
  -keyout ca.key -out ca.pem
for name in sipscreen kamailio; do
  ossl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=${name}" -keyout "${name}.key" \
    -out "${name}.csr"
  ossl x509 -req -in "${name}.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 \
    -extfile <(printf "subjectAltName=IP:127.0.0.1,DNS:%s.load.test" "$name") -out "${name}.crt"
done

# --- sipscreen -------------------------------------------------------------------------------------
if [ "$transport" = tls ]; then
  listener="{address: 127.0.0.1, port: 5161, transports: [tls]}"
else
  listener="{address: 127.0.0.1, port: 5161, transports: [tcp]}"
fi
cat > sipscreen.yaml <<EOF
sip:
  listen:
    - {address: 127.0.0.1, port: 5160, transports: [udp]}
    - ${listener}
  warmup_calls: 1500
  tls:
    certificate_file: sipscreen.crt
    key_file: sipscreen.key
    ca_file: ca.pem
    provider: ${provider}
routing:
  default_route: "sip:127.0.0.1:5261;transport=${transport}"
  next_hop_networks: [127.0.0.0/8]
http: {address: 127.0.0.1, port: 0}
peers:
  local:
    networks: [127.0.0.0/8]
    tls: {subject_alt_names: [kamailio.load.test]}
EOF
java @"${REPO_DIR}/deploy/jvm.options" -jar "$jar" --config sipscreen.yaml > sipscreen.log 2>&1 &
proxy_pid=$!
pids+=("$proxy_pid")
for _ in $(seq 1 600); do
  grep -q "sipscreen up" sipscreen.log && break
  kill -0 "$proxy_pid" 2>/dev/null || { cat sipscreen.log >&2; exit 1; }
  sleep 0.1
done
grep -o "tls provider=[a-z]*" sipscreen.log || true

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
hz="$(getconf CLK_TCK)"

if [ "$handshakes" -gt 0 ]; then
  stime() { # $1 seconds, $2 output file: one client opening fresh connections one after another
    openssl s_time -connect 127.0.0.1:5161 -new -time "$1" -cert kamailio.crt -key kamailio.key \
      -CAfile ca.pem > "$2" 2>&1 || true
  }
  stime 2 warmup.stime # unmeasured: the JIT and the session machinery warm up
  before="$(cpu_ticks "$proxy_pid")"
  clients=()
  for i in 1 2 3 4; do stime "$handshakes" "client$i.stime" & clients+=("$!"); done
  wait "${clients[@]}"
  after="$(cpu_ticks "$proxy_pid")"
  n="$(cat client*.stime | awk '/connections in [0-9]+ real seconds/ {n += $1} END {print n + 0}')"
  awk -v n="$n" -v s="$handshakes" -v t=$((after - before)) -v hz="$hz" 'BEGIN {
    printf "clients=4 seconds=%d handshakes=%d per_second=%.0f proxy_cpu_per_handshake_us=%.0f\n", s, n, n / s, t * 1e6 / hz / n }'
  echo "work dir: $work"
  exit 0
fi

# --- Kamailio on both sides of sipscreen -----------------------------------------------------------
cat > tls.cfg <<EOF
[server:default]
method = TLSv1.2+
verify_certificate = yes
require_certificate = yes
private_key = ${work}/kamailio.key
certificate = ${work}/kamailio.crt
ca_list = ${work}/ca.pem

[client:default]
method = TLSv1.2+
verify_certificate = yes
require_certificate = yes
private_key = ${work}/kamailio.key
certificate = ${work}/kamailio.crt
ca_list = ${work}/ca.pem
EOF
cat > kamailio.cfg <<EOF
#!KAMAILIO
debug=1
log_stderror=yes
children=2
tcp_children=2
enable_tls=yes
auto_aliases=no
dns=no
rev_dns=no
listen=udp:127.0.0.1:5260
listen=${transport}:127.0.0.1:5261
mpath="${KAMAILIO_MODULES}/"
loadmodule "tls.so"
loadmodule "tm.so"
loadmodule "sl.so"
loadmodule "rr.so"
loadmodule "pv.so"
loadmodule "siputils.so"
loadmodule "textops.so"
modparam("tls", "config", "${work}/tls.cfg")
modparam("rr", "enable_double_rr", 1)
request_route {
  if (has_totag()) {
    if (loose_route()) { t_relay(); exit; }
    if (is_method("ACK")) { if (t_check_trans()) { t_relay(); } exit; }
    sl_send_reply("404", "Not here"); exit;
  }
  record_route();
  if (\$pr == "udp") { \$du = "sip:127.0.0.1:5161;transport=${transport}"; } else { \$du = "sip:127.0.0.1:5270"; }
  t_relay();
}
EOF
mkdir -p run
kamailio -f kamailio.cfg -DD -E -m 128 -M 16 -Y "$work/run" -P "$work/run/k.pid" > kamailio.log 2>&1 &
pids+=("$!")
sleep 2

sipp -sf "${SCRIPT_DIR}/scenarios/uas.xml" -i 127.0.0.1 -p 5270 -t u1 -nostdin > uas.out 2>&1 &
pids+=("$!")
sleep 1

uac() { # $1 calls, $2 stat file prefix
  sipp -sf "${SCRIPT_DIR}/scenarios/uac.xml" -i 127.0.0.1 -p 5262 -t u1 -m "$1" -r "$rate" \
    -s +13105550100 -nostdin -trace_stat -stf "$2.csv" -timeout "$(( $1 / rate + 60 ))s" \
    127.0.0.1:5260 > "$2.out" 2>&1 || true
  awk -F';' 'NR == 1 { for (i = 1; i <= NF; i++) { if ($i == "SuccessfulCall(C)") s = i; if ($i == "FailedCall(C)") f = i } }
             END { print "successful=" $s " failed=" $f }' "$2.csv"
}
[ "$warmup" -gt 0 ] && echo "warmup: $(uac "$warmup" warmup)"
before="$(cpu_ticks "$proxy_pid")"
result="$(uac "$calls" measured)"
after="$(cpu_ticks "$proxy_pid")"
ok="$(echo "$result" | sed 's/.*successful=\([0-9]*\).*/\1/')"
echo "measured: $result"
awk -v t=$((after - before)) -v hz="$hz" -v n="$ok" -v tr="$transport" -v r="$rate" 'BEGIN {
  printf "transport=%s rate=%d calls=%d proxy_cpu_s=%.2f proxy_cpu_per_call_us=%.0f\n", tr, r, n, t / hz, t * 1e6 / hz / n }'
echo "work dir: $work"
