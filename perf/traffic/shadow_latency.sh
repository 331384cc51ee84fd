#!/usr/bin/env bash
# Does a slow shadow slow the primary? `simple` version 1 serves; version 2 is the same model through 2,000
# extra graph steps (many times slower). Runs h2load (HTTP JSON, one row) against version 1 with no policy, then
# with every request mirrored to version 2 (queue_size 64), alternating, and prints the primary's latency.
# Usage: perf/traffic/shadow_latency.sh [path/to/inference-server]   Knobs: REQUESTS (20000), CONCURRENCY (2), ROUNDS (3)
# On a machine without the SDK or h2load: REPO=<a repository written by `ModelBuilder --shadow-demo`> and
# LOAD_TOOL=<path to inference-load> (then each measurement is DURATION seconds, default 5).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bin=${1:-$root/artifacts/aot/inference-server}
n=${REQUESTS:-20000}; c=${CONCURRENCY:-2}; rounds=${ROUNDS:-3}; load_tool=${LOAD_TOOL:-}; duration=${DURATION:-5}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
if [ -n "${REPO:-}" ]; then
  cp -r "$REPO" "$tmp/repo"
else
  dotnet run -c Release --project "$root/src/InferenceServer.ModelBuilder" -- --shadow-demo "$tmp/repo" >/dev/null
fi
[ -n "$load_tool" ] || python3 "$root/perf/h2load/make_payloads.py" "$tmp" >/dev/null
export INFERENCE_SERVER_CONTROL_TOKEN=shadow-latency-run

run() { # $1 = policy JSON
  "$bin" --model-repository="$tmp/repo" --address=127.0.0.1 --http-port=18200 --grpc-port=18201 --metrics-port=18202 \
    --model-control-mode=explicit --load-model='*' >"$tmp/server.log" 2>&1 &
  local pid=$!
  until curl -sf localhost:18200/v2/health/ready >/dev/null; do sleep 0.1; done
  curl -sf -X PUT -H "Authorization: Bearer $INFERENCE_SERVER_CONTROL_TOKEN" localhost:18200/v2/models/simple/traffic -d "$1" >/dev/null
  local line
  if [ -n "$load_tool" ]; then
    # No -x: a request naming its version bypasses the traffic policy, and with it the shadow.
    "$load_tool" -m simple -u 127.0.0.1:18200 --json-tensors --concurrency-range "$c:$c:1" --duration-secs 1 >/dev/null 2>&1
    "$load_tool" -m simple -u 127.0.0.1:18200 --json-tensors --concurrency-range "$c:$c:1" --duration-secs "$duration" --json-file "$tmp/load.json" >/dev/null 2>&1
    line=$(python3 -c 'import json,sys; s=json.load(open(sys.argv[1]))["steps"][0]; l=s["latency"]; print("%.0f req/s, latency avg %.0f us p50 %.0f us p99 %.0f us" % (s["requests_per_second"], l["avg_us"], l["p50_us"], l["p99_us"]))' "$tmp/load.json")
  else
    h2load --h1 -n 2000 -c "$c" -d "$tmp/simple.json" "http://127.0.0.1:18200/v2/models/simple/infer" >/dev/null
    line=$(h2load --h1 -n "$n" -c "$c" -d "$tmp/simple.json" "http://127.0.0.1:18200/v2/models/simple/infer" | grep -E "time for request")
  fi
  local shadow
  shadow=$(curl -s localhost:18200/v2/models/simple/traffic | python3 -c 'import json,sys; s=json.load(sys.stdin)["shadows"]; print("" if not s else "mirrored %d dropped %d completed %d" % (s[0]["mirrored"], s[0]["dropped"], s[0]["completed"]))')
  kill "$pid"; wait "$pid" 2>/dev/null || true
  echo "$line | $shadow"
}

for r in $(seq 1 "$rounds"); do
  echo "round $r, no shadow:     $(run '{"weights": {"1": 100}}')"
  echo "round $r, shadow to v2:  $(run '{"weights": {"1": 100}, "shadow": [{"version": "2", "percent": 100, "queue_size": 64}]}')"
done
[ -n "$load_tool" ] || echo "(h2load columns: min max mean sd +/-sd, per request)"
