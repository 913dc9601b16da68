#!/usr/bin/env bash
# Calls in progress and 911 calls while new calls arrive far above capacity (RESULTS.md, "Overload
# protection"). All on 127.0.0.1, every caller in the peer "local":
#
#   in progress: SIPp uac  (port 5062) LONG calls at 50/s, each held 25 s, set up before the overload
#   overload:    SIPp uac  (port 5064) new calls at OVER_RATE/s for 30 s, from t=10 s
#   emergency:   SIPp uac-911 (port 5066) 100 calls to 911 at 5/s, from t=12 s
#   callee:      SIPp uas  (127.0.0.1:5070); proxy 127.0.0.1:5060, metrics 127.0.0.1:8080
#
#   loadtest/overload-load.sh [--config FILE] [--over-rate N] [--long N] [--workdir DIR]
# Last lines: each SIPp's successful/failed calls, and the proxy's overload series.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(cd "${SCRIPT_DIR}/.." && pwd)"
config="$SCRIPT_DIR/config/sipscreen-overload.yaml"
over_rate=4000
long=500
workdir=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --config) config="$2"; shift 2 ;;
    --over-rate) over_rate="$2"; shift 2 ;;
    --long) long="$2"; shift 2 ;;
    --workdir) workdir="$2"; shift 2 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "overload-load: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
[[ -n "$workdir" ]] || workdir="$(mktemp -d /tmp/overload-load.XXXXXX)"
mkdir -p "$workdir"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
}
trap cleanup EXIT

timeout -k 5 110 java @"$REPO_DIR/deploy/jvm.options" -jar "$REPO_DIR/proxy/target/sipscreen.jar" \
  --config "$config" >"$workdir/proxy.log" 2>&1 &
proxy_pid=$!
pids+=("$proxy_pid")
for _ in $(seq 1 120); do
  curl -sf http://127.0.0.1:8080/healthz >/dev/null 2>&1 && break
  sleep 0.5
done
curl -sf http://127.0.0.1:8080/healthz >/dev/null || { echo "overload-load: proxy not up" >&2; tail "$workdir/proxy.log"; exit 1; }

timeout -k 5 100 sipp -sf "$SCRIPT_DIR/scenarios/uas.xml" -i 127.0.0.1 -p 5070 -t u1 -buff_size 4194304 \
  -nostdin -default_behaviors all,-abortunexp >"$workdir/uas.out" 2>&1 </dev/null &
pids+=("$!")
sleep 1

# callers FILE N FIRST: N distinct valid NANP callers from index FIRST, so that no check (velocity above all)
# fires on the calls; the 911 calls come from one caller (an emergency call is never screened).
callers() {
  awk -v n="$2" -v first="$3" 'BEGIN {
    print "SEQUENTIAL"
    split("212 213 312 415 617 646 702 713 805 917", npa, " ")
    for (i = first; i < first + n; i++) {
      nxx = 234 + int(i / 100000) % 600
      if (nxx % 100 == 11 || nxx == 555) nxx++
      printf "+1%s%03d%04d;+13107940100\n", npa[1 + int(i / 10000) % 10], nxx, i % 10000
    }
  }' > "$1"
}
callers "$workdir/long.csv" "$long" 0
callers "$workdir/over.csv" $(( over_rate * 30 )) 1000000

uac() { # name port scenario rate calls hold_ms [csv]
  local -a inf=()
  [[ -z "${7:-}" ]] || inf=(-inf "$7")
  timeout -k 5 90 sipp 127.0.0.1:5060 -sf "$SCRIPT_DIR/scenarios/$3" "${inf[@]}" -i 127.0.0.1 -p "$2" -t u1 \
    -buff_size 4194304 -r "$4" -m "$5" -d "$6" -nostdin -recv_timeout 20000 -timeout 85s \
    -trace_stat -stf "$workdir/$1_stat.csv" -fd 1 >"$workdir/$1.out" 2>&1 </dev/null
}
java_pid() { pgrep -P "$proxy_pid" java | head -1; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$(java_pid)/stat"; }

t0_ticks=$(cpu_ticks)
uac long 5062 uac-inf.xml 50 "$long" 25000 "$workdir/long.csv" &
long_pid=$!
( for _ in $(seq 1 60); do
    curl -s http://127.0.0.1:8080/metrics | grep -E '^sipscreen_overload_(shedding|event_loop_lag_seconds) ' \
      | tr '\n' ' '; echo; sleep 1
  done ) >"$workdir/lag.txt" 2>&1 &
pids+=("$!")
sleep 10
uac over 5064 uac-inf.xml "$over_rate" $(( over_rate * 30 )) 0 "$workdir/over.csv" &
over_pid=$!
sleep 2
uac sos 5066 uac-911.xml 5 100 0 &
sos_pid=$!
sleep 28
kill "$over_pid" 2>/dev/null || true   # the overload lasts 30 s
wait "$long_pid" "$sos_pid" "$over_pid" || true
t1_ticks=$(cpu_ticks)

stat_of() { # file -> "successful failed" from SIPp's last statistics line
  awk -F';' 'NR==1 {for (i = 1; i <= NF; i++) col[$i] = i; next}
             {s = $col["SuccessfulCall(C)"]; f = $col["FailedCall(C)"]; c = $col["TotalCallCreated"]}
             END {print "created=" c " successful=" s " failed=" f}' "$1"
}
curl -s http://127.0.0.1:8080/metrics >"$workdir/metrics.txt"
echo "overload-load: work dir $workdir, proxy CPU $(( t1_ticks - t0_ticks )) ticks; lag (max of 1 s samples): $(awk '{print $2}' "$workdir/lag.txt" | sort -g | tail -1) s; shedding in $(grep -c 'shedding 1' "$workdir/lag.txt") of $(wc -l < "$workdir/lag.txt") samples"
echo "LONG   $(stat_of "$workdir/long_stat.csv")"
echo "OVER   $(stat_of "$workdir/over_stat.csv")"
echo "SOS    $(stat_of "$workdir/sos_stat.csv")"
grep -E '^sipscreen_(requests_received_total\{method="INVITE"|overload_(shed_total|emergency_passed_total|episodes_total)|responses_sent_total\{status="503"|messages_dropped_total\{reason="overload")' \
  "$workdir/metrics.txt" | sed 's/^/METRIC /'
grep -E 'overload_shedding_(started|ended)' "$workdir/proxy.log" | sed 's/^/LOG /' | head -6
