#!/usr/bin/env bash
# Side by side: the same load through sipscreen and through the Kamailio reference
# (loadtest/kamailio/kamailio.cfg with its block list in htable), alternating runs of
# loadtest/run-load.sh. Prints each run's figures, the mean CPU-per-call ratio
# sipscreen/kamailio and the latency percentiles of each. With --signed every INVITE carries a
# STIR/SHAKEN Identity header that both verify (Kamailio with its secsipid module). See
# loadtest/README.md.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly SCRIPT_DIR

usage() {
  cat <<EOF2
Usage: $(basename "$0") [--runs N] [--rate CPS] [--calls N] [--warmup N] [--kamailio-warmup N]
                  [--kamailio-proxy kamailio|kamailio-plain] [--kamailio-mem tlsf|qm|fm]
                  [--block-every N] [--signed]
                  [--workdir DIR] [-- RUN-LOAD-ARGS...]

  --runs N              runs per proxy, alternating sipscreen, kamailio, sipscreen, ... (default: 2)
  --rate CPS            calls per second, both proxies (default: 1000)
  --calls N             measured calls per run, both proxies (default: 20000)
  --warmup N            unmeasured JIT warm-up calls before each sipscreen run (default: 30000)
  --kamailio-warmup N   unmeasured calls before each Kamailio run (default: 0)
  --kamailio-proxy P    kamailio (block list in htable, 603 on a hit; default) or kamailio-plain
  --kamailio-mem M      Kamailio's memory manager (run-load.sh --kamailio-mem; default: tlsf; qm is
                        Kamailio's own default, about twice the CPU per call on this load)
  --block-every N       every Nth generated caller is block-listed (both proxies must answer 603;
                        default 0: every caller clean, the issue-6 target load)
  --signed              every INVITE carries an Identity header signed with a test key (SignedLoad,
                        needs loadtest/jmh/target/benchmarks.jar); sipscreen verifies it with its
                        stir_shaken check, Kamailio with the secsipid module (secsipid_check_identity
                        with the test certificate, 438 when it fails). Needs the Debian package
                        kamailio-secsipid-modules (apt-get install kamailio-secsipid-modules;
                        secsipidx, the same library's CLI, can check one of the signed headers)
  --workdir DIR         parent dir of the runs' work dirs (default: new mktemp dir)
  -- ARGS               passed to every run-load.sh run (e.g. --transport tcp)

Exit status: 0 every run had 0 failed calls; 1 otherwise; 2 usage.
EOF2
}

die() { echo "compare: $*" >&2; exit 2; }
runs=2; rate=1000; calls=20000; warmup=30000; kwarmup=0; kproxy=kamailio; kmem=tlsf; block_every=0; workdir=""
signed=()
extra=()
need_arg() { [[ $# -ge 2 && -n "$2" ]] || die "option $1 needs an argument"; }
while [[ $# -gt 0 ]]; do
  case "$1" in
    --runs)            need_arg "$@"; runs="$2"; shift 2 ;;
    --rate)            need_arg "$@"; rate="$2"; shift 2 ;;
    --calls)           need_arg "$@"; calls="$2"; shift 2 ;;
    --warmup)          need_arg "$@"; warmup="$2"; shift 2 ;;
    --kamailio-warmup) need_arg "$@"; kwarmup="$2"; shift 2 ;;
    --kamailio-proxy)  need_arg "$@"; kproxy="$2"; shift 2 ;;
    --kamailio-mem)    need_arg "$@"; kmem="$2"; shift 2 ;;
    --block-every)     need_arg "$@"; block_every="$2"; shift 2 ;;
    --signed)          signed=(--signed); shift ;;
    --workdir)         need_arg "$@"; workdir="$2"; shift 2 ;;
    --)                shift; extra=("$@"); break ;;
    -h|--help)         usage; exit 0 ;;
    *)                 usage >&2; die "unknown argument: $1" ;;
  esac
done
for v in "$runs" "$rate" "$calls"; do [[ "$v" =~ ^[1-9][0-9]*$ ]] || die "--runs/--rate/--calls: positive integers"; done
for v in "$warmup" "$kwarmup" "$block_every"; do [[ "$v" =~ ^[0-9]+$ ]] || die "warm-ups/--block-every: integers"; done
[[ "$kproxy" == kamailio || "$kproxy" == kamailio-plain ]] || die "--kamailio-proxy: kamailio or kamailio-plain"
if [[ -n "$workdir" ]]; then mkdir -p "$workdir"; workdir="$(cd "$workdir" && pwd)"
else workdir="$(mktemp -d "${TMPDIR:-/tmp}/sipscreen-compare.XXXXXX")"; fi

(( block_every == 0 )) || (( ${#signed[@]} == 0 )) || die "--signed makes its own callers: no --block-every"
common=(--rate "$rate" --calls "$calls" --kamailio-mem "$kmem" --block-every "$block_every" "${signed[@]}" "${extra[@]}")
echo "compare: Kamailio with memory manager $kmem (--kamailio-mem)" >&2
table="$workdir/runs.txt"
: >"$table"
rc=0
for (( i = 1; i <= runs; i++ )); do
  for proxy in sipscreen "$kproxy"; do
    w="$warmup"; [[ "$proxy" != sipscreen ]] && w="$kwarmup"
    dir="$workdir/${proxy}-$i"
    start="$(date -u +%T)"
    echo "compare: run $i $proxy (warm-up $w) at $start, log $dir.log" >&2
    run_rc=0
    "$SCRIPT_DIR/run-load.sh" --proxy "$proxy" --warmup "$w" --workdir "$dir" "${common[@]}" \
      >"$dir.log" 2>&1 || run_rc=$?
    result="$(grep '^RESULT ' "$dir.log" | tail -n 1 || true)"
    pressure="$(sed -n 's/^CPU pressure *: \([0-9na]*\)%.*/\1/p' "$dir.log" | tail -n 1)"
    # run-load.sh warns when other sipp/kamailio/java processes run: the run is then suspect
    grep -q 'other sipp/kamailio/java' "$dir.log" && pressure="${pressure:-na}(busy)"
    if [[ -z "$result" ]]; then
      echo "compare: run $i $proxy produced no RESULT (exit $run_rc), see $dir.log" >&2
      tail -n 5 "$dir.log" >&2 || true
      rc=1; continue
    fi
    (( run_rc == 0 )) || rc=1
    echo "$i $proxy $start ${pressure:-na}% ${result#RESULT }" >>"$table"
    echo "compare:   $result" >&2
  done
done

# Table and summary from "i proxy time pressure key=value..." lines.
awk -v kproxy="$kproxy" '
  { for (f = 5; f <= NF; f++) { split($f, kv, "="); v[kv[1]] = kv[2] }
    printf "| %d | %s | %s | %s | %s | %s | **%s** | %s | %s | %s | %s | %s |\n",
      $1, $2, $3, v["calls"], v["failed"], v["cps"], v["cpu_us_per_call"], v["p50_ms"], v["p99_ms"],
      v["rss_kb"], v["declined"], $4
    n[$2]++; cpu[$2] += v["cpu_us_per_call"]; p50[$2] += v["p50_ms"]; p99[$2] += v["p99_ms"]
    fail[$2] += v["failed"]; dec[$2] += v["declined"] }
  BEGIN { print "| run | proxy | start (UTC) | calls | failed | cps | cpu µs/call | p50 ms | p99 ms | RSS kB | 603 | CPU pressure |"
          print "|---|---|---|---|---|---|---|---|---|---|---|---|" }
  END {
    print ""
    for (p in n)
      printf "mean %-14s: cpu %.1f us/call, p50 %.3f ms, p99 %.3f ms over %d run(s), %d failed, %d declined (603)\n",
        p, cpu[p] / n[p], p50[p] / n[p], p99[p] / n[p], n[p], fail[p], dec[p]
    if (n["sipscreen"] && n[kproxy] && cpu[kproxy] > 0)
      printf "RATIO cpu_us_per_call sipscreen/%s = %.3f (mean %.1f / mean %.1f)\n",
        kproxy, (cpu["sipscreen"] / n["sipscreen"]) / (cpu[kproxy] / n[kproxy]),
        cpu["sipscreen"] / n["sipscreen"], cpu[kproxy] / n[kproxy]
  }' "$table"
echo "work dirs: $workdir"
exit "$rc"
