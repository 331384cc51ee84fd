#!/usr/bin/env python3
"""Writes request bodies for the `simple` model so standard HTTP load tools can drive the server:
  simple.json        HTTP, JSON tensors
  simple.bin         HTTP, binary tensor extension (send with Inference-Header-Content-Length)
  simple.grpc        gRPC ModelInferRequest in a length-prefixed gRPC frame (for h2load over h2c)
The protobuf is encoded by hand (field numbers from proto/grpc_service.proto) so no packages are needed."""
import json, struct, sys, os

out = sys.argv[1] if len(sys.argv) > 1 else "."
os.makedirs(out, exist_ok=True)
a = list(range(16))
b = [1] * 16

# HTTP JSON
body = {"inputs": [
    {"name": "INPUT0", "shape": [1, 16], "datatype": "INT32", "data": a},
    {"name": "INPUT1", "shape": [1, 16], "datatype": "INT32", "data": b}]}
open(os.path.join(out, "simple.json"), "wb").write(json.dumps(body, separators=(",", ":")).encode())

# HTTP binary: JSON header, then the two blobs; outputs requested binary.
raw0 = struct.pack("<16i", *a)
raw1 = struct.pack("<16i", *b)
header = {"inputs": [
    {"name": "INPUT0", "shape": [1, 16], "datatype": "INT32", "parameters": {"binary_data_size": 64}},
    {"name": "INPUT1", "shape": [1, 16], "datatype": "INT32", "parameters": {"binary_data_size": 64}}],
    "parameters": {"binary_data_output": True}}
hdr = json.dumps(header, separators=(",", ":")).encode()
open(os.path.join(out, "simple.bin"), "wb").write(hdr + raw0 + raw1)
open(os.path.join(out, "simple.bin.header-length"), "w").write(str(len(hdr)))

def varint(n):
    r = bytearray()
    while True:
        b7 = n & 0x7F
        n >>= 7
        if n:
            r.append(b7 | 0x80)
        else:
            r.append(b7)
            return bytes(r)

def field(num, wire, payload):
    key = varint((num << 3) | wire)
    if wire == 2:
        return key + varint(len(payload)) + payload
    return key + payload

def string(num, s):
    return field(num, 2, s.encode())

def tensor(name):
    shape = varint(1) + varint(16)
    return string(1, name) + string(2, "INT32") + field(3, 2, shape)

msg = string(1, "simple") + field(5, 2, tensor("INPUT0")) + field(5, 2, tensor("INPUT1")) \
    + field(7, 2, raw0) + field(7, 2, raw1)
open(os.path.join(out, "simple.grpc"), "wb").write(b"\x00" + struct.pack(">I", len(msg)) + msg)
