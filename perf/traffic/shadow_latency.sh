#!/usr/bin/env bash
# Does a slow shadow slow the primary? `simple` version 1 serves; version 2 is the same model through 2,000
# extra graph steps (many times slower). Runs h2load (HTTP JSON, one row) against version 1 with no policy, then
# with every request mirrored to version 2 (queue_size 64), alternating, and prints the primary's latency.
# Usage: perf/traffic/shadow_latency.sh [path/to/inference-server]   Knobs: REQUESTS (20000), CONCURRENCY (2), ROUNDS (3)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bin=${1:-$root/artifacts/aot/inference-server}
n=${REQUESTS:-20000}; c=${CONCURRENCY:-2}; rounds=${ROUNDS:-3}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
dotnet run -c Release --project "$root/src/InferenceServer.ModelBuilder" -- --shadow-demo "$tmp/repo" >/dev/null
python3 "$root/perf/h2load/make_payloads.py" "$tmp" >/dev/null
export INFERENCE_SERVER_CONTROL_TOKEN=shadow-latency-run

run() { # $1 = policy JSON
  "$bin" --model-repository="$tmp/repo" --address=127.0.0.1 --http-port=18200 --grpc-port=18201 --metrics-port=18202 \
    --model-control-mode=explicit --load-model='*' >"$tmp/server.log" 2>&1 &
  local pid=$!
  until curl -sf localhost:18200/v2/health/ready >/dev/null; do sleep 0.1; done
  curl -sf -X PUT -H "Authorization: Bearer $INFERENCE_SERVER_CONTROL_TOKEN" localhost:18200/v2/models/simple/traffic -d "$1" >/dev/null
  h2load --h1 -n 2000 -c "$c" -d "$tmp/simple.json" "http://127.0.0.1:18200/v2/models/simple/infer" >/dev/null
  local line
  line=$(h2load --h1 -n "$n" -c "$c" -d "$tmp/simple.json" "http://127.0.0.1:18200/v2/models/simple/infer" | grep -E "time for request")
  local shadow
  shadow=$(curl -s localhost:18200/v2/models/simple/traffic | python3 -c 'import json,sys; s=json.load(sys.stdin)["shadows"]; print("" if not s else "mirrored %d dropped %d completed %d" % (s[0]["mirrored"], s[0]["dropped"], s[0]["completed"]))')
  kill "$pid"; wait "$pid" 2>/dev/null || true
  echo "$line | $shadow"
}

for r in $(seq 1 "$rounds"); do
  echo "round $r, no shadow:     $(run '{"weights": {"1": 100}}')"
  echo "round $r, shadow to v2:  $(run '{"weights": {"1": 100}, "shadow": [{"version": "2", "percent": 100, "queue_size": 64}]}')"
done
echo "(h2load columns: min max mean sd +/-sd, per request)"
