#!/usr/bin/env bash
# Latency the proxy adds: alternates loadtest/run-load.sh through sipscreen and with --proxy none (uac
# straight to the uas), same load, and subtracts, pair by pair, the no-proxy transit percentiles from
# sipscreen's. Transit = INVITE sent -> 200 received at the uac minus the uas's own INVITE -> 200 time,
# from SIPp's microsecond message traces. See loadtest/README.md.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly SCRIPT_DIR

usage() {
  cat <<EOF2
Usage: $(basename "$0") [--pairs N] [--rate CPS] [--calls N] [--warmup N] [--workdir DIR] [-- RUN-LOAD-ARGS...]

  --pairs N     sipscreen/none pairs, alternating (default: 3)
  --rate CPS    calls per second (default: 1000)
  --calls N     measured calls per run (default: 20000)
  --warmup N    unmeasured warm-up calls before each sipscreen run (default: 30000)
  --workdir DIR parent dir of the runs' work dirs (default: new mktemp dir)
  -- ARGS       passed to every run-load.sh run

Last line: ADDED p50_ms=.. p99_ms=.. (means over the pairs of sipscreen transit - none transit)
Exit status: 0 every run had 0 failed calls; 1 otherwise; 2 usage.
EOF2
}

die() { echo "latency: $*" >&2; exit 2; }
pairs=3; rate=1000; calls=20000; warmup=30000; workdir=""; extra=()
need_arg() { [[ $# -ge 2 && -n "$2" ]] || die "option $1 needs an argument"; }
while [[ $# -gt 0 ]]; do
  case "$1" in
    --pairs)   need_arg "$@"; pairs="$2"; shift 2 ;;
    --rate)    need_arg "$@"; rate="$2"; shift 2 ;;
    --calls)   need_arg "$@"; calls="$2"; shift 2 ;;
    --warmup)  need_arg "$@"; warmup="$2"; shift 2 ;;
    --workdir) need_arg "$@"; workdir="$2"; shift 2 ;;
    --)        shift; extra=("$@"); break ;;
    -h|--help) usage; exit 0 ;;
    *)         usage >&2; die "unknown argument: $1" ;;
  esac
done
for v in "$pairs" "$rate" "$calls"; do [[ "$v" =~ ^[1-9][0-9]*$ ]] || die "--pairs/--rate/--calls: positive integers"; done
[[ "$warmup" =~ ^[0-9]+$ ]] || die "--warmup: an integer"
if [[ -n "$workdir" ]]; then mkdir -p "$workdir"; workdir="$(cd "$workdir" && pwd)"
else workdir="$(mktemp -d "${TMPDIR:-/tmp}/sipscreen-latency.XXXXXX")"; fi

table="$workdir/pairs.txt"
: >"$table"
rc=0
for (( i = 1; i <= pairs; i++ )); do
  line="$i"
  for proxy in sipscreen none; do
    w="$warmup"; [[ "$proxy" == none ]] && w=0
    dir="$workdir/${proxy}-$i"
    start="$(date -u +%T)"
    echo "latency: pair $i $proxy at $start, log $dir.log" >&2
    run_rc=0
    "$SCRIPT_DIR/run-load.sh" --proxy "$proxy" --warmup "$w" --rate "$rate" --calls "$calls" \
      --workdir "$dir" "${extra[@]}" >"$dir.log" 2>&1 || run_rc=$?
    result="$(grep '^RESULT ' "$dir.log" | tail -n 1 || true)"
    (( run_rc == 0 )) || rc=1
    [[ -n "$result" ]] || { echo "latency: no RESULT from $dir.log (exit $run_rc)" >&2; rc=1; result="RESULT"; }
    echo "latency:   $proxy $result" >&2
    line="$line $proxy $start ${result#RESULT }"
  done
  echo "$line" >>"$table"
done

awk '
  BEGIN { print "| pair | sipscreen start | failed | setup p50 / p99 ms | transit p50 / p99 ms | none start | failed | setup p50 / p99 ms | transit p50 / p99 ms | added p50 ms | added p99 ms |"
          print "|---|---|---|---|---|---|---|---|---|---|---|" }
  {
    delete v; side = ""
    for (f = 2; f <= NF; f++) {
      if ($f == "sipscreen" || $f == "none") { side = $f; v[side, "start"] = $(f + 1); f++; continue }
      split($f, kv, "="); v[side, kv[1]] = kv[2]
    }
    a50 = v["sipscreen", "transit_p50_ms"] - v["none", "transit_p50_ms"]
    a99 = v["sipscreen", "transit_p99_ms"] - v["none", "transit_p99_ms"]
    printf "| %d | %s | %s | %s / %s | %s / %s | %s | %s | %s / %s | %s / %s | %.3f | %.3f |\n", $1,
      v["sipscreen", "start"], v["sipscreen", "failed"], v["sipscreen", "p50_ms"], v["sipscreen", "p99_ms"],
      v["sipscreen", "transit_p50_ms"], v["sipscreen", "transit_p99_ms"],
      v["none", "start"], v["none", "failed"], v["none", "p50_ms"], v["none", "p99_ms"],
      v["none", "transit_p50_ms"], v["none", "transit_p99_ms"], a50, a99
    n++; s50 += a50; s99 += a99
  }
  END { if (n) printf "\nADDED p50_ms=%.3f p99_ms=%.3f (means over %d pair(s))\n", s50 / n, s99 / n, n }' "$table"
echo "work dirs: $workdir"
exit "$rc"
