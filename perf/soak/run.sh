#!/usr/bin/env bash
# The reload memory soak (see perf/README.md, "Reload memory soak"): CYCLES cycles of
#   POST /v2/repository/models/mlp/load -> one inference (must answer 200) -> POST .../unload
# against the native-AOT server in explicit model-control mode, reading the server's VmRSS from
# /proc/<pid>/status after every cycle. Target: RSS growth < BOUND_PCT % from cycle FROM_CYCLE to the end.
#
# The model is the benchmark MLP 256->1024->1024->10 of perf/batching (5.2 MB of FP32 weights,
# written by the project's ONNX writer through perf-ort-rate --write-model), so a leak of one
# session per cycle is several MB per cycle and plain to see.
#
# Where the sample is taken: right after the unload's 200, i.e. with no model loaded, so anything a
# cycle leaves behind shows in it. The soak sends one request at a time, so the version is idle when
# it is unloaded and its retirement (drain, then ORT session disposal) has nothing to wait for; it
# runs before, or within microseconds of, the unload's answer.
#
# usage: perf/soak/run.sh           (from anywhere; 1-2 minutes for 1,000 cycles on 2 cores, plus the publish)
# knobs (environment):
#   CYCLES=1000           load -> infer -> unload cycles
#   FROM_CYCLE=100        the cycle growth is measured from (the first cycles fill pools and caches)
#   BOUND_PCT=5           pass when RSS at the end is < BOUND_PCT % above RSS at FROM_CYCLE
#   WINDOW=10             growth is also computed between medians of the WINDOW cycles ending at
#                         FROM_CYCLE and at the end, which a single GC's timing cannot move
#   CSV=artifacts/soak/rss.csv   where the per-cycle samples go
#   REUSE_BUILD=0         1: use the published server and OrtRate build as they are (build if missing)
#   SERVER_DIR=artifacts/aot     folder of the published server (inference-server + libonnxruntime.so)
#   SERVER_BINARY=        path of a server executable to run instead (implies no publish)
#   HTTP_PORT=18010 GRPC_PORT=18011 METRICS_PORT=18012
#   KEEP_WORK=0           1: keep the work folder (repository, request body, server output) and print its path
#   LATENCY_CHECK=0       1: after the cycles, compare the request path's p50 on the soaked server with a fresh
#                         one (Triton's InferenceRequestNew grew from 10 us to 2 ms after a week of reloads):
#                         LATENCY_ROUNDS=3 rounds alternating the two servers, LATENCY_SECONDS=5 each, load tool
#                         at concurrency 1 on the loaded MLP; passes when the median ratio soaked/fresh is below
#                         LATENCY_BOUND=1.25 (this VM's round-to-round spread is 10-20 %)
#   LOAD_TOOL=artifacts/loadtool/inference-load
# Anything else in the environment reaches the server, e.g. MALLOC_ARENA_MAX=2 perf/soak/run.sh.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root"

cycles=${CYCLES:-1000}
from=${FROM_CYCLE:-100}
bound=${BOUND_PCT:-5}
window=${WINDOW:-10}
csv=$(realpath -m "${CSV:-$root/artifacts/soak/rss.csv}")
http_port=${HTTP_PORT:-18010}
grpc_port=${GRPC_PORT:-18011}
metrics_port=${METRICS_PORT:-18012}

aot=$(realpath -m "${SERVER_DIR:-$root/artifacts/aot}")
server=${SERVER_BINARY:-$aot/inference-server}
ortrate_dll="$root/perf/InferenceServer.Perf.OrtRate/bin/Release/net10.0/perf-ort-rate.dll"

command -v curl >/dev/null || { echo "curl not found" >&2; exit 2; }
command -v python3 >/dev/null || { echo "python3 not found" >&2; exit 2; }
if (( from < window || cycles < from )); then
  echo "need WINDOW ($window) <= FROM_CYCLE ($from) <= CYCLES ($cycles)" >&2; exit 2
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/reload-soak.XXXXXX")
source "$root/perf/lib.sh"

step() { printf '\n== %s\n' "$*"; }

# post WHAT URL [curl args...]: POST, fail the soak with the server's answer unless it is 200.
post() {
  local what=$1 url=$2 status
  shift 2
  status=$(curl -s -o "$work/last-response" -w '%{http_code}' -X POST "$@" "$url") || status="curl exit $?"
  if [[ $status != 200 ]]; then
    echo "cycle $cycle: $what answered $status:" >&2; cat "$work/last-response" >&2 2>/dev/null; echo >&2
    echo "server output (last lines):" >&2; tail -20 "$work/server.out" >&2
    exit 1
  fi
}

# sample CYCLE: one CSV row from /proc: VmRSS, RssAnon, threads and open descriptors of the server.
sample() {
  local rss anon threads fds
  rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status")
  anon=$(awk '/^RssAnon:/ {print $2}' "/proc/$pid/status")
  threads=$(awk '/^Threads:/ {print $2}' "/proc/$pid/status")
  fds=$(find "/proc/$pid/fd" -mindepth 1 -maxdepth 1 | wc -l)
  echo "$1,$rss,$anon,$threads,$fds" >>"$csv"
}

step "build (REUSE_BUILD=${REUSE_BUILD:-0})"
if [[ -z "${SERVER_BINARY:-}" ]] && [[ "${REUSE_BUILD:-0}" != 1 || ! -x "$server" ]]; then
  dotnet publish src/InferenceServer -c Release -r linux-x64 -o "$aot" -nologo -v quiet
fi
if [[ "${REUSE_BUILD:-0}" != 1 || ! -f "$ortrate_dll" ]]; then
  dotnet build perf/InferenceServer.Perf.OrtRate -c Release -nologo -v quiet
fi
[[ -x "$server" ]] || { echo "no server executable at $server" >&2; exit 2; }

step "repository and request body in $work"
repo="$work/repo"
dotnet "$ortrate_dll" --write-model "$repo/mlp/1/model.onnx" | sed 's/^/  /'
{
  echo '# Benchmark MLP 256->1024->1024->10 written by perf/soak/run.sh.'
  echo 'name: "mlp"'
  echo 'platform: "onnxruntime_onnx"'
  echo 'max_batch_size: 64'
  echo 'input [ { name: "INPUT0" data_type: TYPE_FP32 dims: [ 256 ] } ]'
  echo 'output [ { name: "OUTPUT0" data_type: TYPE_FP32 dims: [ 10 ] } ]'
  echo 'instance_group [ { count: 1 kind: KIND_CPU } ]'
} >"$repo/mlp/config.pbtxt"
python3 "$root/perf/batching/make_payload.py" "$work" mlp
header_length=$(cat "$work/mlp.bin.header-length")

step "server: explicit model control, nothing loaded at start-up"
token=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
printf '%s' "$token" >"$work/control-token"
port_free "$http_port" HTTP_PORT; port_free "$grpc_port" GRPC_PORT; port_free "$metrics_port" METRICS_PORT
"$server" --model-repository="$repo" --model-control-mode=explicit --control-token-file="$work/control-token" --address=127.0.0.1 \
  --http-port="$http_port" --grpc-port="$grpc_port" --metrics-port="$metrics_port" >"$work/server.out" 2>&1 &
pid=$!
base="http://127.0.0.1:$http_port/v2"
deadline=$((SECONDS + 60))
until curl -sf -o /dev/null "$base/health/live"; do
  if ! kill -0 "$pid" 2>/dev/null; then echo "the server exited:" >&2; cat "$work/server.out" >&2; exit 1; fi
  if (( SECONDS >= deadline )); then echo "the server did not answer within 60 s" >&2; exit 1; fi
  sleep 0.05
done

step "$cycles cycles of load -> infer -> unload; samples in $csv"
mkdir -p "$(dirname "$csv")"
echo "cycle,rss_kib,rss_anon_kib,threads,fds" >"$csv"
cycle=0
sample 0
started=$SECONDS
for ((cycle = 1; cycle <= cycles; cycle++)); do
  post load "$base/repository/models/mlp/load" -H "Authorization: Bearer $token"
  post infer "$base/models/mlp/infer" --data-binary "@$work/mlp.bin" \
    -H "Inference-Header-Content-Length: $header_length" -H "Content-Type: application/octet-stream"
  post unload "$base/repository/models/mlp/unload" -H "Authorization: Bearer $token"
  sample "$cycle"
  if (( cycle % 100 == 0 )); then
    echo "  cycle $cycle: VmRSS $(tail -1 "$csv" | cut -d, -f2) KiB ($((SECONDS - started)) s)"
  fi
done

if grep -E ' (fail|crit): ' "$work/server.out" >&2; then
  echo "the server logged errors during the soak (above)" >&2; exit 1
fi

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
step "summary: $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores (${cpu:-unknown CPU}), $(free -g | awk '/^Mem:/{print $2}') GiB, $cycles cycles in $((SECONDS - started)) s"
verdict=0
python3 "$here/summarize.py" "$csv" "$from" "$bound" "$window" || verdict=$?

if [[ "${LATENCY_CHECK:-0}" == 1 ]]; then
  loadtool=$(realpath -m "${LOAD_TOOL:-$root/artifacts/loadtool/inference-load}")
  [[ -x $loadtool ]] || { echo "no load tool at $loadtool" >&2; exit 2; }
  step "request path p50: the soaked server against a fresh one"
  fresh_http=$((http_port + 100)); fresh_grpc=$((grpc_port + 100)); fresh_metrics=$((metrics_port + 100))
  port_free "$fresh_http" HTTP_PORT+100; port_free "$fresh_grpc" GRPC_PORT+100; port_free "$fresh_metrics" METRICS_PORT+100
  "$server" --model-repository="$repo" --model-control-mode=explicit --control-token-file="$work/control-token" --address=127.0.0.1 \
    --http-port="$fresh_http" --grpc-port="$fresh_grpc" --metrics-port="$fresh_metrics" >"$work/fresh.out" 2>&1 &
  fresh_pid=$!
  until curl -sf -o /dev/null "http://127.0.0.1:$fresh_http/v2/health/live"; do
    kill -0 "$fresh_pid" 2>/dev/null || { echo "the fresh server exited:" >&2; cat "$work/fresh.out" >&2; exit 1; }
    sleep 0.05
  done
  post load "$base/repository/models/mlp/load" -H "Authorization: Bearer $token"
  post load "http://127.0.0.1:$fresh_http/v2/repository/models/mlp/load" -H "Authorization: Bearer $token"
  : >"$work/latency.tsv"
  for ((round = 1; round <= ${LATENCY_ROUNDS:-3}; round++)); do
    for side in soaked fresh; do
      port=$http_port; [[ $side == fresh ]] && port=$fresh_http
      "$loadtool" -m mlp -u "127.0.0.1:$port" --binary --concurrency-range 1 -p 1000 --duration-secs "${LATENCY_SECONDS:-5}" >"$work/latency.table" 2>/dev/null
      p50=$(tail -1 "$work/latency.table" | awk '{print $7}')
      printf '%s\t%s\t%s\n' "$round" "$side" "$p50" | tee -a "$work/latency.tsv"
    done
  done
  kill "$fresh_pid"; wait "$fresh_pid" 2>/dev/null || true
  python3 - "$work/latency.tsv" "${LATENCY_BOUND:-1.25}" <<'PY' || verdict=1
import statistics, sys
rows = [line.split() for line in open(sys.argv[1])]
p50 = {(r, side): float(v) for r, side, v in rows}
ratios = [p50[(r, "soaked")] / p50[(r, "fresh")] for r in sorted({r for r, _ in p50}, key=int)]
median = statistics.median(ratios)
print(f"p50 soaked / fresh per round: {' '.join(f'{x:.2f}' for x in ratios)}; median {median:.2f} (bound {sys.argv[2]})")
sys.exit(0 if median < float(sys.argv[2]) else 1)
PY
fi
exit "$verdict"
