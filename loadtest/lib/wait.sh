# Waiting for a listener without taking CPU from it: sourced by startup.sh and run-load.sh, which time
# start-ups that are CPU-bound on a small machine. Shell builtins only: forking `ss` and `sleep` every few
# ms took about a second from a timed start (loadtest/RESULTS.md, "Start-up: the poller took a second of it").

# socket_bound PROTO SUFFIX [STATE]: true once a PROTO (udp or tcp) socket's local address, as the kernel's
# socket tables write it (hex, e.g. 0100007F:13C4), ends in SUFFIX, in STATE (e.g. 0A, LISTEN) if given.
# Both tables are read: Netty's native transport binds IPv6 sockets, where 127.0.0.1 shows as
# ::ffff:127.0.0.1, whose hex ends as in the IPv4 table.
socket_bound() {
  local proto="$1" suffix="$2" want_state="${3:-}" table _slot local_address _remote state _rest
  for table in "/proc/net/${proto}" "/proc/net/${proto}6"; do
    [[ -r "$table" ]] || continue
    while read -r _slot local_address _remote state _rest; do
      [[ "$local_address" == *"$suffix" && ( -z "$want_state" || "$state" == "$want_state" ) ]] && return 0
    done <"$table"
  done
  return 1
}

# pause SECONDS: sleeps without forking `sleep`: a read with a timeout on a FIFO nobody writes, opened
# here, when the file is sourced, so that subshells share it and no wait forks
pause_fifo="$(mktemp -u "${TMPDIR:-/tmp}/sipscreen-pause.XXXXXX")"
mkfifo "$pause_fifo"
exec {pause_fd}<>"$pause_fifo"
rm -f "$pause_fifo"
pause() { read -r -t "$1" -u "$pause_fd" || true; }
