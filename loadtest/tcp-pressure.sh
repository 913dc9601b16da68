#!/usr/bin/env bash
# Hostile TCP connections held open while run-load.sh places SIP/TCP calls (RESULTS.md, "TCP limits").
#
#   pressure: tcp-pressure.py, idle + slow + half-sent connections from 127.1.X.Y --> proxy 127.0.0.1:5060
#   calls:    run-load.sh (uac 127.0.0.1 --> proxy --> uas), with the options given after --
#
# The proxy runs with an open-files limit of --proxy-files (ulimit -n for run-load.sh and what it starts);
# the pressure starts once the proxy listens and stops when the calls are done. Last lines: PRESSURE (the
# client's counts), PROXY (its TCP counters, /healthz and the gauges, scraped during the run) and
# run-load's RESULT.
#
#   loadtest/tcp-pressure.sh --proxy-files 8192 -- --transport tcp --config loadtest/config/sipscreen-tcp-limits.yaml \
#       --rate 200 --calls 6000 --warmup 2000
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly SCRIPT_DIR
proxy_files=8192
pressure=(--idle 10000 --slow 1000 --half-sent 1000)
workdir=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --proxy-files) proxy_files="$2"; shift 2 ;;
    --pressure) read -r -a pressure <<<"$2"; shift 2 ;;
    --workdir) workdir="$2"; shift 2 ;;
    --) shift; break ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "tcp-pressure: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
[[ -n "$workdir" ]] || workdir="$(mktemp -d /tmp/tcp-pressure.XXXXXX)"
mkdir -p "$workdir"

(ulimit -n "$proxy_files" && exec "$SCRIPT_DIR/run-load.sh" "$@" --workdir "$workdir/load") >"$workdir/load.out" 2>&1 &
load_pid=$!
pressure_pid=""
cleanup() {
  [[ -z "$pressure_pid" ]] || kill "$pressure_pid" 2>/dev/null || true
}
trap cleanup EXIT

until grep -q "listening on" "$workdir/load.out" 2>/dev/null; do
  kill -0 "$load_pid" 2>/dev/null || { cat "$workdir/load.out" >&2; exit 2; }
  sleep 0.2
done
proxy_pid="$(sed -n 's/^run-load: sipscreen pid \([0-9]*\) listening on.*/\1/p' "$workdir/load.out" | head -1)"
python3 "$SCRIPT_DIR/tcp-pressure.py" "${pressure[@]}" --seconds 600 >"$workdir/pressure.out" 2>&1 &
pressure_pid=$!
health_ok=0
health_failed=0
while kill -0 "$load_pid" 2>/dev/null; do
  curl -s -m 1 http://127.0.0.1:8080/metrics >"$workdir/metrics.new" 2>/dev/null \
    && mv "$workdir/metrics.new" "$workdir/metrics.last"
  # /healthz while the proxy runs, until run-load stops it (503 while it drains): status and time, in healthz.txt.
  code="$(curl -s -m 2 -o /dev/null -w '%{http_code} %{time_total}' http://127.0.0.1:8080/healthz 2>/dev/null || true)"
  if [[ -n "$proxy_pid" ]] && kill -0 "$proxy_pid" 2>/dev/null \
      && ! grep -q "shutdown: stopped accepting" "$workdir/load/proxy.log" 2>/dev/null; then
    echo "$(date +%s) $code" >>"$workdir/healthz.txt"
    if [[ "$code" == 200* ]]; then
      health_ok=$((health_ok + 1))
    else
      health_failed=$((health_failed + 1))
    fi
  fi
  sleep 1
done
rc=0
wait "$load_pid" || rc=$?
kill "$pressure_pid" 2>/dev/null || true
wait "$pressure_pid" 2>/dev/null || true
pressure_pid=""
metric() { awk -v m="$1" '$1 == m { v = $2 } END { printf "%d", v }' "$workdir/metrics.last" 2>/dev/null || echo 0; }
tail -1 "$workdir/pressure.out"
health_max="$(awk '{ if ($3 > m) m = $3 } END { printf "%.3f", m }' "$workdir/healthz.txt" 2>/dev/null || echo 0)"
echo "PROXY files=$proxy_files healthz_ok=$health_ok healthz_failed=$health_failed healthz_max_s=$health_max" \
  "tcp_max=$(metric sipscreen_tcp_connections_max) tcp_open_last=$(metric sipscreen_tcp_connections_open)" \
  "closed_total_limit=$(metric 'sipscreen_tcp_connections_closed_total{reason="total_limit"}')" \
  "closed_per_source=$(metric 'sipscreen_tcp_connections_closed_total{reason="per_source_limit"}')" \
  "closed_buffer_memory=$(metric 'sipscreen_tcp_connections_closed_total{reason="buffer_memory"}')" \
  "message_timeouts=$(metric 'sipscreen_messages_dropped_total{reason="tcp_message_timeout"}')" \
  "buffered_bytes_last=$(metric sipscreen_tcp_buffered_bytes)"
tail -1 "$workdir/load.out"
exit "$rc"
