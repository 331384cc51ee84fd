#!/usr/bin/env python3
"""Writes the request body for the benchmark MLP (`mlp`: INPUT0 FP32 [-1,256] -> OUTPUT0 FP32 [-1,10])
so h2load can drive the server, in the style of perf/h2load/make_payloads.py:
  mlp.bin                HTTP, binary tensor extension: JSON header, then 256 little-endian FP32 values;
                         every output comes back binary (binary_data_output). Send with Inference-Header-Content-Length.
  mlp.bin.header-length  the JSON header's length in bytes, for that header
usage: make_payload.py [out-dir] [model-name]   (defaults: . mlp)"""
import json, os, random, struct, sys

out = sys.argv[1] if len(sys.argv) > 1 else "."
model = sys.argv[2] if len(sys.argv) > 2 else "mlp"
width = 256
os.makedirs(out, exist_ok=True)

rng = random.Random(42)
raw = struct.pack("<%df" % width, *(rng.uniform(-1.0, 1.0) for _ in range(width)))
header = {"inputs": [
    {"name": "INPUT0", "shape": [1, width], "datatype": "FP32", "parameters": {"binary_data_size": len(raw)}}],
    "parameters": {"binary_data_output": True}}
hdr = json.dumps(header, separators=(",", ":")).encode()
open(os.path.join(out, model + ".bin"), "wb").write(hdr + raw)
open(os.path.join(out, model + ".bin.header-length"), "w").write(str(len(hdr)))
