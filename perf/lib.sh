# Shared by the perf/*/run.sh scripts (source it after setting $work to the run's temporary folder):
# cleanup on exit, port checks, waiting for a server to answer, stopping it. $pid is the server being measured.
pid=
cleanup() {
  if [[ -n "$pid" ]]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  if [[ "${KEEP_WORK:-0}" == 1 ]]; then echo "work folder kept: $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

# port_free PORT VARIABLE: fails early when something already answers on a port the script is about to listen on.
port_free() {
  if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then
    echo "port $1 is in use; set ${2}=<free port>" >&2; exit 2
  fi
}

# wait_for URL SECONDS: until URL answers 2xx, or fail when the process $pid exits or time runs out.
wait_for() {
  local deadline=$((SECONDS + $2))
  until curl -sf -o /dev/null "$1"; do
    if ! kill -0 "$pid" 2>/dev/null; then echo "process exited before $1 answered" >&2; return 1; fi
    if (( SECONDS >= deadline )); then echo "$1 did not answer within $2 s" >&2; return 1; fi
    sleep 0.05
  done
}

stop() {
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  pid=
}
