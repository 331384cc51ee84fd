#!/usr/bin/env bash
# The GPU run: on a machine with an NVIDIA GPU and the bundle from perf/gpu/bundle.sh, runs the CUDA
# checks (tests/InferenceServer.GpuChecks), the server against the GPU, and the shadow-traffic latency
# measurement (perf/traffic/shadow_latency.sh), which wants more cores than the 2-core build machine.
# Usage: perf/gpu/run.sh BUNDLE.tar.gz [OUT_DIR]   Knobs: STEPS (default "env checks server shadow")
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bundle=$1; out=${2:-${OUT:-/tmp/gpu-run}}; steps=${STEPS:-env checks server shadow}
work=$(mktemp -d); mkdir -p "$out"
tar -C "$work" -xzf "$bundle"
b=$work/bundle
status=0

if [[ " $steps " == *" env "* ]]; then
  echo "::: environment"
  nvidia-smi -L; nproc; uname -r
  echo "ONNX Runtime CUDA provider libraries on this machine:"
  timeout 60 find / -xdev \( -name 'libonnxruntime_providers_cuda.so*' -o -name 'libonnxruntime.so.*' \) 2>/dev/null | head -20
  python3 -c 'import onnxruntime as o; print("python onnxruntime", o.__version__, o.get_available_providers())' 2>&1 | tail -1
fi

if [[ " $steps " == *" checks "* ]]; then
  echo "::: CUDA checks"
  LD_LIBRARY_PATH="$b/server" "$b/gpuchecks/gpu-checks" 2>&1 | tee "$out/gpu-checks.txt"
  [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
fi

if [[ " $steps " == *" server "* ]] && [ -x "$root/perf/gpu/server_check.sh" ]; then
  echo "::: server on the GPU"
  bash "$root/perf/gpu/server_check.sh" "$b" 2>&1 | tee "$out/server-check.txt"
  [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
fi

if [[ " $steps " == *" shadow "* ]]; then
  echo "::: shadow latency, $(nproc) cores"
  for c in 2 8; do
    echo "concurrency $c"
    REPO=$b/shadow-repo LOAD_TOOL=$b/loadtool/inference-load CONCURRENCY=$c ROUNDS=${ROUNDS:-3} DURATION=${DURATION:-4} \
      bash "$root/perf/traffic/shadow_latency.sh" "$b/server/inference-server" 2>&1 | tee -a "$out/shadow.txt"
  done
fi
exit $status
