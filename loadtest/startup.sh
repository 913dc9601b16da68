#!/usr/bin/env bash
# Start-up time of the sipscreen proxy: from `java …` to the SIP listener bound.
#
# Starts the proxy RUNS times per jar (alternating when two jars are given), polls every 10 ms until the
# UDP listener is bound, and prints per start the wall-clock seconds, the process's CPU seconds at that
# moment, and what the warm-up said; then the median per jar. The class-data archive beside each jar
# (sipscreen.jsa) is used when it is there, as the README's start command does. All traffic stays on
# 127.0.0.1 (the warm-up plays over loopback). See loadtest/README.md.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(cd "${SCRIPT_DIR}/.." && pwd)"
readonly SCRIPT_DIR REPO_DIR

usage() {
  cat <<EOF
Usage: $(basename "$0") [--jar FILE]... [--runs N] [--config FILE] [--jvm-options FILE] [--port PORT]
                        [-h|--help]

  --jar FILE          sipscreen jar; give it twice to compare two jars, alternating (default:
                      proxy/target/sipscreen.jar)
  --runs N            starts per jar (default: 5)
  --config FILE       config to start with (default: config/sipscreen.yaml); its UDP listener port
                      must be --port
  --jvm-options FILE  java argument file (default: deploy/jvm.options)
  --port PORT         the config's UDP listener port to wait for (default: 5060)

Each start is stopped with SIGTERM as soon as its listener is bound. The proxy's log of each start
goes to a temporary file, deleted at the end. Run it on a quiet host: start-up is CPU-bound (the JIT
and the warm-up share the CPUs), so other work on the machine lengthens it directly.
EOF
}

jars=()
runs=5
config="${REPO_DIR}/config/sipscreen.yaml"
jvm_options="${REPO_DIR}/deploy/jvm.options"
port=5060
while [[ $# -gt 0 ]]; do
  case "$1" in
    --jar) jars+=("$(realpath "$2")"); shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --config) config="$(realpath "$2")"; shift 2 ;;
    --jvm-options) jvm_options="$(realpath "$2")"; shift 2 ;;
    --port) port="$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "startup.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
[[ ${#jars[@]} -gt 0 ]] || jars=("${REPO_DIR}/proxy/target/sipscreen.jar")
for jar in "${jars[@]}"; do
  [[ -f "$jar" ]] || { echo "startup.sh: no jar at $jar (mvn package first)" >&2; exit 2; }
done
if ss -lunH "sport = :${port}" | grep -q .; then
  echo "startup.sh: UDP port ${port} is already bound; stop what listens there first" >&2
  exit 2
fi

log="$(mktemp /tmp/sipscreen-startup.XXXXXX)"
trap 'rm -f "$log"' EXIT
hz="$(getconf CLK_TCK)"

# shellcheck source=lib/wait.sh
source "${SCRIPT_DIR}/lib/wait.sh"
port_hex="$(printf ':%04X' "$port")"

# start JAR: prints "wall_s cpu_s | warm-up lines"
start() {
  local jar="$1" archive t0 t1 pid cpu
  archive=()
  [[ -f "${jar%.jar}.jsa" ]] && archive=("-XX:SharedArchiveFile=${jar%.jar}.jsa")
  t0="$(date +%s.%N)"
  # From the jar's checkout: the class-data archive names the jar by its path relative to where it was built.
  (cd "$(dirname "$jar")/../.." && exec java "@${jvm_options}" "${archive[@]}" -jar "$jar" --config "$config") \
    >"$log" 2>&1 &
  pid=$!
  while ! socket_bound udp "$port_hex"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "startup.sh: the proxy exited before listening; its log:" >&2
      tail -20 "$log" >&2
      exit 1
    fi
    pause 0.01
  done
  t1="$(date +%s.%N)"
  cpu="$(awk -v hz="$hz" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/${pid}/stat")"
  kill -TERM "$pid"
  wait "$pid" 2>/dev/null || true
  printf '%s %s | %s\n' "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')" "$cpu" \
    "$(grep -o 'warm-up: .*' "$log" | tr '\n' ';')"
}

declare -A walls cpus
for ((i = 1; i <= runs; i++)); do
  for jar in "${jars[@]}"; do
    line="$(start "$jar")"
    echo "run $i $(basename "$(cd "$(dirname "$jar")/../.." && pwd)"): wall ${line%% *} s, cpu $(echo "$line" | awk '{print $2}') s ${line#* * }"
    walls[$jar]+="${line%% *} "
    cpus[$jar]+="$(echo "$line" | awk '{print $2}') "
  done
done
median() { tr ' ' '\n' | grep . | sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
for jar in "${jars[@]}"; do
  echo "RESULT jar=${jar} runs=${runs} startup_median_s=$(echo "${walls[$jar]}" | median) cpu_median_s=$(echo "${cpus[$jar]}" | median) startup_s=[${walls[$jar]% }] load=$(cut -d' ' -f1-3 /proc/loadavg)"
done
