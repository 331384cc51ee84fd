#!/usr/bin/env bash
# Packs what the GPU run (perf/gpu/run.sh) needs on a machine that has no .NET SDK: the native-AOT
# server with ONNX Runtime, the load tool, the GPU checks and the model repositories, into one archive.
# Usage: perf/gpu/bundle.sh [OUT_DIR]   (default .device/, ignored by git). Publishes unless
# SERVER_DIR / LOADTOOL_DIR point at existing publish folders. BUNDLE_FORMAT=tar writes bundle.tar (perf/gpu/transfer.sh
# compresses and splits it). The model builder travels native AOT: the end-to-end repository (perf/gpu/e2e.sh) has
# 800 MB of weights, written there rather than carried.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-$root/.device}
stage=$(mktemp -d); trap 'rm -rf "$stage"' EXIT
mkdir -p "$out" "$stage/bundle"
cd "$root"
if [ -n "${SERVER_DIR:-}" ]; then cp -r "$SERVER_DIR" "$stage/bundle/server"; else .ci/publish.sh "$stage/bundle/server" >/dev/null; fi
if [ -n "${LOADTOOL_DIR:-}" ]; then cp -r "$LOADTOOL_DIR" "$stage/bundle/loadtool"; else
  dotnet publish perf/InferenceServer.LoadTool -c Release -r linux-x64 -o "$stage/bundle/loadtool" >/dev/null; fi
dotnet publish tests/InferenceServer.GpuChecks -c Release -r linux-x64 -o "$stage/bundle/gpuchecks" >/dev/null
dotnet publish src/InferenceServer.ModelBuilder -c Release -r linux-x64 -p:PublishAot=true -o "$stage/bundle/modelbuilder" >/dev/null
rm -f "$stage"/bundle/*/*.pdb "$stage"/bundle/*/*.dbg "$stage"/bundle/*/*.xml
# The checks load ONNX Runtime from the server's folder (run.sh sets LD_LIBRARY_PATH): one copy travels.
rm -f "$stage"/bundle/gpuchecks/libonnxruntime*.so
dotnet run -c Release --project src/InferenceServer.ModelBuilder -- --shadow-demo "$stage/bundle/shadow-repo" >/dev/null
dotnet run -c Release --project src/InferenceServer.ModelBuilder -- --gpu-demo "$stage/bundle/gpu-repo" >/dev/null 2>&1 || true
if [ "${BUNDLE_FORMAT:-tar.gz}" = tar ]; then
  tar -C "$stage" -cf "$out/bundle.tar" bundle; ls -la "$out/bundle.tar"
else
  tar -C "$stage" -czf "$out/bundle.tar.gz" bundle; ls -la "$out/bundle.tar.gz"
fi
