#!/usr/bin/env bash
# KIND_GPU end to end on a GPU machine, with the bundle perf/gpu/transfer.sh assembled there (GPU flavour: the server
# next to ONNX Runtime's CUDA provider). Writes the end-to-end repository (a 4096-wide MLP, FP32 on the CPU as the
# reference, FP32 on the GPU with 1, 2 and 4 instances, FP16 on the GPU; a small CPU model), then:
#   1. limit:        in-process ONNX Runtime CUDA on the same model, batch 1…256 (gpu-checks ort-limit)
#   2. correctness:  the GPU models against the CPU reference over HTTP and gRPC, within a stated tolerance (gpu-checks compare)
#   3. batching:     the server at request batch sizes 1…256 with dynamic batching on (load tool, gRPC)
#   4. instances:    1, 2, 4 instances on one GPU at the same load, nvidia-smi sampled alongside
#   5. staging:      page-locked against pageable input staging (--pinned-memory-pool-byte-size=0 gives pageable)
#   6. side by side: the CPU model and the GPU model under load at once; nv_gpu_* and the device pool gauges
# Usage: perf/gpu/e2e.sh BUNDLE_DIR [OUT_DIR]   Knobs: SECS (per measurement, default 3), STEPS (default all six)
# Writes OUT_DIR/e2e.txt (everything), server.log, nvidia-smi.csv. Exit 1 when a check fails.
set -uo pipefail
b=${1:?usage: perf/gpu/e2e.sh BUNDLE_DIR [OUT_DIR]}
out=${2:-${OUT:-/tmp/gpu-e2e}}
secs=${SECS:-3}
steps=${STEPS:-limit correctness batching instances staging sidebyside}
mkdir -p "$out"
exec > >(tee -a "$out/e2e.txt") 2>&1
work=$(mktemp -d)
pid=""; smi=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; [ -n "$smi" ] && kill "$smi" 2>/dev/null; rm -rf "$work"' EXIT
failed=0
check() { if [ "$2" -eq 0 ]; then echo "PASS $1: $3"; else echo "FAIL $1: $3"; failed=1; fi; }
want() { [[ " $steps " == *" $1 "* ]]; }

echo "::: machine"; nvidia-smi -L; nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader; nproc; date -u
# CUDA 13 and cuDNN 9 as the Python environment's nvidia-* wheels carry them: each wheel's lib folder.
cuda_libs=${CUDA_LIBS:-}
if [ -z "$cuda_libs" ]; then
  cuda_libs=$(python3 -c 'import glob,os,nvidia; print(":".join(sorted(d for p in nvidia.__path__ for d in glob.glob(os.path.join(p, "*", "lib")) + glob.glob(os.path.join(p, "lib")))))' 2>/dev/null)
fi
echo "CUDA library folders: ${cuda_libs:-none found, the system loader only}"
export CUDA_LIBRARY_PATH=$cuda_libs

repo=$work/repo
"$b/modelbuilder/InferenceServer.ModelBuilder" --gpu-e2e "$repo" || { echo "FAIL writing the repository"; exit 1; }
model=$repo/mlp_gpu/1/model.onnx

if want limit; then
  echo "::: 1. in-process ONNX Runtime CUDA (the limit), FP32 then FP16"
  LD_LIBRARY_PATH=$b/server "$b/gpuchecks/gpu-checks" ort-limit "$model" 1024 "$secs" | tee "$work/limit.txt"
  LD_LIBRARY_PATH=$b/server "$b/gpuchecks/gpu-checks" ort-limit "$repo/mlp_fp16_gpu/1/model.onnx" 1024 "$secs" 1,64,256
fi

start_server() { # extra flags...
  "$b/server/inference-server" --model-repository="$repo" --address=127.0.0.1 --http-port=18400 --grpc-port=18401 \
    --metrics-port=18402 --exit-on-error=false --strict-readiness=false --cuda-library-path="$cuda_libs" "$@" >>"$out/server.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 1200); do curl -sf localhost:18400/v2/health/ready >/dev/null && break; kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  curl -s -X POST localhost:18400/v2/repository/index -d '{}'; echo
}
stop_server() { kill "$pid"; wait "$pid" 2>/dev/null; pid=""; }
load() { # model protocol batch concurrency -> one line: ok errors req/s rows/s p50 p99
  "$b/loadtool/inference-load" -m "$1" -u "127.0.0.1:$([ "$2" = grpc ] && echo 18401 || echo 18400)" -i "$2" -b "$3" \
    --concurrency-range "$4:$4:1" --duration-secs "$secs" --json-file "$work/load.json" >/dev/null 2>&1
  python3 -c 'import json,sys; s=json.load(open(sys.argv[1]))["steps"][0]; e=sum(s["step_errors"].values()); b=int(sys.argv[2])
print("%s b=%s c=%s: %d ok, %d errors, %.0f req/s, %.0f rows/s, p50 %.0f us, p99 %.0f us" % (sys.argv[3], b, sys.argv[4], s["step_successes"], e, s["requests_per_second"], s["requests_per_second"]*b, s["latency"]["p50_us"], s["latency"]["p99_us"]))
sys.exit(1 if e or not s["step_successes"] else 0)' "$work/load.json" "$3" "$1" "$4"
}

echo "::: server (page-locked staging)"
start_server
grep -E "GPU 0|CUDA provider|Pinned tensor pool|KIND_GPU" "$out/server.log" | head -8
for m in mlp_gpu mlp_gpu_x2 mlp_gpu_x4 mlp_fp16_gpu mlp_cpu; do
  curl -sf "localhost:18400/v2/models/$m/ready" >/dev/null; check "$m ready" $? "$(grep -m1 "'$m'" "$out/server.log" | cut -c1-200)"
done

if want correctness; then
  echo "::: 2. correctness against the CPU reference"
  for m in mlp_gpu mlp_gpu_x4; do
    "$b/gpuchecks/gpu-checks" compare 127.0.0.1:18400 127.0.0.1:18401 mlp_cpu "$m" FP32 0.005
    check "$m equals mlp_cpu within 0.5 % of the largest logit (TF32 matmuls), HTTP and gRPC" $? ""
  done
  "$b/gpuchecks/gpu-checks" compare 127.0.0.1:18400 127.0.0.1:18401 mlp_cpu mlp_fp16_gpu FP16 0.01
  check "mlp_fp16_gpu equals mlp_cpu within 1 % of the largest logit, HTTP and gRPC" $? ""
fi

if want batching; then
  echo "::: 3. the server, dynamic batching on, gRPC (compare rows/s with the limit above)"
  for batch in 1 8 64 256; do load mlp_gpu grpc "$batch" 4; check "batch $batch" $? ""; done
  for c in 1 16 64 256; do load mlp_gpu grpc 1 "$c"; check "concurrency $c" $? ""; done
  load mlp_gpu http 64 4; check "HTTP binary batch 64" $? ""
fi

if want instances; then
  echo "::: 4. instances on one GPU (nvidia-smi in nvidia-smi.csv)"
  nvidia-smi --query-gpu=timestamp,utilization.gpu,utilization.memory,memory.used,pcie.link.gen.current --format=csv -lms 250 >"$out/nvidia-smi.csv" 2>&1 &
  smi=$!
  for m in mlp_gpu mlp_gpu_x2 mlp_gpu_x4; do
    echo "$(date -u +%T.%N) $m" >>"$out/nvidia-smi.csv.marks"
    load "$m" grpc 1 128; check "$m" $? ""
    load "$m" grpc 64 8; check "$m" $? ""
  done
  kill "$smi"; smi=""
  cat "$out/nvidia-smi.csv.marks" >>"$out/nvidia-smi.csv"; rm -f "$out/nvidia-smi.csv.marks"
fi

if want sidebyside; then
  echo "::: 6. CPU and GPU models side by side"
  curl -s localhost:18402/metrics | grep -E '^(nv_gpu_|inference_server_cuda_memory_pool)' >"$work/before.txt"
  load simple_cpu grpc 1 8 &
  cpu_load=$!
  load mlp_gpu grpc 1 64; check "mlp_gpu beside simple_cpu" $? ""
  wait "$cpu_load"; check "simple_cpu beside mlp_gpu" $? ""
  curl -s localhost:18402/metrics | grep -E '^(nv_gpu_|inference_server_cuda_memory_pool|nv_inference_count\{model="(mlp_gpu|simple_cpu)")' | tee "$work/after.txt"
  grep -qE '^nv_gpu_utilization\{.*\} [1-9]' "$work/after.txt"; check "nv_gpu_utilization moved under load" $? "$(grep -m1 '^nv_gpu_utilization' "$work/after.txt")"
  ! diff -q "$work/before.txt" "$work/after.txt" >/dev/null; check "GPU gauges changed between scrapes" $? ""
fi
stop_server

if want staging; then
  echo "::: 5. pageable input staging (--pinned-memory-pool-byte-size=0), same loads as page-locked above"
  start_server --pinned-memory-pool-byte-size=0 >/dev/null
  grep -m1 "Pinned tensor pool" "$out/server.log" | tail -1
  for batch in 64 256; do load mlp_gpu grpc "$batch" 4; check "pageable batch $batch" $? ""; done
  stop_server
fi

[ "$failed" -eq 0 ] && echo "GPU end to end: all passed" || echo "GPU end to end: FAILED"
exit $failed
