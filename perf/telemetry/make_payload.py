#!/usr/bin/env python3
"""Writes an HTTP binary-tensor request for fraud_detector (30 FP32 features, one row) to <dir>/fraud.bin
and its JSON header length to <dir>/fraud.bin.header-length."""
import json, os, random, struct, sys

out = sys.argv[1]
rows = int(sys.argv[2]) if len(sys.argv) > 2 else 1
random.seed(1)
values = [random.gauss(0, 1) for _ in range(30 * rows)]
header = {"inputs": [{"name": "features", "shape": [rows, 30], "datatype": "FP32",
                      "parameters": {"binary_data_size": 4 * len(values)}}],
          "parameters": {"binary_data_output": True}}
hdr = json.dumps(header, separators=(",", ":")).encode()
open(os.path.join(out, "fraud.bin"), "wb").write(hdr + struct.pack(f"<{len(values)}f", *values))
open(os.path.join(out, "fraud.bin.header-length"), "w").write(str(len(hdr)))
