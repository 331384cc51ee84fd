#!/usr/bin/env bash
# The server on a GPU machine (called by perf/gpu/run.sh with the unpacked bundle): starts the AOT server
# on the bundle's gpu-repo and checks that it names the GPUs in its log and server metadata, exports
# Triton's GPU metrics, hands out page-locked memory from the pinned pool, refuses a KIND_GPU model with
# the documented reason when its ONNX Runtime has no CUDA provider (or serves it where one exists), and
# serves the KIND_GPU-with-fallback and KIND_CPU models. Prints PASS/FAIL lines; exits 1 on any FAIL.
# Usage: perf/gpu/server_check.sh BUNDLE_DIR
set -uo pipefail
b=$1
tmp=$(mktemp -d); trap 'kill "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT
failed=0
check() { # $1 = name, $2 = 0 when passed, $3 = detail
  if [ "$2" -eq 0 ]; then echo "PASS $1: $3"; else echo "FAIL $1: $3"; failed=1; fi
}

"$b/server/inference-server" --model-repository="$b/gpu-repo" --address=127.0.0.1 --http-port=18300 --grpc-port=18301 \
  --metrics-port=18302 --exit-on-error=false --strict-readiness=false >"$tmp/server.log" 2>&1 &
pid=$!
for _ in $(seq 1 300); do curl -sf localhost:18300/v2/health/ready >/dev/null && break; sleep 0.1; done
curl -s -X POST localhost:18300/v2/repository/index -d '{}' >"$tmp/index.json"
echo "--- server log (start-up)"; head -20 "$tmp/server.log"

grep -q "GPU 0: " "$tmp/server.log"; check "log names the GPUs" $? "$(grep -m1 'GPU 0: ' "$tmp/server.log" | sed 's/.*GPU 0/GPU 0/')"
grep -q "Pinned tensor pool: page-locked host memory (CUDA)" "$tmp/server.log"; check "pinned pool is page-locked" $? "$(grep -m1 'Pinned tensor pool' "$tmp/server.log" | sed 's/.*Pinned/Pinned/')"
curl -s localhost:18300/v2 >"$tmp/meta.json"
python3 -c 'import json,sys; g=json.load(open(sys.argv[1])).get("gpus",[]); print(g); sys.exit(0 if g and "NVIDIA" in g[0] else 1)' "$tmp/meta.json" >"$tmp/gpus.txt"
check "server metadata lists the GPUs" $? "$(cat "$tmp/gpus.txt")"

state() { python3 -c 'import json,sys; r=[m for m in json.load(open(sys.argv[1])) if m["name"]==sys.argv[2]]; print(r[0].get("state",""), "|", r[0].get("reason","")) if r else print("missing")' "$tmp/index.json" "$1"; }
gpu_state=$(state simple_gpu)
if [[ "$gpu_state" == READY* ]]; then
  check "KIND_GPU model serves on the GPU" 0 "$gpu_state"
else
  [[ "$gpu_state" == *"no CUDA execution provider"* ]]; check "KIND_GPU model without a CUDA provider: documented load error" $? "$gpu_state"
fi
[[ "$(state simple_gpu_fallback)" == READY* ]]; check "KIND_GPU with gpu_fallback_to_cpu loads on the CPU" $? "$(state simple_gpu_fallback)"

for model in simple_gpu_fallback simple_cpu; do
  "$b/loadtool/inference-load" -m "$model" -u 127.0.0.1:18300 --concurrency-range 8:8:1 --duration-secs 2 --json-file "$tmp/$model.json" >/dev/null 2>&1
  result=$(python3 -c 'import json,sys; s=json.load(open(sys.argv[1]))["steps"][0]; e=sum(s["step_errors"].values()); print("%d ok, %d errors, %.0f req/s, p99 %.0f us" % (s["step_successes"], e, s["requests_per_second"], s["latency"]["p99_us"])); sys.exit(1 if e or not s["step_successes"] else 0)' "$tmp/$model.json")
  check "$model serves" $? "$result"
done

curl -s localhost:18302/metrics >"$tmp/metrics.txt"
echo "--- GPU metrics"; grep -E '^(nv_gpu_|nv_pinned|inference_server_cuda)' "$tmp/metrics.txt"
grep -qE '^nv_gpu_memory_total_bytes\{gpu_uuid="GPU-[0-9a-f-]+"\} [0-9.e+]+' "$tmp/metrics.txt"; check "nv_gpu_memory_total_bytes per GPU" $? "$(grep -m1 '^nv_gpu_memory_total_bytes' "$tmp/metrics.txt")"
grep -qE '^nv_gpu_memory_used_bytes\{gpu_uuid="GPU-' "$tmp/metrics.txt"; check "nv_gpu_memory_used_bytes per GPU" $? "$(grep -m1 '^nv_gpu_memory_used_bytes' "$tmp/metrics.txt")"
grep -qE '^nv_gpu_utilization\{gpu_uuid="GPU-' "$tmp/metrics.txt"; check "nv_gpu_utilization (NVML)" $? "$(grep -m1 '^nv_gpu_utilization' "$tmp/metrics.txt")"
kill "$pid"; wait "$pid" 2>/dev/null
exit $failed
