#!/usr/bin/env python3
"""Writes request bodies for a model so standard HTTP load tools can drive the server:
  NAME.json              HTTP, JSON tensors
  NAME.bin               HTTP, binary tensor extension (send with Inference-Header-Content-Length)
  NAME.bin.header-length the binary body's JSON header length in bytes, for that header
  NAME.grpc              gRPC ModelInferRequest in a length-prefixed gRPC frame (for h2load over h2c)
Models: simple (default; INPUT0 = 0..15, INPUT1 = 1, INT32 [1,16] each) and mlp (the benchmark MLP of
perf/batching: INPUT0 FP32 [1,256], the values of perf/batching/make_payload.py).
The protobuf is encoded by hand (field numbers from proto/grpc_service.proto) so no packages are needed.
usage: make_payloads.py [out-dir] [simple|mlp]"""
import json, random, struct, sys, os

out = sys.argv[1] if len(sys.argv) > 1 else "."
model = sys.argv[2] if len(sys.argv) > 2 else "simple"
os.makedirs(out, exist_ok=True)

if model == "simple":
    # (name, datatype, shape, values, struct code)
    inputs = [("INPUT0", "INT32", [1, 16], list(range(16)), "i"),
              ("INPUT1", "INT32", [1, 16], [1] * 16, "i")]
elif model == "mlp":
    rng = random.Random(42)
    values = [rng.uniform(-1.0, 1.0) for _ in range(256)]
    # Rounded through FP32 so the JSON body carries exactly the values of the binary one.
    values = list(struct.unpack("<256f", struct.pack("<256f", *values)))
    inputs = [("INPUT0", "FP32", [1, 256], values, "f")]
else:
    sys.exit(f"unknown model '{model}': simple or mlp")


def raw(values, code):
    return struct.pack("<%d%s" % (len(values), code), *values)


# HTTP JSON
body = {"inputs": [{"name": n, "shape": s, "datatype": d, "data": v} for n, d, s, v, _ in inputs]}
open(os.path.join(out, model + ".json"), "wb").write(json.dumps(body, separators=(",", ":")).encode())

# HTTP binary: JSON header, then the blobs; outputs requested binary.
blobs = [raw(v, c) for _, _, _, v, c in inputs]
header = {"inputs": [{"name": n, "shape": s, "datatype": d, "parameters": {"binary_data_size": len(b)}}
                     for (n, d, s, _, _), b in zip(inputs, blobs)],
          "parameters": {"binary_data_output": True}}
hdr = json.dumps(header, separators=(",", ":")).encode()
open(os.path.join(out, model + ".bin"), "wb").write(hdr + b"".join(blobs))
open(os.path.join(out, model + ".bin.header-length"), "w").write(str(len(hdr)))


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


def tensor(name, datatype, shape):
    packed = b"".join(varint(d) for d in shape)
    return string(1, name) + string(2, datatype) + field(3, 2, packed)


msg = string(1, model) + b"".join(field(5, 2, tensor(n, d, s)) for n, d, s, _, _ in inputs) \
    + b"".join(field(7, 2, b) for b in blobs)
open(os.path.join(out, model + ".grpc"), "wb").write(b"\x00" + struct.pack(">I", len(msg)) + msg)
