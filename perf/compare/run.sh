#!/usr/bin/env bash
# Side by side, in one run, on one machine (see perf/README.md, "Side by side: limits, server, naive"):
#   (a) ONNX Runtime in process at batch 1..64            perf/InferenceServer.Perf.OrtRate   the compute limit
#   (b) Kestrel plaintext, HTTP/1.1 and h2c                perf/InferenceServer.Perf.Plaintext the transport limit
#   (c) this server (native AOT) over HTTP binary, HTTP JSON and gRPC, measured by the load tool
#       (perf/InferenceServer.LoadTool) and cross-checked with h2load (Debian: nghttp2-client)
#   (d) the naive baseline: ASP.NET Core, JSON in, session.Run per request, JSON out  perf/InferenceServer.Perf.Naive
# for the tiny model (`simple` of model-repository/, as shipped) and the compute-bound MLP (256->1024x2->10,
# max_batch_size 64, dynamic_batching with no delay, one instance, intra_op_thread_count 1). Every endpoint is
# measured twice: at concurrency 1 (latency; for the server also its own breakdown and latency sketches, the
# server-added time) and at $CONCURRENCY (throughput). Prints a markdown report and writes it to $OUT.
#
# usage: perf/compare/run.sh        (from anywhere; about 8 minutes with the defaults once built)
# knobs (environment):
#   DURATION=5            seconds per measured run (h2load -D, load tool --duration-secs)
#   WARMUP=1              h2load warm-up seconds before each measured run (--warm-up-time)
#   CONCURRENCY=16        concurrency of the throughput runs (h2load -c, load tool --concurrency-range)
#   H2LOAD_THREADS=1      h2load threads (-t)
#   ORT_BATCHES=1,2,4,8,16,32,64   batch sizes of (a);  ORT_SECONDS=1  timed seconds per batch size
#   MODELS="simple mlp"   which models to run
#   REUSE_BUILD=0         1: use what is already published/built (build what is missing)
#   SERVER_DIR=artifacts/aot  folder of the published server (inference-server + libonnxruntime.so)
#   OUT=artifacts/compare/report.md
#   HTTP_PORT=18020 GRPC_PORT=18021 METRICS_PORT=18022 PLAINTEXT_PORT=18091 PLAINTEXT_H2_PORT=18092 NAIVE_PORT=18100
#   KEEP_WORK=0           1: keep the work folder (repositories, bodies, every h2load/load tool output)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root"

duration=${DURATION:-5}
warmup=${WARMUP:-1}
concurrency=${CONCURRENCY:-16}
h2threads=${H2LOAD_THREADS:-1}
ort_batches=${ORT_BATCHES:-1,2,4,8,16,32,64}
ort_seconds=${ORT_SECONDS:-1}
models=${MODELS:-simple mlp}
out=$(realpath -m "${OUT:-$root/artifacts/compare/report.md}")
http_port=${HTTP_PORT:-18020}
grpc_port=${GRPC_PORT:-18021}
metrics_port=${METRICS_PORT:-18022}
plain_port=${PLAINTEXT_PORT:-18091}
plain_h2_port=${PLAINTEXT_H2_PORT:-18092}
naive_port=${NAIVE_PORT:-18100}

aot=$(realpath -m "${SERVER_DIR:-$root/artifacts/aot}")
plain="$root/artifacts/perf-plaintext"
loadtool="$root/artifacts/loadtool"
naive="$root/artifacts/perf-naive"
ortrate_dll="$root/perf/InferenceServer.Perf.OrtRate/bin/Release/net10.0/perf-ort-rate.dll"

for tool in h2load python3 curl; do
  command -v "$tool" >/dev/null || { echo "$tool not found (h2load: apt-get install -y nghttp2-client)" >&2; exit 2; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/compare.XXXXXX")
source "$root/perf/lib.sh"

step() { printf '\n== %s\n' "$*" >&2; }

# h2 NAME CLIENTS KIND MODEL URL: one timed h2load run; KIND is bin, json (HTTP/1.1) or grpc (h2c).
# Report in $work/NAME.h2load; with one client also the per-request log $work/NAME.log.
h2() {
  local name=$1 clients=$2 kind=$3 model=$4 url=$5
  local -a args=(-c "$clients" -t "$h2threads" -D "$duration" --warm-up-time="$warmup")
  case $kind in
    bin) args+=(--h1 -d "$work/$model.bin" -H "Inference-Header-Content-Length: $(cat "$work/$model.bin.header-length")" -H "Content-Type: application/octet-stream") ;;
    json) args+=(--h1 -d "$work/$model.json" -H "Content-Type: application/json") ;;
    grpc) args+=(-m 1 -d "$work/$model.grpc" -H "content-type: application/grpc" -H "te: trailers") ;;
  esac
  if (( clients == 1 )); then args+=(--log-file="$work/$name.log"); fi
  h2load "${args[@]}" "$url" >"$work/$name.h2load"
  printf '  %-28s %s\n' "$name" "$(grep -oE 'finished in [^,]+, [0-9.]+ req/s' "$work/$name.h2load")" >&2
}

# loadtool NAME CONCURRENCY PROTOCOL MODEL: one fixed-length load tool step, JSON report in $work/NAME.json.
loadtool() {
  local name=$1 clients=$2 protocol=$3 model=$4
  local -a args=(-m "$model" --concurrency-range "$clients" -p 1000 --duration-secs "$duration" --json-file "$work/$name.json")
  case $protocol in
    bin) args+=(-u "127.0.0.1:$http_port" --binary) ;;
    json) args+=(-u "127.0.0.1:$http_port" --json-tensors) ;;
    grpc) args+=(-i grpc -u "127.0.0.1:$grpc_port") ;;
  esac
  "$loadtool/inference-load" "${args[@]}" >"$work/$name.table" 2>"$work/$name.progress"
  printf '  %-28s %s\n' "$name" "$(tail -1 "$work/$name.table" | awk '{print $3 " req/s, p50 " $7 " us"}')" >&2
}

start_server() {
  port_free "$http_port" HTTP_PORT; port_free "$grpc_port" GRPC_PORT; port_free "$metrics_port" METRICS_PORT
  "$aot/inference-server" --model-repository="$work/repo-$1" --address=127.0.0.1 \
    --http-port="$http_port" --grpc-port="$grpc_port" --metrics-port="$metrics_port" >>"$work/server-$1.out" 2>&1 &
  pid=$!
  wait_for "http://127.0.0.1:$http_port/v2/health/ready" 60
}

load_average() { cut -d' ' -f1-3 /proc/loadavg; }
echo "load_start=$(load_average)" >"$work/meta"

step "build (REUSE_BUILD=${REUSE_BUILD:-0})"
reuse=${REUSE_BUILD:-0}
if [[ $reuse != 1 || ! -x "$aot/inference-server" ]]; then
  dotnet publish src/InferenceServer -c Release -r linux-x64 -o "$aot" -nologo -v quiet
fi
if [[ $reuse != 1 || ! -x "$plain/perf-plaintext" ]]; then
  dotnet publish perf/InferenceServer.Perf.Plaintext -c Release -r linux-x64 -o "$plain" -nologo -v quiet
fi
if [[ $reuse != 1 || ! -x "$loadtool/inference-load" ]]; then
  dotnet publish perf/InferenceServer.LoadTool -c Release -r linux-x64 -o "$loadtool" -nologo -v quiet
fi
if [[ $reuse != 1 || ! -x "$naive/perf-naive" ]]; then
  dotnet publish perf/InferenceServer.Perf.Naive -c Release -o "$naive" -nologo -v quiet
fi
if [[ $reuse != 1 || ! -f "$ortrate_dll" ]]; then
  dotnet build perf/InferenceServer.Perf.OrtRate -c Release -nologo -v quiet
fi

step "repositories and request bodies in $work"
mkdir -p "$work/repo-simple"
cp -r model-repository/simple "$work/repo-simple/"
dotnet "$ortrate_dll" --write-model "$work/repo-mlp/mlp/1/model.onnx" >/dev/null
cat >"$work/repo-mlp/mlp/config.pbtxt" <<'CONFIG'
# The benchmark MLP 256->1024->1024->10 of perf/batching, written by perf/compare/run.sh.
name: "mlp"
platform: "onnxruntime_onnx"
max_batch_size: 64
input [ { name: "INPUT0" data_type: TYPE_FP32 dims: [ 256 ] } ]
output [ { name: "OUTPUT0" data_type: TYPE_FP32 dims: [ 10 ] } ]
instance_group [ { count: 1 kind: KIND_CPU } ]
parameters { key: "intra_op_thread_count" value { string_value: "1" } }
dynamic_batching { }
CONFIG
for model in simple mlp; do python3 perf/h2load/make_payloads.py "$work" "$model"; done

step "(a) ONNX Runtime in process, intra-op threads 1, batches $ort_batches"
for model in $models; do
  dotnet "$ortrate_dll" --model "$model" --batches "$ort_batches" --threads 1 --seconds "$ort_seconds" --warmup 0.5 \
    | tee "$work/ort-$model.txt" | grep -v '^RESULT' | sed 's/^/  /' >&2
done

step "(b) Kestrel plaintext (AOT): HTTP/1.1 on $plain_port, h2c on $plain_h2_port"
port_free "$plain_port" PLAINTEXT_PORT; port_free "$plain_h2_port" PLAINTEXT_H2_PORT
"$plain/perf-plaintext" "$plain_port" "$plain_h2_port" >"$work/plaintext.out" 2>&1 &
pid=$!
wait_for "http://127.0.0.1:$plain_port/" 30
for model in $models; do
  for clients in 1 "$concurrency"; do
    h2 "plain-h1-$model-c$clients" "$clients" bin "$model" "http://127.0.0.1:$plain_port/v2/models/$model/infer"
    h2 "plain-h2-$model-c$clients" "$clients" grpc "$model" "http://127.0.0.1:$plain_h2_port/inference.GRPCInferenceService/ModelInfer"
  done
done
stop

for model in $models; do
  step "(c) the server (AOT), $model: load tool and h2load"
  for protocol in bin json grpc; do
    # A fresh server per protocol, so the latency sketches read after the concurrency-1 run hold that run only.
    start_server "$model"
    if [[ $protocol == grpc ]]; then
      # h2load checks only the HTTP status; check once that the gRPC status is 0.
      curl -s --http2-prior-knowledge -o /dev/null -D "$work/grpc-check-$model.headers" --data-binary "@$work/$model.grpc" \
        -H "content-type: application/grpc" -H "te: trailers" "http://127.0.0.1:$grpc_port/inference.GRPCInferenceService/ModelInfer"
      grep -qi '^grpc-status: 0' "$work/grpc-check-$model.headers" || { echo "gRPC check failed:" >&2; cat "$work/grpc-check-$model.headers" >&2; exit 1; }
    fi
    loadtool "lt-$protocol-$model-c1" 1 "$protocol" "$model"
    curl -sf "http://127.0.0.1:$http_port/v2/models/$model/stats" >"$work/stats-$protocol-$model-c1.json"
    url="http://127.0.0.1:$http_port/v2/models/$model/infer"
    if [[ $protocol == grpc ]]; then url="http://127.0.0.1:$grpc_port/inference.GRPCInferenceService/ModelInfer"; fi
    h2 "server-$protocol-$model-c1" 1 "$protocol" "$model" "$url"
    h2 "server-$protocol-$model-c$concurrency" "$concurrency" "$protocol" "$model" "$url"
    loadtool "lt-$protocol-$model-c$concurrency" "$concurrency" "$protocol" "$model"
    stop
  done
done

step "(d) naive ASP.NET Core endpoint (JSON, session.Run per request)"
port_free "$naive_port" NAIVE_PORT
"$naive/perf-naive" --models "simple=$work/repo-simple/simple/1/model.onnx,mlp=$work/repo-mlp/mlp/1/model.onnx" \
  --urls "http://127.0.0.1:$naive_port" >"$work/naive.out" 2>&1 &
pid=$!
wait_for "http://127.0.0.1:$naive_port/v2/health/ready" 60
for model in $models; do
  url="http://127.0.0.1:$naive_port/v2/models/$model/infer"
  status=$(curl -s -o "$work/naive-$model.first" -w '%{http_code}' -H "Content-Type: application/json" --data-binary "@$work/$model.json" "$url")
  [[ $status == 200 ]] || { echo "naive $model answered $status: $(cat "$work/naive-$model.first")" >&2; exit 1; }
  for clients in 1 "$concurrency"; do
    h2 "naive-$model-c$clients" "$clients" json "$model" "$url"
  done
done
stop

echo "load_end=$(load_average)" >>"$work/meta"
step "report"
mkdir -p "$(dirname "$out")"
command_line=
for v in DURATION WARMUP CONCURRENCY H2LOAD_THREADS ORT_BATCHES ORT_SECONDS MODELS; do
  if [[ -n "${!v:-}" ]]; then command_line+="$(printf '%s=%q ' "$v" "${!v}")"; fi
done
command_line+="perf/compare/run.sh"
python3 "$here/summarize.py" "$work" "$(nproc)" "$concurrency" "$models" "$command_line" | tee "$out"
echo "report written to $out" >&2
