#!/usr/bin/env bash
# A/B of two server builds on one host: rounds alternate A and B (fresh server each), so both see the same hour's
# noise; the report is the per-round ratio B/A and its median, for HTTP binary and gRPC at concurrency 16 and 1.
# On this VM absolute numbers move by 2x between hours; paired ratios are what to read.
#
# usage: perf/compare/ab.sh A_SERVER_DIR B_SERVER_DIR     (folders of published servers: inference-server + libonnxruntime.so)
# knobs: ROUNDS=5  DURATION=4 (seconds per run)  MODEL=simple (a model of model-repository/)
#        LOAD_TOOL=artifacts/loadtool/inference-load  HTTP_PORT=18820 GRPC_PORT=18821 METRICS_PORT=18822
# Build the folders with .ci/publish.sh (e.g. in a git worktree of the older commit).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
a=$(realpath "${1:?usage: perf/compare/ab.sh A_SERVER_DIR B_SERVER_DIR}")
b=$(realpath "${2:?usage: perf/compare/ab.sh A_SERVER_DIR B_SERVER_DIR}")
rounds=${ROUNDS:-5}
duration=${DURATION:-4}
model=${MODEL:-simple}
loadtool=$(realpath -m "${LOAD_TOOL:-$root/artifacts/loadtool/inference-load}")
http_port=${HTTP_PORT:-18820}
grpc_port=${GRPC_PORT:-18821}
metrics_port=${METRICS_PORT:-18822}
[[ -x $loadtool ]] || { echo "no load tool at $loadtool (dotnet publish perf/InferenceServer.LoadTool -c Release -r linux-x64 -o artifacts/loadtool)" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/ab.XXXXXX")
trap 'kill "${pid:-}" 2>/dev/null || true; rm -rf "$work"' EXIT
mkdir -p "$work/repo"
cp -r "$root/model-repository/$model" "$work/repo/"

results="$work/results.tsv"
for round in $(seq 1 "$rounds"); do
  for side in A B; do
    dir=$a; [[ $side == B ]] && dir=$b
    "$dir/inference-server" --model-repository="$work/repo" --address=127.0.0.1 --http-port="$http_port" \
      --grpc-port="$grpc_port" --metrics-port="$metrics_port" >"$work/server-$side.out" 2>&1 &
    pid=$!
    for _ in $(seq 1 300); do curl -sf "http://127.0.0.1:$http_port/v2/health/ready" >/dev/null && break; sleep 0.1; done
    for protocol in grpc bin; do
      if [[ $protocol == grpc ]]; then args=(-i grpc -u "127.0.0.1:$grpc_port"); else args=(-u "127.0.0.1:$http_port" --binary); fi
      for clients in 16 1; do
        "$loadtool" -m "$model" --concurrency-range "$clients" -p 1000 --duration-secs "$duration" "${args[@]}" >"$work/run.table" 2>/dev/null
        rate=$(tail -1 "$work/run.table" | awk '{print $3}')
        printf '%s\t%s\t%s-c%s\t%s\t%s\n' "$round" "$side" "$protocol" "$clients" "$rate" "$(cut -d' ' -f1 /proc/loadavg)" | tee -a "$results" >&2
      done
    done
    kill "$pid"; wait "$pid" 2>/dev/null || true
  done
done

python3 - "$results" "$a" "$b" <<'PY'
import statistics, sys
from collections import defaultdict
rows = [line.rstrip("\n").split("\t") for line in open(sys.argv[1])]
rate = {(r, s, run): float(v) for r, s, run, v, _ in rows}
loads = [float(l) for *_, l in rows]
print(f"A = {sys.argv[2]}\nB = {sys.argv[3]}\nload average {min(loads):.1f}-{max(loads):.1f}\n")
print("| run | B/A per round | median B/A |\n|---|---|---:|")
runs = sorted({run for _, _, run, _, _ in rows})
for run in runs:
    ratios = [rate[(r, "B", run)] / rate[(r, "A", run)] for r in sorted({r for r, *_ in rows}, key=int) if (r, "A", run) in rate and (r, "B", run) in rate]
    print(f"| {run} | {' '.join(f'{x:.2f}' for x in ratios)} | {statistics.median(ratios):.2f} |")
PY
