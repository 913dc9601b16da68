#!/usr/bin/env bash
# One source floods the proxy while run-load.sh places calls through it (RESULTS.md, "Flood control").
#
#   flood: N x SIPp (scenarios/uac-flood.xml) from 127.0.0.2 --> proxy 127.0.0.1:5060
#   fuzz:  with --fuzz-rate R, fuzz-source.py from 127.0.0.3 (the flood config's peer "fuzzer"): R mutated
#          torture messages a second
#   calls: run-load.sh (uac 127.0.0.1 --> proxy --> uas), with the options given after --
#
# The flooders start once the proxy listens and stop when the calls are done. Each sends INVITEs as fast
# as SIPp can (-r FLOOD_RATE): the highest rate this machine produces, with the proxy and the call load
# sharing its CPUs. Last lines: FLOOD (what the flooders sent, what the proxy dropped), with --fuzz-rate FUZZ
# (what the fuzzer sent, what the uas could not parse) and run-load's RESULT.
#
#   loadtest/flood-load.sh --flooders 2 -- --config loadtest/config/sipscreen-flood.yaml --rate 200 --calls 4000
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly SCRIPT_DIR
flooders=2
flood_rate=100000
fuzz_rate=0
workdir=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --flooders) flooders="$2"; shift 2 ;;
    --flood-rate) flood_rate="$2"; shift 2 ;;
    --fuzz-rate) fuzz_rate="$2"; shift 2 ;;
    --workdir) workdir="$2"; shift 2 ;;
    --) shift; break ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "flood-load: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
[[ -n "$workdir" ]] || workdir="$(mktemp -d /tmp/flood-load.XXXXXX)"
mkdir -p "$workdir"

"$SCRIPT_DIR/run-load.sh" "$@" --workdir "$workdir/load" >"$workdir/load.out" 2>&1 &
load_pid=$!
flood_pids=()
fuzz_pid=""
cleanup() {
  for p in "${flood_pids[@]}"; do kill "$p" 2>/dev/null || true; done
  [[ -z "$fuzz_pid" ]] || kill "$fuzz_pid" 2>/dev/null || true
}
trap cleanup EXIT

until grep -q "listening on" "$workdir/load.out" 2>/dev/null; do
  kill -0 "$load_pid" 2>/dev/null || { cat "$workdir/load.out" >&2; exit 2; }
  sleep 0.2
done
for i in $(seq 1 "$flooders"); do
  (cd "$workdir" && exec sipp -sf "$SCRIPT_DIR/scenarios/uac-flood.xml" -i 127.0.0.2 -p $((6100 + 10 * i)) -t u1 \
    -r "$flood_rate" -rp 1000 -m 1000000000 -s +13105550100 -nostdin -trace_stat -stf "flood$i.csv" -fd 1 \
    127.0.0.1:5060 >"flood$i.out" 2>&1) &
  flood_pids+=($!)
done
if [[ "$fuzz_rate" != 0 ]]; then
  python3 "$SCRIPT_DIR/fuzz-source.py" --source 127.0.0.3 --target 127.0.0.1:5060 --rate "$fuzz_rate" --seconds 600 \
    >"$workdir/fuzz.out" 2>&1 &
  fuzz_pid=$!
fi
# The proxy's counters, until it stops (run-load stops it when the calls are done).
while kill -0 "$load_pid" 2>/dev/null; do
  curl -s -m 1 http://127.0.0.1:8080/metrics >"$workdir/metrics.new" 2>/dev/null \
    && mv "$workdir/metrics.new" "$workdir/metrics.last"
  sleep 1
done
rc=0
wait "$load_pid" || rc=$?
cleanup
sleep 1
sent=0
secs=0
for i in $(seq 1 "$flooders"); do
  read -r n s < <(awk -F';' 'NR == 1 { for (i = 1; i <= NF; i++) { if ($i == "TotalCallCreated") c = i;
      if ($i == "ElapsedTime(C)") e = i } } END { split($e, t, ":"); print $c, t[1] * 3600 + t[2] * 60 + t[3] }' \
      "$workdir/flood$i.csv")
  sent=$((sent + n))
  secs="$s"
done
metric() { awk -v m="$1" '$1 == m { v = $2 } END { printf "%d", v }' "$workdir/metrics.last" 2>/dev/null || echo 0; }
echo "FLOOD flooders=$flooders sent=$sent seconds=$secs pps=$(awk -v n="$sent" -v s="$secs" 'BEGIN { printf "%.0f", (s > 0 ? n / s : 0) }')" \
  "flood_dropped=$(metric sipscreen_flood_dropped_total) bans_issued=$(metric sipscreen_flood_bans_issued_total)" \
  "answered_403=$(metric 'sipscreen_responses_sent_total{status="403"}')" \
  "invites_received=$(metric 'sipscreen_requests_received_total{method="INVITE",transport="udp"}')"
if [[ -n "$fuzz_pid" ]]; then
  wait "$fuzz_pid" 2>/dev/null || true
  # The fuzzer's INVITEs that passed parsing and screening (a mutation can leave a message well formed)
  # and the messages the proxy refused as malformed, by the proxy's counters.
  echo "$(tail -1 "$workdir/fuzz.out") fuzzer_invites_forwarded=$(awk '/^sipscreen_peer_invites_total\{/ && /peer="fuzzer"/ && /result="(forwarded|tagged)"/ { n += $2 } END { printf "%d", n }' "$workdir/metrics.last" 2>/dev/null)" \
    "malformed=$(awk '/^sipscreen_malformed_messages_total\{/ { n += $2 } END { printf "%d", n }' "$workdir/metrics.last" 2>/dev/null)"
fi
tail -1 "$workdir/load.out"
exit "$rc"
