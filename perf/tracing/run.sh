#!/usr/bin/env bash
# What request tracing costs: throughput of the small tabular model (fraud_detector, one row per request, the
# batcher's delay set to 0 so the server is CPU-bound) over HTTP with tracing off, OpenTelemetry at rate 1/1000 and
# 1/1 (spans exported over OTLP/HTTP to a do-nothing local sink, perf/tracing/otlp_sink.py), and Triton mode at 1/1
# (records written every 10,000 traces). Rounds alternate the modes so the noisy machine's drift hits all alike.
# Usage: perf/tracing/run.sh [path/to/inference-server]   (default: publishes to artifacts/aot)
# Knobs: REQUESTS (default 100000), CONCURRENCY (16), ROUNDS (3).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bin=${1:-$root/artifacts/aot/inference-server}
if [ ! -x "$bin" ]; then
  dotnet publish "$root/src/InferenceServer" -c Release -r linux-x64 -o "$root/artifacts/aot" >/dev/null
  bin=$root/artifacts/aot/inference-server
fi
n=${REQUESTS:-100000}; c=${CONCURRENCY:-16}; rounds=${ROUNDS:-3}
tmp=$(mktemp -d)
python3 "$root/perf/tracing/otlp_sink.py" 18104 & sink=$!
trap 'kill $sink 2>/dev/null; rm -rf "$tmp"' EXIT
python3 "$root/perf/telemetry/make_payload.py" "$tmp"
hl=$(cat "$tmp/fraud.bin.header-length")
mkdir -p "$tmp/repo" && cp -r "$root/model-repository/fraud_detector" "$tmp/repo/"
sed -i 's/max_queue_delay_microseconds: [0-9]*/max_queue_delay_microseconds: 0/' "$tmp/repo/fraud_detector/config.pbtxt"

declare -A config=(
  [off]=""
  [otel_1000]="--trace-config=mode=opentelemetry --trace-config=level=TIMESTAMPS --trace-config=rate=1000 --trace-config=opentelemetry,url=http://127.0.0.1:18104/v1/traces"
  [otel_1]="--trace-config=mode=opentelemetry --trace-config=level=TIMESTAMPS --trace-config=rate=1 --trace-config=opentelemetry,url=http://127.0.0.1:18104/v1/traces --trace-config=opentelemetry,bsp_max_queue_size=65536"
  [triton_1]="--trace-config=level=TIMESTAMPS --trace-config=rate=1 --trace-config=triton,file=$tmp/trace.json --trace-config=triton,log-frequency=10000"
)
modes=(off otel_1000 otel_1 triton_1)

run() { # $1 = mode
  # shellcheck disable=SC2086
  "$bin" --model-repository="$tmp/repo" --address=127.0.0.1 --http-port=18100 --grpc-port=18101 \
    --metrics-port=18102 --shutdown-grace-secs=0 ${config[$1]} >"$tmp/server.log" 2>&1 &
  local pid=$!
  until curl -sf localhost:18100/v2/health/ready >/dev/null; do sleep 0.1; done
  h2load --h1 -n 2000 -c "$c" -d "$tmp/fraud.bin" -H "Inference-Header-Content-Length: $hl" \
    "http://127.0.0.1:18100/v2/models/fraud_detector/infer" >/dev/null   # warm-up
  local rps
  rps=$(h2load --h1 -n "$n" -c "$c" -d "$tmp/fraud.bin" -H "Inference-Header-Content-Length: $hl" \
    "http://127.0.0.1:18100/v2/models/fraud_detector/infer" | awk '/finished in/ {print $4}')
  kill "$pid"; wait "$pid" 2>/dev/null || true
  echo "$rps"
}

declare -A results
for r in $(seq 1 "$rounds"); do
  line="round $r:"
  for mode in "${modes[@]}"; do
    rps=$(run "$mode")
    results[$mode]="${results[$mode]:-} $rps"
    line="$line $mode $rps"
  done
  echo "$line req/s"
done
python3 - "${results[off]}" "${results[otel_1000]}" "${results[otel_1]}" "${results[triton_1]}" <<'PY'
import sys, statistics
names = ["off", "otel_1000", "otel_1", "triton_1"]
medians = {n: statistics.median(float(x) for x in a.split()) for n, a in zip(names, sys.argv[1:])}
for n in names:
    cost = 100 * (medians["off"] - medians[n]) / medians["off"]
    print(f"{n:10s} median {medians[n]:8.0f} req/s   cost {cost:5.1f} % of throughput")
PY
