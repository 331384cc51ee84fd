#!/usr/bin/env bash
# One A/B sample for the batching benchmark's server: starts the server on a repository kept by
# `KEEP_WORK=1 perf/batching/run.sh`, sends 10,000 untimed then 60,000 timed requests with the script's h2load
# command (64 connections, binary MLP body), and prints req/s and the server process's CPU per request.
# Alternate variants and repeat: run-to-run spread on a 2-core VM is several percent.
# Usage: perf/batching/ab.sh WORK_DIR LABEL [VAR=value ...]   (the VAR=value pairs go to the server's environment)
# Knobs: BIN (server binary, default artifacts/aot/inference-server), REPO (default WORK_DIR/repo-batched),
#        EXTRA (more server flags)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$1; label=$2; shift 2
bin=${BIN:-$root/artifacts/aot/inference-server}
repo=${REPO:-$work/repo-batched}
h2=(--h1 -c 64 -t 1 -d "$work/mlp.bin" -H "Inference-Header-Content-Length: $(cat "$work/mlp.bin.header-length")"
  -H "Content-Type: application/octet-stream")
url=http://127.0.0.1:18000/v2/models/mlp/infer
# shellcheck disable=SC2086
env "$@" "$bin" --model-repository="$repo" --http-port=18000 --grpc-port=18001 --metrics-port=18002 ${EXTRA:-} >/dev/null 2>&1 &
pid=$!
# Wait for the server to exit (it drains for --shutdown-grace-secs first) so the next sample finds the ports free.
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true' EXIT
until curl -sf localhost:18000/v2/health/ready >/dev/null; do
  kill -0 $pid 2>/dev/null || { echo "$label: the server exited before it was ready" >&2; exit 1; }
  sleep 0.1
done
h2load "${h2[@]}" -n 10000 "$url" >/dev/null
before=$(awk '{print $14 + $15}' "/proc/$pid/stat")
result=$(h2load "${h2[@]}" -n 60000 "$url" | grep -oE "finished in [0-9.]+s, [0-9.]+ req/s")
after=$(awk '{print $14 + $15}' "/proc/$pid/stat")
echo "$label: $result, server CPU $(python3 -c "print(round(($after - $before) / $(getconf CLK_TCK) / 60000 * 1e6, 1))") µs/req"
