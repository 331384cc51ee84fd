#!/usr/bin/env bash
# Drives a running server with h2load (Debian: nghttp2-client) for the `simple` model:
# HTTP/1.1 binary tensors, HTTP/1.1 JSON, and gRPC (h2c), each at concurrency $CONCURRENCY.
# Usage: perf/h2load/run.sh [http_port] [grpc_port]   (defaults 8000 8001)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
http=${1:-8000}; grpc=${2:-8001}
n=${REQUESTS:-200000}; c=${CONCURRENCY:-16}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
python3 "$here/make_payloads.py" "$tmp"
hl=$(cat "$tmp/simple.bin.header-length")
echo "== HTTP binary, c=$c, n=$n"
h2load --h1 -n "$n" -c "$c" -d "$tmp/simple.bin" -H "Inference-Header-Content-Length: $hl" \
  -H "Content-Type: application/octet-stream" "http://127.0.0.1:$http/v2/models/simple/infer" | grep -E "finished in|requests:|status codes|time for request"
echo "== HTTP JSON, c=$c, n=$n"
h2load --h1 -n "$n" -c "$c" -d "$tmp/simple.json" -H "Content-Type: application/json" \
  "http://127.0.0.1:$http/v2/models/simple/infer" | grep -E "finished in|requests:|status codes|time for request"
echo "== gRPC ModelInfer, c=$c (one connection per client, 1 stream each), n=$n"
h2load -n "$n" -c "$c" -m 1 -d "$tmp/simple.grpc" -H "content-type: application/grpc" -H "te: trailers" \
  "http://127.0.0.1:$grpc/inference.GRPCInferenceService/ModelInfer" | grep -E "finished in|requests:|status codes|time for request"
