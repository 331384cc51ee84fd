#!/usr/bin/env bash
# What the sketches cost: throughput of the small tabular model (fraud_detector, 30 FP32 features -> 2
# probabilities, one row per request) with --telemetry-sketches=true vs false, alternating A/B/A/B so the
# noisy machine's drift hits both alike. Counters and histograms stay on in both (they are the baseline).
# The model runs from a copy of its folder with max_queue_delay_microseconds 0, so the server is CPU-bound
# (with the sample's 200 us delay the batcher's timer, not the CPU, sets the pace).
# Usage: perf/telemetry/run.sh [path/to/inference-server]   (default: publishes to artifacts/aot)
# Knobs: REQUESTS (default 100000), CONCURRENCY (16), ROUNDS (3).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bin=${1:-$root/artifacts/aot/inference-server}
if [ ! -x "$bin" ]; then
  dotnet publish "$root/src/InferenceServer" -c Release -r linux-x64 -o "$root/artifacts/aot" >/dev/null
  bin=$root/artifacts/aot/inference-server
fi
n=${REQUESTS:-100000}; c=${CONCURRENCY:-16}; rounds=${ROUNDS:-3}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
python3 "$root/perf/telemetry/make_payload.py" "$tmp"
hl=$(cat "$tmp/fraud.bin.header-length")
mkdir -p "$tmp/repo" && cp -r "$root/model-repository/fraud_detector" "$tmp/repo/"
sed -i 's/max_queue_delay_microseconds: [0-9]*/max_queue_delay_microseconds: 0/' "$tmp/repo/fraud_detector/config.pbtxt"

run() { # $1 = true|false
  "$bin" --model-repository="$tmp/repo" --address=127.0.0.1 --http-port=18100 --grpc-port=18101 \
    --metrics-port=18102 --telemetry-sketches="$1" >"$tmp/server.log" 2>&1 &
  local pid=$!
  until curl -sf localhost:18100/v2/health/ready >/dev/null; do sleep 0.1; done
  h2load --h1 -n 2000 -c "$c" -d "$tmp/fraud.bin" -H "Inference-Header-Content-Length: $hl" \
    "http://127.0.0.1:18100/v2/models/fraud_detector/infer" >/dev/null   # warm-up
  local rps
  rps=$(h2load --h1 -n "$n" -c "$c" -d "$tmp/fraud.bin" -H "Inference-Header-Content-Length: $hl" \
    "http://127.0.0.1:18100/v2/models/fraud_detector/infer" | awk '/finished in/ {print $4}')
  if [ "$1" = true ]; then
    curl -s localhost:18100/v2/models/fraud_detector/drift | python3 -c 'import json,sys; d=json.load(sys.stdin)["model_drift"][0]; print("   profiled requests:", d["requests"], "reference:", d["reference"])' >&2
  fi
  kill "$pid"; wait "$pid" 2>/dev/null || true
  echo "$rps"
}

on=(); off=()
for r in $(seq 1 "$rounds"); do
  off+=("$(run false)"); on+=("$(run true)")
  echo "round $r: sketches off ${off[-1]} req/s, on ${on[-1]} req/s"
done
python3 - "${off[@]}" -- "${on[@]}" <<'PY'
import sys, statistics
args = sys.argv[1:]; i = args.index("--")
off = [float(x) for x in args[:i]]; on = [float(x) for x in args[i+1:]]
mo, mn = statistics.median(off), statistics.median(on)
print(f"median off {mo:.0f} req/s, on {mn:.0f} req/s: sketches cost {100*(mo-mn)/mo:.1f} % of throughput")
PY
