#!/usr/bin/env bash
# Plays the robocall mix (loadtest/scenarios/robocall-mix.csv, every robocall check on) through two builds
# of sipscreen, one after the other, with decision records on, and compares what each decided for each
# call: peer, caller, callee, outcome, status, check results, tags. Prints the differences; exits 0 when
# the two builds decided the same for every call, 1 otherwise.
#
#   loadtest/compare-decisions.sh BEFORE.jar AFTER.jar [ROUNDS]
#
# Run it inside a network namespace with only loopback up (ports 25060-25071 are used):
#   ip netns exec NS loadtest/compare-decisions.sh /tmp/before.jar proxy/target/sipscreen.jar
# Both builds read the same config file; a build that knows schema 1.0 reads this pre-1.0 file through its
# migration, so old and new builds can be compared.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "${SCRIPT_DIR}/.." && pwd)"
before="${1:?usage: compare-decisions.sh BEFORE.jar AFTER.jar [ROUNDS]}"
after="${2:?usage: compare-decisions.sh BEFORE.jar AFTER.jar [ROUNDS]}"
rounds="${3:-1}"
command -v sipp >/dev/null || { echo "compare-decisions: sipp is not installed" >&2; exit 2; }

work="$(mktemp -d /tmp/sipscreen-decisions.XXXXXX)"
trap 'pkill -P $$ 2>/dev/null || true; rm -rf "${work}"' EXIT

csv="${REPO}/loadtest/scenarios/robocall-mix.csv"
calls=$(grep -v -e '^#' -e '^SEQUENTIAL' -e '^$' "${csv}" | wc -l)
printf '+17732020198\n' > "${work}/block.txt"
printf '+18008291040\n' > "${work}/dno.txt"
printf '+15034441234,95,robocall\n' > "${work}/reputation.csv"
cat > "${work}/mix.yaml" <<EOF
sip:
  listen: [{ address: 127.0.0.1, port: 25060, transports: [udp] }]
  warmup_calls: 0
routing:
  default_route: sip:127.0.0.1:25070
http: { address: 127.0.0.1, port: 25071 }
records: { enabled: true, directory: records, flush_interval_ms: 100 }
screening:
  source_peer:
    peers:
      local: { networks: [127.0.0.0/8] }
  block_list: { file: block.txt }
  invalid_number: { npa_file: ${REPO}/config/data/nanp-npa.txt, action: reject_deterministic }
  do_not_originate: { file: dno.txt }
  neighbor_spoofing: { mode: npa_nxx, action: tag }
  velocity: { caller_per_second: 3, action: reject_analytics }
  reputation: { feed_file: reputation.csv, action: score }
  policy:
    tag_score: 50
    block_score: 90
    label: "SPAM?"
    redress_url: https://redress.example.net/sipscreen
    location: TN
    deterministic_status: 608
EOF

wait_port() { # $1 port (udp): until something listens on it
  for _ in $(seq 1 600); do
    if ss -Hlun "sport = :$1" | grep -q .; then return 0; fi
    sleep 0.1
  done
  echo "compare-decisions: nothing listens on udp port $1" >&2; return 1
}

play() { # $1 jar, $2 label: plays the mix ROUNDS times, leaves $work/$2.tsv
  local jar="$1" label="$2" out="${work}/$2"
  mkdir -p "${out}"
  rm -rf "${work}/records"
  java -Xmx256m -jar "${jar}" --config "${work}/mix.yaml" > "${out}/proxy.log" 2>&1 &
  local proxy=$!
  wait_port 25060
  for round in $(seq 1 "${rounds}"); do
    (cd "${out}" && sipp -sf "${REPO}/loadtest/scenarios/uas.xml" -i 127.0.0.1 -p 25070 -nostdin \
        -bg > /dev/null 2>&1) || true
    wait_port 25070
    (cd "${out}" && sipp -sf "${REPO}/loadtest/scenarios/uac-mix.xml" -inf "${csv}" -i 127.0.0.1 \
        -p 25061 -m "${calls}" -r 20 -nostdin -timeout 60s 127.0.0.1:25060 > "${out}/uac-${round}.out" 2>&1) \
        || true
    pkill -f "sipp -sf ${REPO}/loadtest/scenarios/uas.xml" || true
    sleep 2 # the velocity windows empty before the next round
  done
  sleep 1 # the records' flush interval
  kill "${proxy}"; wait "${proxy}" || true
  cat "${work}"/records/*.jsonl 2>/dev/null | python3 -c '
import json, re, sys
for line in sys.stdin:
    r = json.loads(line)
    for k in ("time", "call_id", "source", "next_hop", "screening_us"):
        r.pop(k, None)
    if r.get("caller_raw"):  # the From tag carries the SIPp process id
        r["caller_raw"] = re.sub(r";tag=[^;>]*", "", r["caller_raw"])
    print(r.get("caller"), r.get("callee"), json.dumps(r, sort_keys=True), sep="\t")
' | sort > "${work}/$2.tsv"
  echo "${label}: $(wc -l < "${work}/$2.tsv") decisions recorded (${calls} calls x ${rounds} rounds)"
}

play "${before}" before
play "${after}" after
if diff "${work}/before.tsv" "${work}/after.tsv" > "${work}/diff.txt"; then
  echo "same decisions: $(wc -l < "${work}/after.tsv") of $(wc -l < "${work}/after.tsv")"
  exit 0
fi
echo "different decisions:"
cat "${work}/diff.txt"
exit 1
