#!/usr/bin/env bash
# SIPp load test for the sipscreen proxy (or a reference proxy, or none).
#
#   uac (SIPp, 127.0.0.1:5062) --> proxy (127.0.0.1:5060) --> uas (SIPp, 127.0.0.1:5070)
#
# Measures calls attempted/successful/failed, achieved calls/s, proxy CPU
# time per call, call-setup latency percentiles and proxy peak RSS.
# See loadtest/README.md. All traffic stays on 127.0.0.1.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(cd "${SCRIPT_DIR}/.." && pwd)"
readonly SCRIPT_DIR REPO_DIR

# Fixed topology (sipscreen's defaults). Overridable through the environment.
readonly LOCAL_IP=127.0.0.1
readonly PROXY_PORT="${PROXY_PORT:-5060}"
readonly UAS_PORT="${UAS_PORT:-5070}"
readonly UAC_PORT="${UAC_PORT:-5062}"
readonly KAMAILIO_MODULES="${KAMAILIO_MODULES:-/usr/lib/x86_64-linux-gnu/kamailio/modules}"

usage() {
  cat <<EOF
Usage: $(basename "$0") [--proxy sipscreen|kamailio|kamailio-plain|none] [--config FILE] [--jar FILE]
                   [--rate CPS] [--calls N] [--transport udp|tcp] [--scenario UAC.xml]
                   [--uas-scenario UAS.xml] [--inf CSV] [--warmup N] [--timeout SECS]
                   [--block-list FILE] [--block-every N] [--jvm-options FILE] [--workdir DIR] [--signed]
                   [--pin] [--kamailio-mem tlsf|qm|fm] [-h|--help]

  --proxy P          proxy under test (default: sipscreen)
                       sipscreen: java @JVM-OPTIONS \$JAVA_OPTS -Xlog:gc... -jar JAR --config FILE
                       kamailio:  kamailio -f loadtest/kamailio/kamailio.cfg -A WITH_BLOCKLIST
                                  (stateless reference: record-route, block list in htable, 603 on a hit)
                       kamailio-plain: the same config without the block list (forward only)
                       none:      uac talks straight to the uas (baseline, no proxy)
  --config FILE      sipscreen config (default: config/sipscreen.yaml; over TCP
                     loadtest/config/sipscreen-tcp.yaml)
  --jar FILE         sipscreen jar (default: proxy/target/sipscreen.jar)
  --rate CPS         new calls per second (default: 1000)
  --calls N          number of calls, SIPp -m (default: 20000)
  --transport T      udp (SIPp -t u1) or tcp (-t t1) (default: udp)
  --scenario FILE    uac scenario (default: loadtest/scenarios/uac-inf.xml with a generated
                     CSV: every call from its own valid NANP caller, so every screening
                     check runs and none fires; loadtest/scenarios/uac.xml is one caller)
  --uas-scenario F   uas scenario (default: loadtest/scenarios/uas.xml)
  --inf CSV          injection file passed to the uac (SIPp -inf), e.g. with
                     --scenario loadtest/scenarios/uac-inf.xml
  --warmup N         run N unmeasured calls at the same rate first (JIT warm-up); with generated
                     (or --signed) callers the measured run's callers follow the warm-up's, none repeated
  --timeout SECS     hard limit for the uac run (default: 2*calls/rate + 60)
  --block-list FILE  block list loaded into Kamailio's htable (default: config/lists/block.txt,
                     the list the shipped sipscreen config uses)
  --block-every N    generated callers only: every Nth call comes from a number of the block list
                     (cycled), with loadtest/scenarios/uac-inf-603.xml, which accepts a 603 Decline
                     as the end of a successful call (default: 0 = every caller clean)
  --jvm-options FILE java argument file for sipscreen (default: deploy/jvm.options, the shipped
                     flags); the GC log goes to the work dir and its pauses are summarised
  --workdir DIR      empty dir for SIPp logs/CSVs (default: new mktemp dir); always kept
  --signed           STIR/SHAKEN: every INVITE carries an Identity header signed with a test key
                     (loadtest/jmh SignedLoad; needs loadtest/jmh/target/benchmarks.jar). sipscreen
                     runs the config plus screening.stir_shaken trusting that test CA with the
                     certificate preloaded, and the run fails unless every verification passed;
                     Kamailio verifies every INVITE with its secsipid module and that certificate
                     (-A WITH_SECSIPID; apt-get install kamailio-secsipid-modules) and answers 438
                     when one does not verify, which fails the call
  --kamailio-mem M   Kamailio's memory manager (kamailio -x M; default: tlsf). With qm, Kamailio's
                     default, the block list's htable lookups (each copies the cell into private memory)
                     made qm_malloc 44 % of Kamailio's CPU on this load: about twice the CPU per call
                     (loadtest/RESULTS.md, "Kamailio's memory manager")
  --pin              pin the proxy to the last CPU and both SIPp processes to the others (taskset),
                     so that the load generator does not take the proxy's CPU (needs 2+ CPUs); with
                     --proxy none the SIPp processes are pinned the same way, for a fair baseline

Last line of output: RESULT calls=.. failed=.. cps=.. cpu_us_per_call=.. p50_ms=.. p99_ms=.. rss_kb=.. declined=..
                     transit_p50_ms=.. transit_p99_ms=.. gc_pauses=.. gc_p99_ms=.. gc_max_ms=.. heap_first_mb=.. heap_last_mb=..
                     alloc_kb_per_call=..
Exit status: 0 ok; 1 failed/incomplete calls; 2 usage or a process failed to start.
EOF
}

die() { echo "run-load: $*" >&2; exit 2; }

# ---------------------------------------------------------------- options
proxy=sipscreen
config=""
jar="${REPO_DIR}/proxy/target/sipscreen.jar"
rate=1000
calls=20000
transport=udp
scenario=""
uas_scenario="${SCRIPT_DIR}/scenarios/uas.xml"
inf=""
warmup=0
hard_timeout=""
workdir=""
block_list="${REPO_DIR}/config/lists/block.txt"
block_every=0
signed=0
jvm_options="${REPO_DIR}/deploy/jvm.options"
pin=0
kamailio_mem=tlsf

need_arg() { [[ $# -ge 2 && -n "$2" ]] || die "option $1 needs an argument"; }
while [[ $# -gt 0 ]]; do
  case "$1" in
    --proxy)        need_arg "$@"; proxy="$2"; shift 2 ;;
    --config)       need_arg "$@"; config="$2"; shift 2 ;;
    --jar)          need_arg "$@"; jar="$2"; shift 2 ;;
    --rate)         need_arg "$@"; rate="$2"; shift 2 ;;
    --calls)        need_arg "$@"; calls="$2"; shift 2 ;;
    --transport)    need_arg "$@"; transport="$2"; shift 2 ;;
    --scenario)     need_arg "$@"; scenario="$2"; shift 2 ;;
    --uas-scenario) need_arg "$@"; uas_scenario="$2"; shift 2 ;;
    --inf)          need_arg "$@"; inf="$2"; shift 2 ;;
    --warmup)       need_arg "$@"; warmup="$2"; shift 2 ;;
    --timeout)      need_arg "$@"; hard_timeout="$2"; shift 2 ;;
    --workdir)      need_arg "$@"; workdir="$2"; shift 2 ;;
    --block-list)   need_arg "$@"; block_list="$2"; shift 2 ;;
    --block-every)  need_arg "$@"; block_every="$2"; shift 2 ;;
    --signed)       signed=1; shift ;;
    --pin)          pin=1; shift ;;
    --kamailio-mem) need_arg "$@"; kamailio_mem="$2"; shift 2 ;;
    --jvm-options)  need_arg "$@"; jvm_options="$2"; shift 2 ;;
    -h|--help)      usage; exit 0 ;;
    *)              usage >&2; die "unknown argument: $1" ;;
  esac
done

is_uint() { [[ "$1" =~ ^[0-9]+$ ]]; }
is_pos() { [[ "$1" =~ ^[0-9]+$ ]] && (( $1 > 0 )); }
is_pos "$rate" || die "--rate must be a positive integer"
is_pos "$calls" || die "--calls must be a positive integer"
is_uint "$warmup" || die "--warmup must be a non-negative integer"
is_uint "$block_every" || die "--block-every must be a non-negative integer"
case "$kamailio_mem" in
  tlsf|qm|fm) ;;
  *) die "--kamailio-mem must be tlsf, qm or fm" ;;
esac
case "$transport" in
  udp) sipp_transport=u1 ;;
  tcp) sipp_transport=t1 ;;
  *)   die "--transport must be udp or tcp" ;;
esac
case "$proxy" in
  sipscreen)
    [[ -f "$jar" ]] || die "sipscreen jar not found: $jar (build it: mvn -q package)"
    [[ -z "$config" || -f "$config" ]] || die "config not found: $config"
    [[ -f "$jvm_options" ]] || die "JVM options file not found: $jvm_options"
    command -v java >/dev/null || die "java not found" ;;
  kamailio|kamailio-plain)
    command -v kamailio >/dev/null || die "kamailio not found (apt-get install kamailio)" ;;
  none) ;;
  *) die "--proxy must be sipscreen, kamailio, kamailio-plain or none" ;;
esac
[[ -z "$scenario" || -f "$scenario" ]] || die "scenario not found: $scenario"
[[ -f "$uas_scenario" ]] || die "uas scenario not found: $uas_scenario"
[[ -f "$block_list" ]] || die "block list not found: $block_list"
if (( block_every > 0 )) && [[ -n "$scenario" || -n "$inf" ]]; then
  die "--block-every only applies to the generated callers (no --scenario/--inf)"
fi
[[ -z "$inf" || -f "$inf" ]] || die "injection file not found: $inf"
command -v sipp >/dev/null || die "sipp not found (apt-get install sip-tester)"
# SIPp runs inside the work dir: make every file argument absolute
# Default load: every call from its own valid NANP caller (uac-inf.xml with a generated CSV), so that
# velocity, invalid_number and the lists run on every INVITE and none of them fires.
generate_callers=0
own_callers=0                 # 1: this script made the injection file (calls + warm-up callers, each its own)
if [[ -z "$scenario" ]]; then
  scenario="${SCRIPT_DIR}/scenarios/uac-inf.xml"
  (( block_every > 0 )) && scenario="${SCRIPT_DIR}/scenarios/uac-inf-603.xml"
  [[ -z "$inf" ]] && generate_callers=1
fi
block_list="$(readlink -f "$block_list")"
scenario="$(readlink -f "$scenario")"
uas_scenario="$(readlink -f "$uas_scenario")"
[[ -n "$inf" ]] && inf="$(readlink -f "$inf")"
if [[ "$proxy" == sipscreen ]]; then
  jar="$(readlink -f "$jar")"
  jvm_options="$(readlink -f "$jvm_options")"
  if [[ -z "$config" ]]; then
    # The shipped config forwards over UDP; over TCP the uas listens on TCP only.
    if [[ "$transport" == tcp ]]; then
      config="${REPO_DIR}/loadtest/config/sipscreen-tcp.yaml"
    else
      config="${REPO_DIR}/config/sipscreen.yaml"
    fi
  fi
  config="$(readlink -f "$config")"
fi
if [[ -z "$hard_timeout" ]]; then
  hard_timeout=$(( 2 * calls / rate + 60 ))
fi
is_pos "$hard_timeout" || die "--timeout must be a positive integer"

if [[ -n "$workdir" ]]; then
  mkdir -p "$workdir"
  workdir="$(cd "$workdir" && pwd)"
  # results are found by file name patterns: never mix two runs
  [[ -z "$(ls -A "$workdir")" ]] || die "--workdir $workdir is not empty"
else
  workdir="$(mktemp -d "${TMPDIR:-/tmp}/sipscreen-load.XXXXXX")"
fi
clk_tck="$(getconf CLK_TCK)"

# ---------------------------------------------------------------- STIR/SHAKEN signed load (--signed)
# SignedLoad (loadtest/jmh) makes a test CA and STI certificate (test keys, per run), one valid caller per
# call with a SHAKEN PASSporT signed by the test key, and a copy of the config with screening.stir_shaken
# on (that CA as trust anchor, the certificate preloaded): every INVITE is verified, ES256 included.
if (( signed )); then
  [[ "$proxy" != none ]] || die "--signed needs a proxy that verifies (sipscreen, kamailio, kamailio-plain)"
  if [[ "$proxy" != sipscreen ]]; then
    [[ -f "$KAMAILIO_MODULES/secsipid.so" ]] \
      || die "--signed --proxy $proxy needs Kamailio's secsipid module (apt-get install kamailio-secsipid-modules)"
  fi
  (( generate_callers && block_every == 0 )) || die "--signed makes its own callers (no --scenario/--inf/--block-every)"
  signed_jar="${REPO_DIR}/loadtest/jmh/target/benchmarks.jar"
  [[ -f "$signed_jar" ]] || die "--signed needs $signed_jar (build it: mvn -q package -DskipTests)"
  echo "run-load: signing $(( calls + warmup )) PASSporTs with a test key"
  java -cp "$signed_jar" org.sipscreen.bench.SignedLoad --calls $(( calls + warmup )) \
    --base-config "${config:-${REPO_DIR}/config/sipscreen.yaml}" --out "$workdir/stir" || die "SignedLoad failed"
  [[ "$proxy" == sipscreen ]] && config="$workdir/stir/sipscreen-signed.yaml"
  # The STI certificate, for Kamailio's secsipid: the one file the preload index names.
  signed_cert="$workdir/stir/certs/$(awk '!/^#/ && NF == 2 { print $2; exit }' "$workdir/stir/certs/index.txt")"
  [[ -f "$signed_cert" ]] || die "SignedLoad wrote no certificate in $workdir/stir/certs"
  scenario="${SCRIPT_DIR}/scenarios/uac-inf-signed.xml"
  inf="$workdir/stir/signed-callers.csv"
  generate_callers=0
  own_callers=1
fi

# ---------------------------------------------------------------- cleanup
uas_pid=""
uac_pid=""
proxy_pid=""
workdir_printed=0

# shellcheck disable=SC2317  # stop_pid and cleanup run from the EXIT trap
stop_pid() {   # stop_pid PID [group|tree]: TERM, wait up to 5 s, then KILL
  local pid="$1" target="$1"
  [[ -n "$pid" ]] || return 0
  [[ "${2:-}" == group ]] && target="-$pid"
  # shellcheck disable=SC2046  # word splitting of the pid list is wanted
  [[ "${2:-}" == tree ]] && { kill -TERM -- $(proc_tree "$pid") 2>/dev/null || true; }
  kill -TERM -- "$target" 2>/dev/null || return 0
  local i
  for i in $(seq 50); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL -- "$target" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

# shellcheck disable=SC2317
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  stop_pid "$uac_pid" tree
  stop_pid "$proxy_pid" group
  stop_pid "$uas_pid"
  (( workdir_printed )) || echo "work dir (SIPp logs, CSVs, proxy log): $workdir"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------- helpers
# shellcheck source=lib/wait.sh
source "${SCRIPT_DIR}/lib/wait.sh"

# listening PORT: true once something listens on LOCAL_IP:PORT over $transport (a UDP socket once bound,
# a TCP one in state LISTEN, 0A)
listening() {
  local want a b c d
  IFS=. read -r a b c d <<<"$LOCAL_IP"
  printf -v want '%02X%02X%02X%02X:%04X' "$d" "$c" "$b" "$a" "$1"
  if [[ "$transport" == tcp ]]; then
    socket_bound tcp "$want" 0A
  else
    socket_bound udp "$want"
  fi
}

# wait_listen PORT PID NAME LOG SECS
wait_listen() {
  local port="$1" pid="$2" name="$3" log="$4" secs="$5" i
  for (( i = 0; i < secs * 50; i++ )); do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "---- $name exited early; last lines of $log:" >&2
      tail -n 20 "$log" >&2 || true
      die "$name failed to start"
    fi
    if listening "$port"; then return 0; fi
    pause 0.02
  done
  tail -n 20 "$log" >&2 || true
  die "$name not listening on ${LOCAL_IP}:${port}/${transport} after ${secs}s"
}

# PID and all its descendants (children of forking proxies such as kamailio).
proc_tree() {
  ps -e -o pid=,ppid= | awk -v root="$1" '
    { parent[$1] = $2 }
    END {
      print root; want[root] = 1; grew = 1
      while (grew) {
        grew = 0
        for (p in parent) if (!(p in want) && (parent[p] in want)) { want[p] = 1; print p; grew = 1 }
      }
    }'
}

# CPU clock ticks consumed by a process tree: utime+stime+cutime+cstime of
# every process (fields 14-17 of /proc/PID/stat; a process's figures include
# all its threads, c* include reaped children, so exiting workers are not lost).
cpu_ticks() {
  local total=0 pid line rest
  local -a f
  for pid in $(proc_tree "$1"); do
    line="$(cat "/proc/$pid/stat" 2>/dev/null)" || continue
    rest="${line##*) }"              # drop "pid (comm) " - comm may hold spaces
    read -r -a f <<<"$rest"          # f[0] is field 3 (state)
    total=$(( total + f[11] + f[12] + f[13] + f[14] ))
  done
  echo "$total"
}

# Peak RSS (VmHWM, kB) summed over the process tree.
rss_hwm_kb() {
  local total=0 pid kb
  for pid in $(proc_tree "$1"); do
    kb="$(awk '/^VmHWM:/ { print $2 }' "/proc/$pid/status" 2>/dev/null || true)"
    total=$(( total + ${kb:-0} ))
  done
  echo "$total"
}

# CPU pressure (PSI): total microseconds during which at least one runnable
# task waited for a CPU. Precise, unlike /proc/stat's tick-sampled busy time.
cpu_pressure_us() {
  awk '$1 == "some" { sub(/total=/, "", $5); print $5; exit }' /proc/pressure/cpu 2>/dev/null || true
}

# Host-wide UDP datagrams dropped because a receive buffer was full.
udp_rcvbuf_errors() {
  awk '$1 == "Udp:" { if (!h) { for (i = 2; i <= NF; i++) if ($i == "RcvbufErrors") c = i; h = 1 }
                      else { print $c; exit } }' /proc/net/snmp
}

# Column NAME of the last row of a SIPp -trace_stat CSV (';'-separated).
stat_col() {
  awk -F';' -v name="$2" '
    NR == 1 { for (i = 1; i <= NF; i++) if ($i == name) col = i; next }
    { last = $col }
    END { if (col) print last; else print "" }' "$1"
}

# Block list (sipscreen's format: one E.164 number per line, '+' and spaces optional,
# trailing '*' = prefix, '#' comments) -> db_text tables blk (numbers) and blkp (prefixes)
# for Kamailio's htable: key = digits only.
make_kamailio_blocklist() {
  mkdir -p "$2"
  local hdr='key_name(string) key_type(int) value_type(int) key_value(string) expires(int)'
  awk -v hdr="$hdr" -v blk="$2/blk" -v blkp="$2/blkp" '
    BEGIN { print hdr > blk; print hdr > blkp }
    { sub(/#.*/, ""); gsub(/[ \t+]/, "") }
    /^[0-9]+\*$/ { sub(/\*$/, ""); print $0 ":0:1:1:0" > blkp; next }
    /^[0-9]+$/    { print $0 ":0:1:1:0" > blk }' "$1"
  printf 'blk:1\nblkp:1\n' > "$2/version"
}

# ---------------------------------------------------------------- start
ports=("$UAS_PORT" "$UAC_PORT")
[[ "$proxy" != none ]] && ports+=("$PROXY_PORT")
for p in "${ports[@]}"; do
  if listening "$p"; then
    die "${LOCAL_IP}:${p}/${transport} already in use - stale test processes?"
  fi
done

# Other SIPp/Kamailio/JVM processes share the CPUs (and may kill or bind what
# we use): say so, the figures are then suspect.
others=0
for name in sipp kamailio java; do
  others=$(( others + $(pgrep -c -x "$name" || true) ))
done
if (( others > 0 )); then
  echo "run-load: WARNING: $others other sipp/kamailio/java process(es) running - results may be disturbed" >&2
fi

pin_proxy=(); pin_load=()
if (( pin )); then
  ncpu="$(nproc)"
  (( ncpu >= 2 )) || die "--pin needs at least 2 CPUs, nproc says $ncpu"
  command -v taskset >/dev/null || die "--pin needs taskset (util-linux)"
  pin_proxy=(taskset -c "$(( ncpu - 1 ))")
  pin_load=(taskset -c "0-$(( ncpu - 2 ))")
  echo "run-load: pinned: proxy on CPU $(( ncpu - 1 )), SIPp on CPUs 0-$(( ncpu - 2 ))"
fi
echo "run-load: proxy=$proxy transport=$transport rate=$rate calls=$calls warmup=$warmup signed=$signed timeout=${hard_timeout}s"
echo "run-load: work dir $workdir"

# uas: answers every INVITE (180, 200), copies Record-Route. Bounded by timeout.
warmup_timeout=$(( 2 * warmup / rate + 60 ))
uas_limit=$(( hard_timeout + (warmup > 0 ? warmup_timeout + 20 : 0) + 120 ))
timeout -k 5 "$uas_limit" "${pin_load[@]}" \
  sipp -sf "$uas_scenario" -i "$LOCAL_IP" -p "$UAS_PORT" -t "$sipp_transport" -buff_size 4194304 \
       -nostdin -default_behaviors all,-abortunexp \
       -trace_err -error_file "$workdir/uas_errors.log" \
       -trace_stat -stf "$workdir/uas_stat.csv" -fd 1 \
       -trace_shortmsg -shortmessage_file "$workdir/uas_shortmessages.log" \
       >"$workdir/uas.out" 2>&1 </dev/null &
uas_pid=$!
wait_listen "$UAS_PORT" "$uas_pid" "sipp uas" "$workdir/uas.out" 10

target="${LOCAL_IP}:${PROXY_PORT}"
case "$proxy" in
  sipscreen)
    # setsid: own process group, so cleanup reaches anything it spawns.
    # shellcheck disable=SC2086  # JAVA_OPTS is a word list on purpose
    # The class-data-sharing archive mvn package leaves beside the jar (README, "Start-up"), when it is there.
    cds=()
    [[ -f "${jar%.jar}.jsa" ]] && cds=(-XX:SharedArchiveFile="${jar%.jar}.jsa")
    proxy_t0="$(date +%s.%N)"
    setsid "${pin_proxy[@]}" java @"$jvm_options" "${cds[@]}" ${JAVA_OPTS:-} \
      -Xlog:gc,gc+phases=info:file="$workdir/gc.log":uptime,level,tags -jar "$jar" --config "$config" \
      >"$workdir/proxy.log" 2>&1 </dev/null &
    proxy_pid=$!
    wait_listen "$PROXY_PORT" "$proxy_pid" "sipscreen" "$workdir/proxy.log" 60
    startup_s="$(awk -v a="$proxy_t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')" ;;
  kamailio|kamailio-plain)
    kam_defs=()
    if [[ "$proxy" == kamailio ]]; then
      make_kamailio_blocklist "$block_list" "$workdir/kamailio-db"
      kam_defs=(-A WITH_BLOCKLIST -A "BLOCKLIST_DB_URL=\"text://$workdir/kamailio-db\"")
    fi
    (( signed )) && kam_defs+=(-A WITH_SECSIPID -A "SECSIPID_KEY=\"$signed_cert\"")
    setsid "${pin_proxy[@]}" kamailio -f "${SCRIPT_DIR}/kamailio/kamailio.cfg" -DD -E \
      -P "$workdir/kamailio.pid" -Y "$workdir" -L "$KAMAILIO_MODULES" -m 128 -M 8 -x "$kamailio_mem" "${kam_defs[@]}" \
      >"$workdir/proxy.log" 2>&1 </dev/null &
    proxy_pid=$!
    wait_listen "$PROXY_PORT" "$proxy_pid" "$proxy" "$workdir/proxy.log" 20 ;;
  none)
    target="${LOCAL_IP}:${UAS_PORT}" ;;
esac
if [[ -n "$proxy_pid" ]]; then
  sleep 0.5                     # let worker processes/threads settle
  kill -0 "$proxy_pid" 2>/dev/null || die "$proxy exited right after start"
  echo "run-load: $proxy pid $proxy_pid listening on ${target}/${transport}$([[ $proxy == kamailio* ]] && echo " (memory manager $kamailio_mem)")"
fi

# run_uac NAME CALLS TIMEOUT: one bounded SIPp uac run; sets uac_rc.
# make_callers N FILE: N distinct, valid NANP callers (+1 NPA NXX XXXX in assigned area codes, no N11 or
# 555 exchange) calling one callee in another area code: no list, neighbor or velocity hit.
# make_callers N FILE [EVERY BLOCKLIST]: with EVERY > 0, call number EVERY, 2*EVERY, ... comes from the
# next exact number of BLOCKLIST instead (cycled): the proxy must decline it with 603.
make_callers() {
  local blocked=""
  if (( ${3:-0} > 0 )); then
    blocked="$(awk '{ sub(/#.*/, ""); gsub(/[ \t]/, "") } /^\+?[0-9]+$/ { if ($0 !~ /^\+/) $0 = "+" $0; printf "%s ", $0 }' "$4")"
    [[ -n "$blocked" ]] || die "--block-every: no exact number in $4"
  fi
  awk -v n="$1" -v every="${3:-0}" -v blocked="$blocked" 'BEGIN {
    print "SEQUENTIAL"
    split("212 213 312 415 617 646 702 713 805 917", npa, " ")
    nb = split(blocked, blk, " ")
    for (i = 0; i < n; i++) {
      if (every > 0 && (i + 1) % every == 0) { printf "%s;+13107940100\n", blk[1 + int(i / every) % nb]; continue }
      nxx = 234 + int(i / 100000) % 600
      if (nxx % 100 == 11 || nxx == 555) nxx++
      printf "+1%s%03d%04d;+13107940100\n", npa[1 + int(i / 10000) % 10], nxx, i % 10000
    }
  }' > "$2"
}

run_uac() {
  local name="$1" n="$2" secs="$3"       # $4: injection file (default: $inf)
  local -a args=(
    "$target" -sf "$scenario" -i "$LOCAL_IP" -p "$UAC_PORT" -t "$sipp_transport" -buff_size 4194304
    -r "$rate" -rp 1000 -m "$n" -d 0 -nostdin
    -recv_timeout 10000 -timeout "${secs}s" -timeout_error
    -trace_stat -stf "$workdir/${name}_stat.csv" -fd 1
    -trace_err -error_file "$workdir/${name}_errors.log"
  )
  [[ -n "${4:-$inf}" ]] && args+=(-inf "${4:-$inf}")
  if [[ "$name" == uac ]]; then
    args+=(-trace_rtt -rtt_freq 1 -trace_shortmsg -shortmessage_file "$workdir/uac_shortmessages.log")
  fi
  uac_rc=0
  # Background + wait, so that a signal to this script is handled (trap) at
  # once rather than after the uac finishes. bash's time keyword records the
  # uac's user+sys CPU seconds.
  (
    cd "$workdir"
    TIMEFORMAT='%3U %3S'
    { time timeout -k 5 "$(( secs + 15 ))" "${pin_load[@]}" sipp "${args[@]}" \
        >"$workdir/${name}.out" 2>&1 </dev/null; } 2>"$workdir/${name}_cpu.txt"
  ) &
  uac_pid=$!
  wait "$uac_pid" || uac_rc=$?
  uac_pid=""
}

if (( generate_callers )); then
  make_callers $(( calls + warmup )) "$workdir/callers.csv" "$block_every" "$block_list"
  inf="$workdir/callers.csv"
  own_callers=1
fi
# Each SIPp run reads its injection file from the top: with one file the measured calls would come again
# from the warm-up's callers, all known to the proxy by then (velocity windows, caches), where the warm-up's
# were all new, and the change in the middle of the load made the JIT recompile hot code during the measured
# run. Split the callers made here: the warm-up takes the first ones, the measured run the rest.
warmup_inf="$inf"
if (( warmup > 0 && own_callers )); then
  warmup_inf="${inf%.csv}-warmup.csv"
  awk -v w="$warmup" -v a="$warmup_inf" -v b="${inf%.csv}-measured.csv" '
    NR == 1 { print > a; print > b; next }
    NR <= w + 1 { print > a; next }
    { print > b }' "$inf"
  inf="${inf%.csv}-measured.csv"
fi
if (( warmup > 0 )); then
  echo "run-load: warm-up, $warmup calls at $rate/s (not measured)"
  run_uac warmup "$warmup" "$warmup_timeout" "$warmup_inf"
  echo "run-load: warm-up sipp exit $uac_rc, failed calls: $(stat_col "$workdir/warmup_stat.csv" 'FailedCall(C)')"
  # The uas serves warm-up and measured calls: remember what the warm-up left in its error log.
  unexp_warmup="$({ grep -o 'Continuing call on unexpected' "$workdir/uas_errors.log" 2>/dev/null || true; } | wc -l)"
  sleep 5                       # let the uas time-wait calls drain
fi

echo "run-load: measured run, $calls calls at $rate/s"
cpu0=0; cpu1=0
[[ -n "$proxy_pid" ]] && cpu0="$(cpu_ticks "$proxy_pid")"
psi0="$(cpu_pressure_us)"
uas_cpu0="$(cpu_ticks "$uas_pid")"
udp_drop0="$(udp_rcvbuf_errors)"
t0="$(date +%s.%N)"
run_uac uac "$calls" "$hard_timeout"
t1="$(date +%s.%N)"
psi1="$(cpu_pressure_us)"
uas_cpu1="$(cpu_ticks "$uas_pid")"
udp_drop1="$(udp_rcvbuf_errors)"
if (( uac_rc > 128 )); then
  echo "run-load: WARNING: sipp uac was killed by signal $(( uac_rc - 128 )) (not by this script)" >&2
fi
if [[ -n "$proxy_pid" ]]; then
  cpu1="$(cpu_ticks "$proxy_pid")"
  kill -0 "$proxy_pid" 2>/dev/null || { echo "run-load: $proxy died during the run" >&2; }
  rss_kb="$(rss_hwm_kb "$proxy_pid")"
  rss_now_kb="$(awk '/^VmRSS:/ { print $2 }' "/proc/$proxy_pid/status" 2>/dev/null || echo na)"
else
  rss_kb=na
  rss_now_kb=na
fi

# ---------------------------------------------------------------- results
stat="$workdir/uac_stat.csv"
[[ -s "$stat" ]] || die "sipp uac wrote no statistics (exit $uac_rc), see $workdir/uac.out"
created="$(stat_col "$stat" TotalCallCreated)"
ok="$(stat_col "$stat" 'SuccessfulCall(C)')"
sipp_failed="$(stat_col "$stat" 'FailedCall(C)')"
retrans="$(stat_col "$stat" 'Retransmissions(C)')"
created="${created:-0}"; ok="${ok:-0}"; sipp_failed="${sipp_failed:-0}"
# failed = what SIPp counted, or everything that did not succeed (e.g. the
# run was cut by the timeout), whichever is larger
failed=$(( calls - ok ))
(( sipp_failed > failed )) && failed="$sipp_failed"

# Call-setup latency: first INVITE sent -> first 200 OK (to the INVITE)
# received, per Call-ID, from -trace_shortmsg (microsecond timestamps).
# Also the span first INVITE .. last message, for the achieved rate.
shopt -s nullglob
shortmsg="$workdir/uac_shortmessages.log"
[[ -s "$shortmsg" ]] || shortmsg=""
lat_file="$workdir/setup_latency_ms.txt"
span_s=0; late_1xx=0; declined=0
if [[ -n "$shortmsg" ]]; then
  read -r span_s late_1xx declined < <(awk -F'\t' -v out="$lat_file" '
    $6 == "CSeq:1 INVITE" {
      if ($4 == "S" && !($5 in sent)) sent[$5] = $3
      else if ($4 == "R" && $7 ~ /^SIP\/2\.0 200/ && !($5 in got) && ($5 in sent)) {
        got[$5] = 1; printf "%.3f\n", ($3 - sent[$5]) * 1000 > out
      }
      else if ($4 == "R" && $7 ~ /^SIP\/2\.0 1/ && ($5 in got)) late++
      else if ($4 == "R" && $7 ~ /^SIP\/2\.0 603/ && !($5 in dec)) { dec[$5] = 1; ndec++ }
    }
    { if (first == "" || $3 < first) first = $3; if ($3 > last) last = $3 }
    END { printf "%.6f %d %d\n", (first == "" ? 0 : last - first), late, ndec }' "$shortmsg")
fi
# uas: messages ignored instead of aborting the call (-default_behaviors
# all,-abortunexp), typically an ACK overtaken by the BYE
unexp_uas="$({ grep -o 'Continuing call on unexpected' "$workdir/uas_errors.log" 2>/dev/null || true; } | wc -l)"
unexp_uas=$(( unexp_uas - ${unexp_warmup:-0} ))
: >>"$lat_file"
sort -n -o "$lat_file" "$lat_file"
pct() {   # pct FILE P: nearest-rank percentile of a sorted column, "na" if empty
  awk -v p="$2" '{ v[NR] = $1 } END {
    if (NR == 0) { print "na"; exit }
    r = int(p * NR / 100); if (r < p * NR / 100) r++; if (r < 1) r = 1
    print v[r] }' "$1"
}
p50="$(pct "$lat_file" 50)"; p90="$(pct "$lat_file" 90)"; p99="$(pct "$lat_file" 99)"
lat_n="$(wc -l <"$lat_file")"
lat_max="$(tail -n 1 "$lat_file")"
lat_max="${lat_max:-na}"

# Transit: the same interval minus the time the uas held the call (its first INVITE received -> its
# first 200 sent, from the uas's own -trace_shortmsg; both SIPp read the same host clock). What is left is
# the path there and back: kernel, SIPp receive loops and, unless --proxy none, the proxy. The latency a
# proxy adds = its transit minus the transit of --proxy none (loadtest/latency.sh alternates the two).
transit_file="$workdir/transit_ms.txt"
: >"$transit_file"
if [[ -n "$shortmsg" && -s "$workdir/uas_shortmessages.log" ]]; then
  awk -F'\t' -v out="$transit_file" '
    FNR == 1 { file++ }
    $6 != "CSeq:1 INVITE" { next }
    file == 1 {   # uas
      if ($4 == "R" && !($5 in uin)) uin[$5] = $3
      else if ($4 == "S" && $7 ~ /^SIP\/2\.0 200/ && !($5 in uout)) uout[$5] = $3
      next
    }
    {             # uac
      if ($4 == "S" && !($5 in sent)) sent[$5] = $3
      else if ($4 == "R" && $7 ~ /^SIP\/2\.0 200/ && !($5 in got) && ($5 in sent) && ($5 in uout)) {
        got[$5] = 1; printf "%.3f\n", (($3 - sent[$5]) - (uout[$5] - uin[$5])) * 1000 > out
      }
    }' "$workdir/uas_shortmessages.log" "$shortmsg"
fi
sort -n -o "$transit_file" "$transit_file"

# SIPp's own response time 1 (same interval, whole milliseconds), -trace_rtt.
files=("$workdir"/*_rtt.csv)
rtt_file="${files[0]:-}"
rtd_p50=na; rtd_p99=na
if [[ -n "$rtt_file" ]]; then
  awk -F';' 'NR > 1 && $3 == 1 { print $2 }' "$rtt_file" | sort -n >"$workdir/rtd1_ms.txt"
  rtd_p50="$(pct "$workdir/rtd1_ms.txt" 50)"; rtd_p99="$(pct "$workdir/rtd1_ms.txt" 99)"
fi

transit_p50="$(pct "$transit_file" 50)"; transit_p99="$(pct "$transit_file" 99)"
transit_n="$(wc -l <"$transit_file")"

# GC during the measured run (sipscreen): pause percentiles and heap after collection, from -Xlog:gc
# (uptime-stamped; the window is the uac run measured from the JVM's start).
alloc_kb=na; gc_n=na; gc_p50=na; gc_p99=na; gc_max=na; heap_first=na; heap_last=na; heap_max=na
if [[ -n "${proxy_t0:-}" && -s "$workdir/gc.log" ]]; then
  read -r gc_n gc_p50 gc_p99 gc_max heap_first heap_last heap_max alloc_kb < <(awk \
    -v from="$(awk -v a="$proxy_t0" -v b="$t0" 'BEGIN { print b - a }')" \
    -v to="$(awk -v a="$proxy_t0" -v b="$t1" 'BEGIN { print b - a }')" '
    { up = substr($1, 2) + 0 }          # "[12.345s]..."
    up < from || up > to { next }
    / Pause / && $NF ~ /ms$/ { v = $NF; sub(/ms$/, "", v); p[++n] = v + 0 }
    /\[gc *\]/ && /->/ {                 # heap before->after: "30M->21M(256M)" or ZGC "60M(23%)->10M(4%)"
      h = $0; sub(/.*->/, "", h); sub(/M.*/, "", h); h += 0
      b = $0; sub(/->.*/, "", b); sub(/.* /, "", b); sub(/M.*/, "", b); b += 0
      # allocated since the previous collection = heap before this one - heap after the previous one
      if (nh > 0) { alloc += b - last; alloc_t = up - first_t } else first_t = up
      if (nh++ == 0) first = h; last = h; if (h > hmax) hmax = h }
    END {
      kb = alloc_t > 0 ? alloc ":" alloc_t : "na"   # MB:seconds, per call below
      if (n == 0) { print 0, "na", "na", "na", (nh ? first : "na"), (nh ? last : "na"), (nh ? hmax : "na"), kb; exit }
      for (i = 1; i <= n; i++) for (j = i; j > 1 && p[j - 1] > p[j]; j--) { t = p[j]; p[j] = p[j - 1]; p[j - 1] = t }
      r50 = int(0.5 * n); if (r50 < 0.5 * n) r50++; if (r50 < 1) r50 = 1
      r99 = int(0.99 * n); if (r99 < 0.99 * n) r99++; if (r99 < 1) r99 = 1
      print n, p[r50], p[r99], p[n], (nh ? first : "na"), (nh ? last : "na"), (nh ? hmax : "na"), kb }' "$workdir/gc.log")
fi

wall_s="$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')"
cps="$(awk -v n="$ok" -v s="$span_s" 'BEGIN { if (s > 0) printf "%.1f", n / s; else print "na" }')"
# heap allocated per call: MB allocated over the seconds between the window's first and last collection,
# at the achieved call rate
alloc_kb="$(awk -v a="$alloc_kb" -v c="$cps" -v r="$rate" 'BEGIN {
  if (split(a, x, ":") != 2 || x[2] <= 0) { print "na"; exit }
  if (c == "na" || c <= 0) c = r
  printf "%.2f", x[1] * 1024 / (x[2] * c) }')"
if [[ -n "$proxy_pid" ]]; then
  cpu_s="$(awk -v t=$(( cpu1 - cpu0 )) -v hz="$clk_tck" 'BEGIN { printf "%.2f", t / hz }')"
  cpu_us_per_call="$(awk -v t=$(( cpu1 - cpu0 )) -v hz="$clk_tck" -v n="$created" \
    'BEGIN { if (n > 0) printf "%.1f", t * 1e6 / hz / n; else print "na" }')"
  cpu_pct="$(awk -v c="$cpu_s" -v w="$wall_s" 'BEGIN { printf "%.0f", 100 * c / w }')"
else
  cpu_s=na; cpu_us_per_call=na; cpu_pct=na
fi

cpu_pressure="$(awk -v a="${psi0:-}" -v b="${psi1:-}" -v w="$wall_s" \
  'BEGIN { if (a == "" || b == "" || w <= 0) print "na"; else printf "%.0f", (b - a) / 1e4 / w }')"
uas_cpu_s="$(awk -v t=$(( uas_cpu1 - uas_cpu0 )) -v hz="$clk_tck" 'BEGIN { printf "%.2f", t / hz }')"
uac_cpu_s="$(awk '{ printf "%.2f", $1 + $2 }' "$workdir/uac_cpu.txt" 2>/dev/null || true)"

cat <<EOF

==== sipscreen load test: proxy=$proxy transport=$transport rate=$rate/s calls=$calls
calls attempted    : $created (requested $calls, sipp exit $uac_rc)
successful         : $ok (of which declined with 603 by the proxy: $declined)
failed             : $failed (sipp FailedCall $sipp_failed, retransmissions $retrans)
reordered (ignored): ${late_1xx} late 1xx after the 200 at the uac, ${unexp_uas} unexpected messages (late ACKs) at the uas
achieved rate      : $cps calls/s (successful calls / first INVITE..last message)
proxy CPU          : ${cpu_s} s in ${wall_s} s uac run (${cpu_pct}% of one core), ${cpu_us_per_call} us/call
setup latency (ms) : p50 $p50  p90 $p90  p99 $p99  max $lat_max  over $lat_n calls
                     (INVITE sent -> 200 OK received at the uac, incl. uas; -trace_shortmsg us timestamps)
transit (ms)       : p50 $transit_p50  p99 $transit_p99  over $transit_n calls
                     (the same minus the uas's INVITE->200 time: the round trip through the path)
SIPp RTD1 (ms)     : p50 $rtd_p50  p99 $rtd_p99 (same interval, SIPp 1 ms clock, -trace_rtt)
GC (sipscreen)     : ${gc_n} pauses, p50 ${gc_p50} ms, p99 ${gc_p99} ms, max ${gc_max} ms; heap after GC ${heap_first} MB first, ${heap_last} MB last, ${heap_max} MB max (-Xlog:gc in the work dir)
heap allocated     : ${alloc_kb} kB per call (heap growth between collections / calls placed meanwhile at the achieved rate)
proxy max RSS      : ${rss_kb} kB (VmHWM, summed over the proxy's processes); now ${rss_now_kb} kB (VmRSS)
proxy start-up     : ${startup_s:-na} s (java launched -> SIP port listening, 20 ms polls; sipscreen only)
SIPp CPU           : uac ${uac_cpu_s:-na} s, uas ${uas_cpu_s} s (load generator, same window)
CPU pressure       : ${cpu_pressure}% of the run some task waited for one of the $(nproc) CPUs (/proc/pressure/cpu)
UDP rcvbuf drops   : $(( udp_drop1 - udp_drop0 )) datagrams host-wide during the run (/proc/net/snmp RcvbufErrors)
work dir           : $workdir
EOF
workdir_printed=1
echo "RESULT calls=$created failed=$failed cps=$cps cpu_us_per_call=$cpu_us_per_call p50_ms=$p50 p99_ms=$p99 rss_kb=$rss_kb declined=$declined transit_p50_ms=$transit_p50 transit_p99_ms=$transit_p99 gc_pauses=$gc_n gc_p99_ms=$gc_p99 gc_max_ms=$gc_max heap_first_mb=$heap_first heap_last_mb=$heap_last alloc_kb_per_call=$alloc_kb startup_s=${startup_s:-na} rss_now_kb=$rss_now_kb"

if (( signed )) && [[ "$proxy" == sipscreen ]]; then
  # Every signed call must have verified: count the proxy's stir_shaken results (retransmissions count too).
  http_port="$(awk '/^http:/ { h = 1 } h && /port:/ { print $2; exit }' "$config")"
  stir="$(curl -s "http://${LOCAL_IP}:${http_port:-8080}/metrics" | awk '
    /^sipscreen_stir_verifications_total/ { match($0, /result="[a-z_]+"/); r = substr($0, RSTART + 8, RLENGTH - 9); n[r] += $NF }
    /^sipscreen_stir_verification_seconds_(sum|count) / { s[$1] = $2 }
    END { printf "passed=%d failed=%d no_identity=%d certificate_unavailable=%d mean_verify_us=%.1f",
          n["passed"], n["failed"], n["no_identity"], n["certificate_unavailable"],
          (s["sipscreen_stir_verification_seconds_count"] > 0 ? 1e6 * s["sipscreen_stir_verification_seconds_sum"] / s["sipscreen_stir_verification_seconds_count"] : 0) }')"
  echo "STIR $stir"
  [[ "$stir" == *" failed=0 no_identity=0 certificate_unavailable=0 "* && "$stir" != passed=0* ]] \
    || { echo "run-load: not every signed call verified" >&2; exit 1; }
fi

if (( failed > 0 )); then exit 1; fi
exit 0
