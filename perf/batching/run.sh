#!/usr/bin/env bash
# The dynamic-batching benchmark, end to end, on one machine (see perf/README.md, "Dynamic batching"):
# MLP 256->1024->1024->10, max_batch_size 64, one CPU instance with intra_op_thread_count 1,
# HTTP/1.1 binary tensors from h2load (Debian: nghttp2-client) at $CONNECTIONS connections.
#
#   P  Kestrel plaintext req/s, same h2load, body and connections (perf/InferenceServer.Perf.Plaintext, AOT)
#   R  in-process ONNX Runtime rows/s at batch 64, same thread count (perf/InferenceServer.Perf.OrtRate)
#   (each measured before and after the server runs; the limit uses the means)
#   combined limit on C cores = C / (C/P + 1/R) req/s, since h2load and the server share the cores
#   then the AOT server on a repository with dynamic_batching { max_queue_delay_microseconds: 2000 }
#   and on the same repository without it.
# Targets: batched >= 85 % of the combined limit; batched >= 4x unbatched;
#          batched p99 <= 2 ms + 2 x the batch-64 run time.
#
# usage: perf/batching/run.sh        (from anywhere; takes a few minutes)
# knobs (environment):
#   REQUESTS=200000       requests per measured h2load run (ignored when DURATION is set)
#   DURATION=             seconds per measured run instead of a request count (h2load -D)
#   CONNECTIONS=64        h2load connections (-c), one request in flight on each
#   H2LOAD_THREADS=1      h2load threads (-t)
#   WARMUP_REQUESTS=5000  untimed requests before each measured run
#   INTRA_OP_THREADS=1    the model's intra_op_thread_count, and the thread count R is measured with
#   QUEUE_DELAY_US=2000   max_queue_delay_microseconds of the batched repository
#   ADAPTIVE_WAIT=true    false: the batched repository waits out the delay as Triton does (adaptive_batching_wait)
#   PREFERRED_BATCH_SIZES=  e.g. "16": preferred_batch_size of the batched repository (none by default, as the issue's config)
#   ORT_SECONDS=5         timed seconds of the R measurement
#   REUSE_BUILD=0         1: use the published server, plaintext app and OrtRate build as they are (build if missing)
#   SERVER_DIR=artifacts/aot  folder of the published server (inference-server + libonnxruntime.so)
#   HTTP_PORT=18000 GRPC_PORT=18001 METRICS_PORT=18002 PLAINTEXT_PORT=18090
#   KEEP_WORK=0           1: keep the work folder (repositories, bodies, h2load logs) and print its path
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root"

requests=${REQUESTS:-200000}
duration=${DURATION:-}
connections=${CONNECTIONS:-64}
h2threads=${H2LOAD_THREADS:-1}
warmup=${WARMUP_REQUESTS:-5000}
intra=${INTRA_OP_THREADS:-1}
delay=${QUEUE_DELAY_US:-2000}
adaptive=${ADAPTIVE_WAIT:-true}
preferred=${PREFERRED_BATCH_SIZES:-}
ort_seconds=${ORT_SECONDS:-5}
http_port=${HTTP_PORT:-18000}
grpc_port=${GRPC_PORT:-18001}
metrics_port=${METRICS_PORT:-18002}
plain_port=${PLAINTEXT_PORT:-18090}
cores=$(nproc)

aot=$(realpath -m "${SERVER_DIR:-$root/artifacts/aot}")
plain="$root/artifacts/perf-plaintext"
ortrate_dll="$root/perf/InferenceServer.Perf.OrtRate/bin/Release/net10.0/perf-ort-rate.dll"

command -v h2load >/dev/null || { echo "h2load not found: apt-get install -y nghttp2-client" >&2; exit 2; }
command -v python3 >/dev/null || { echo "python3 not found" >&2; exit 2; }
command -v curl >/dev/null || { echo "curl not found" >&2; exit 2; }
if [[ -z "$duration" && "$requests" -lt "$connections" ]]; then
  echo "REQUESTS ($requests) must be at least CONNECTIONS ($connections)" >&2; exit 2
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/batching-bench.XXXXXX")
source "$root/perf/lib.sh"

step() { printf '\n== %s\n' "$*"; }

# The server process's CPU time so far (user + system), in clock ticks.
server_cpu_ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }

# warm NAME URL: untimed requests, output in $work/NAME.warmup.h2load.
warm() {
  if (( warmup >= connections )); then
    h2load "${h2load_common[@]}" -n "$warmup" "$2" >"$work/$1.warmup.h2load"
  fi
}

# measure NAME URL: the measured run; output in $work/NAME.h2load, per-request log in $work/NAME.log.
measure() {
  local -a amount=(-n "$requests")
  if [[ -n "$duration" ]]; then amount=(-D "$duration"); fi
  h2load "${h2load_common[@]}" "${amount[@]}" --log-file="$work/$1.log" "$2" >"$work/$1.h2load"
  grep -E "finished in|requests:|status codes" "$work/$1.h2load" | sed 's/^/  /'
}

step "build (REUSE_BUILD=${REUSE_BUILD:-0})"
if [[ "${REUSE_BUILD:-0}" != 1 || ! -x "$aot/inference-server" ]]; then
  dotnet publish src/InferenceServer -c Release -r linux-x64 -o "$aot" -nologo -v quiet
fi
if [[ "${REUSE_BUILD:-0}" != 1 || ! -x "$plain/perf-plaintext" ]]; then
  dotnet publish perf/InferenceServer.Perf.Plaintext -c Release -r linux-x64 -o "$plain" -nologo -v quiet
fi
if [[ "${REUSE_BUILD:-0}" != 1 || ! -f "$ortrate_dll" ]]; then
  dotnet build perf/InferenceServer.Perf.OrtRate -c Release -nologo -v quiet
fi

step "model repositories and request body in $work"
# Identical repositories but for dynamic_batching; the model file is written by the project's ONNX writer.
for variant in batched unbatched; do
  repo="$work/repo-$variant"
  dotnet "$ortrate_dll" --write-model "$repo/mlp/1/model.onnx" | sed 's/^/  /'
  {
    echo "# Benchmark MLP 256->1024->1024->10 written by perf/batching/run.sh ($variant)."
    echo 'name: "mlp"'
    echo 'platform: "onnxruntime_onnx"'
    echo 'max_batch_size: 64'
    echo 'input [ { name: "INPUT0" data_type: TYPE_FP32 dims: [ 256 ] } ]'
    echo 'output [ { name: "OUTPUT0" data_type: TYPE_FP32 dims: [ 10 ] } ]'
    echo 'instance_group [ { count: 1 kind: KIND_CPU } ]'
    echo "parameters { key: \"intra_op_thread_count\" value { string_value: \"$intra\" } }"
    if [[ $variant == batched ]]; then
      echo "dynamic_batching { max_queue_delay_microseconds: $delay${preferred:+ preferred_batch_size: [ $preferred ]} }"
      echo "parameters { key: \"adaptive_batching_wait\" value { string_value: \"$adaptive\" } }"
    fi
  } >"$repo/mlp/config.pbtxt"
done
python3 "$here/make_payload.py" "$work" mlp
header_length=$(cat "$work/mlp.bin.header-length")
echo "  body $(wc -c <"$work/mlp.bin") bytes, JSON header $header_length bytes"
h2load_common=(--h1 -c "$connections" -t "$h2threads" -d "$work/mlp.bin"
  -H "Inference-Header-Content-Length: $header_length" -H "Content-Type: application/octet-stream")

# measure_p NAME: P, the Kestrel plaintext app under the same h2load command.
measure_p() {
  step "P: Kestrel plaintext (AOT), h2load --h1 -c $connections ($1)"
  port_free "$plain_port" PLAINTEXT_PORT
  "$plain/perf-plaintext" "$plain_port" >"$work/$1.out" 2>&1 &
  pid=$!
  wait_for "http://127.0.0.1:$plain_port/" 30
  warm "$1" "http://127.0.0.1:$plain_port/v2/models/mlp/infer"
  measure "$1" "http://127.0.0.1:$plain_port/v2/models/mlp/infer"
  stop
}

# measure_r FILE: R, in-process ONNX Runtime rows/s at batch 64 (and batch 1 for reference).
measure_r() {
  step "R: ONNX Runtime in process, batch 64, intra-op threads $intra ($1)"
  dotnet "$ortrate_dll" --batch 64 --threads "$intra" --seconds "$ort_seconds" --batch1 | tee "$work/$1" | grep -v '^RESULT' | sed 's/^/  /'
}

# P and R are measured before the server runs and again after them: the machine's speed drifts within minutes
# on a shared VM, and the mean of the two brackets the runs they are set against.
measure_p plaintext
measure_r ort.txt

for variant in batched unbatched; do
  step "server, $variant: h2load --h1 -c $connections"
  port_free "$http_port" HTTP_PORT; port_free "$grpc_port" GRPC_PORT; port_free "$metrics_port" METRICS_PORT
  "$aot/inference-server" --model-repository="$work/repo-$variant" --address=127.0.0.1 \
    --http-port="$http_port" --grpc-port="$grpc_port" --metrics-port="$metrics_port" >"$work/server-$variant.out" 2>&1 &
  pid=$!
  wait_for "http://127.0.0.1:$http_port/v2/health/ready" 60
  url="http://127.0.0.1:$http_port/v2/models/mlp/infer"
  # One request by hand first, so a wrong body or config fails here with the server's message.
  status=$(curl -s -o "$work/$variant.first-response" -w '%{http_code}' --data-binary "@$work/mlp.bin" \
    -H "Inference-Header-Content-Length: $header_length" -H "Content-Type: application/octet-stream" "$url")
  if [[ $status != 200 ]]; then
    echo "first request answered $status:" >&2; cat "$work/$variant.first-response" >&2; echo >&2
    exit 1
  fi
  stats="http://127.0.0.1:$http_port/v2/models/mlp/stats"
  warm "$variant" "$url"
  curl -sf "$stats" >"$work/$variant.stats-before.json"
  cpu_before=$(server_cpu_ticks)
  measure "$variant" "$url"
  echo "$cpu_before $(server_cpu_ticks) $(getconf CLK_TCK)" >"$work/$variant.cpu"
  curl -sf "$stats" >"$work/$variant.stats-after.json"
  stop
done

measure_p plaintext-after
measure_r ort-after.txt

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
step "summary: $(date -u +%Y-%m-%dT%H:%MZ), $cores cores (${cpu:-unknown CPU}), $(free -g | awk '/^Mem:/{print $2}') GiB, $connections connections, h2load $(h2load --version | awk '{print $2}')"
python3 "$here/summarize.py" "$work" "$cores"
