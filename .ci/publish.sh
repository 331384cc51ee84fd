#!/usr/bin/env bash
# The one native-AOT publish of the server, shared by CI (.ci/run) and the Dockerfile's build stage, so the
# image holds exactly what the tests ran against. Fails on any trim/AOT warning (IL2xxx/IL3xxx).
# Usage: .ci/publish.sh <output folder>   (run from anywhere; paths are relative to the checkout root)
# ONNXRUNTIME_FLAVOR=gpu lays out ONNX Runtime's CUDA build instead (libonnxruntime.so, the shared and CUDA providers;
# README "GPUs"): the same binary, which then serves KIND_GPU where the CUDA 13 / cuDNN 9 libraries are found.
set -euo pipefail
out="${1:?usage: .ci/publish.sh <output folder>}"
cd "$(dirname "$0")/.."
log="$(mktemp)"
trap 'rm -f "$log"' EXIT

rm -rf "$out"
dotnet publish src/InferenceServer -c Release -r linux-x64 -p:OnnxRuntimeFlavor="${ONNXRUNTIME_FLAVOR:-cpu}" -o "$out" 2>&1 | tee "$log"
if grep -E "warning IL[23][0-9]{3}" "$log"; then
  echo "native AOT publish produced trim/AOT warnings" >&2
  exit 1
fi
ls -la "$out"
