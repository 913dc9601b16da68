#!/usr/bin/env bash
# Failover between two next hops under load.
#
#   uac (SIPp, 127.0.0.1:5062) --> sipscreen (127.0.0.1:5060) --> hop A (SIPp, 127.0.0.1:5070)
#                                                             \-> hop B (SIPp, 127.0.0.1:5071)
#
# Both hops answer the proxy's OPTIONS probes (scenarios/uas-hop.xml). While the uac places calls at
# --rate, hop A is killed (SIGKILL) after --kill-after seconds. Reports the calls that failed, when the
# proxy took A down (its "next_hop down" log line) and the calls each hop answered. Run it in a network
# namespace under the load lock (loadtest/README.md). All traffic stays on 127.0.0.1.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(cd "${SCRIPT_DIR}/.." && pwd)"

rate=1000
calls=40000
kill_after=10
hold_ms=1000
config="$SCRIPT_DIR/config/sipscreen-failover.yaml"
jar="$REPO_DIR/proxy/target/sipscreen.jar"
workdir=""

usage() {
  cat <<EOF
Usage: $(basename "$0") [--rate CPS] [--calls N] [--kill-after SECS] [--hold MS] [--config FILE]
                        [--jar FILE] [--workdir DIR]
  --rate CPS         new calls per second (default: $rate)
  --calls N          calls in the run, SIPp -m (default: $calls)
  --kill-after SECS  when hop A is killed, from the uac's start (default: $kill_after)
  --hold MS          how long each call lasts between ACK and BYE (default: $hold_ms)
  --config FILE      sipscreen config with the two next hops (default: config/sipscreen-failover.yaml)
EOF
}

while [[ $# -gt 0 ]]; do
  case "$1" in
    --rate) rate="$2"; shift 2 ;;
    --calls) calls="$2"; shift 2 ;;
    --kill-after) kill_after="$2"; shift 2 ;;
    --hold) hold_ms="$2"; shift 2 ;;
    --config) config="$2"; shift 2 ;;
    --jar) jar="$2"; shift 2 ;;
    --workdir) workdir="$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
  esac
done
[[ -n "$workdir" ]] || workdir="$(mktemp -d "${TMPDIR:-/tmp}/sipscreen-failover.XXXXXX")"
echo "failover: work dir $workdir"

pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
}
trap cleanup EXIT

listening() { ss -Hlun "sport = :$1" | grep -q .; }
wait_listen() {
  local i
  for (( i = 0; i < 3000; i++ )); do
    listening "$1" && return 0
    sleep 0.02
  done
  echo "nothing listens on udp port $1" >&2
  exit 1
}

now_ms() { date +%s%3N; }

hop() {   # hop NAME PORT
  sipp -sf "$SCRIPT_DIR/scenarios/uas-hop.xml" -i 127.0.0.1 -p "$2" -t u1 -buff_size 4194304 -nostdin \
    -default_behaviors all,-abortunexp -trace_err -error_file "$workdir/$1_errors.log" \
    -trace_stat -stf "$workdir/$1_stat.csv" -fd 1 -timeout 300s >"$workdir/$1.out" 2>&1 </dev/null &
  pids+=($!)
  wait_listen "$2"
}

hop hop_a 5070
hop_a_pid=${pids[-1]}
hop hop_b 5071

setsid java @"$REPO_DIR/deploy/jvm.options" -jar "$jar" --config "$config" >"$workdir/proxy.log" 2>&1 </dev/null &
pids+=($!)
wait_listen 5060

# Every call from its own valid NANP caller (as run-load.sh does), so no velocity limit fires.
awk -v n="$calls" 'BEGIN {
  print "SEQUENTIAL"
  split("212 213 312 415 617 646 702 713 805 917", npa, " ")
  for (i = 0; i < n; i++) {
    nxx = 234 + int(i / 100000) % 600
    if (nxx % 100 == 11 || nxx == 555) nxx++
    printf "+1%s%03d%04d;+13107940100\n", npa[1 + int(i / 10000) % 10], nxx, i % 10000
  }
}' > "$workdir/callers.csv"

t0="$(now_ms)"
sipp 127.0.0.1:5060 -sf "$SCRIPT_DIR/scenarios/uac-inf.xml" -inf "$workdir/callers.csv" -i 127.0.0.1 -p 5062 -t u1 -buff_size 4194304 \
  -r "$rate" -rp 1000 -m "$calls" -d "$hold_ms" -nostdin -recv_timeout 10000 -timeout 110s -timeout_error \
  -trace_stat -stf "$workdir/uac_stat.csv" -fd 1 -trace_err -error_file "$workdir/uac_errors.log" \
  >"$workdir/uac.out" 2>&1 </dev/null &
uac_pid=$!
pids+=($uac_pid)

sleep "$kill_after"
kill -9 "$hop_a_pid"
killed="$(now_ms)"
wait "$uac_pid" || true
done_ms="$(now_ms)"

stat_col() {
  awk -F';' -v name="$2" '
    NR == 1 { for (i = 1; i <= NF; i++) if ($i == name) col = i; next }
    { last = $col }
    END { if (col) print last; else print "" }' "$1"
}
ok="$(stat_col "$workdir/uac_stat.csv" 'SuccessfulCall(C)')"
failed="$(stat_col "$workdir/uac_stat.csv" 'FailedCall(C)')"
down_line="$(grep -m1 'next_hop down hop=sip:127.0.0.1:5070' "$workdir/proxy.log" || true)"
shift_ms="n/a"
if [[ -n "$down_line" ]]; then
  down_at="$(date -d "$(awk '{print $1}' <<<"$down_line")" +%s%3N)"
  shift_ms=$(( down_at - killed ))
fi
a_calls="$(stat_col "$workdir/hop_a_stat.csv" 'TotalCallCreated')"
b_calls="$(stat_col "$workdir/hop_b_stat.csv" 'TotalCallCreated')"
echo "rate=${rate}/s calls=${calls} hold=${hold_ms}ms killed hop A at +$(( (killed - t0) ))ms"
echo "successful=${ok} failed=${failed} run=$(( (done_ms - t0) / 1000 ))s"
echo "hop A taken down ${shift_ms} ms after the kill: ${down_line:-never}"
echo "calls+probes created: hop A ${a_calls} (until killed), hop B ${b_calls}"
