#!/usr/bin/env python3
"""Reads what perf/compare/run.sh left in its work folder and prints the markdown report: the machine, the
command, the ratio tables (throughput at concurrency C, latency at concurrency 1) and the server-added time.
Exits 1 when a measured run had failed requests or non-2xx answers (the numbers then mean nothing).
usage: summarize.py WORK_DIR CORES CONCURRENCY "MODELS" COMMAND

Inputs in WORK_DIR (NAME-MODEL-cN: N clients):
  ort-MODEL.txt                                   perf-ort-rate output with RESULT lines
  plain-h1-*, plain-h2-*, server-{bin,json,grpc}-*, naive-*   .h2load reports; with one client also .log
                                                  (h2load --log-file: start µs, status, µs to end of response)
  lt-{bin,json,grpc}-MODEL-cN.json                load tool reports (JSON)
  stats-{bin,json,grpc}-MODEL-c1.json             GET /v2/models/MODEL/stats after the load tool's c=1 run
  meta                                            load averages at start and end
"""
import datetime, json, math, os, platform, re, subprocess, sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import h2load_report  # noqa: E402
import ort_report  # noqa: E402

work, cores, concurrency, models, command = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4].split(), sys.argv[5]
invalid = []
# Whether the server's config batches dynamically (then its compute limit is the best batch, else batch 1).
BATCHING = {"simple": False, "mlp": True}
PROTOCOLS = [("bin", "HTTP binary"), ("json", "HTTP JSON"), ("grpc", "gRPC")]


def path(name):
    return os.path.join(work, name)


def h2load(name):
    result = h2load_report.read(path(name + ".h2load"), name, invalid)
    if os.path.exists(path(name + ".log")):
        values = sorted(int(line.split("\t")[2]) for line in open(path(name + ".log")) if line.count("\t") >= 2)
        if values:
            result["p50"] = values[max(0, math.ceil(0.5 * len(values)) - 1)]
            result["p99"] = values[max(0, math.ceil(0.99 * len(values)) - 1)]
    return result


def ort(model):
    return ort_report.read(path(f"ort-{model}.txt"), 1)


def loadtool(name):
    report = json.load(open(path(name + ".json")))
    step = report["steps"][0]
    if step["step_errors"] or step["measured_errors"]:
        invalid.append(f"{name}: errors {step['step_errors'] or step['measured_errors']}")
    return step


def sketch(protocol, model):
    stats = json.load(open(path(f"stats-{protocol}-{model}-c1.json")))["model_stats"][0]
    latency = stats.get("latency_us")
    if not latency:
        return None
    return {stage: latency[stage]["lifetime"] for stage in ("request", "queue", "compute")}


def fmt(value, digits=0):
    return "–" if value is None else f"{value:,.{digits}f}"


def ratio(a, b):
    return "–" if not a or not b else f"{a / b:.2f}"


meta = dict(line.strip().split("=", 1) for line in open(path("meta")) if "=" in line)
cpu = next((l.split(":", 1)[1].strip() for l in subprocess.run(["lscpu"], capture_output=True, text=True).stdout.splitlines()
            if l.startswith("Model name")), platform.processor() or "unknown CPU")
mem = next((int(l.split()[1]) // (1024 * 1024) for l in open("/proc/meminfo") if l.startswith("MemTotal")), 0)
h2v = subprocess.run(["h2load", "--version"], capture_output=True, text=True).stdout.split()[1]
print(f"Machine: {cores}-core VM, `lscpu` model name \"{cpu}\", {mem} GiB, {platform.system()} {platform.release()}, h2load {h2v}; "
      f"load average {meta.get('load_start', '?')} at the start, {meta.get('load_end', '?')} at the end (1/5/15 min).")
print(f"Date: {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M}Z. Command: `{command}`.")
print(f"Every client runs on the same {cores} cores as the endpoint it measures.")

for model in models:
    o = ort(model)
    batch1 = o[1]
    best_batch = max(o, key=lambda b: o[b]["rows_per_s"])
    compute_limit = o[best_batch]["rows_per_s"] if BATCHING[model] else batch1["rows_per_s"]
    limit_batch = best_batch if BATCHING[model] else 1
    plain = {kind: {c: h2load(f"plain-{kind}-{model}-c{c}") for c in (1, concurrency)} for kind in ("h1", "h2")}
    server = {p: {c: h2load(f"server-{p}-{model}-c{c}") for c in (1, concurrency)} for p, _ in PROTOCOLS}
    lt = {p: {c: loadtool(f"lt-{p}-{model}-c{c}") for c in (1, concurrency)} for p, _ in PROTOCOLS}
    naive = {c: h2load(f"naive-{model}-c{c}") for c in (1, concurrency)}

    def combined(transport):  # client and endpoint share the cores: C / (C/P + 1/R)
        return cores / (cores / transport + 1 / compute_limit)

    print()
    print(f"#### `{model}` — throughput at concurrency {concurrency}")
    print()
    by_batch = ", ".join("%d: %s" % (b, fmt(o[b]["rows_per_s"])) for b in sorted(o))
    print(f"(a) ONNX Runtime in process, 1 intra-op thread: {batch1['rows_per_s']:,.0f} rows/s at batch 1 "
          f"(run p50 {batch1['p50_run_us']:.1f} µs); best {o[best_batch]['rows_per_s']:,.0f} rows/s at batch {best_batch} "
          f"({by_batch}). "
          f"Compute limit R for this config: batch {limit_batch}, {compute_limit:,.0f} rows/s"
          f"{' (dynamic batching)' if BATCHING[model] else ' (no dynamic batching: one request per run)'}.")
    print()
    print("| endpoint | req/s h2load | req/s load tool | ÷ transport limit P | ÷ compute limit R | ÷ combined limit | ÷ naive |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    print(f"| (b) Kestrel plaintext HTTP/1.1 = P | {fmt(plain['h1'][concurrency]['rps'])} | | | | | |")
    print(f"| (b) Kestrel plaintext h2c = P (gRPC) | {fmt(plain['h2'][concurrency]['rps'])} | | | | | |")
    naive_rps = naive[concurrency]["rps"]
    for p, label in PROTOCOLS:
        rps = server[p][concurrency]["rps"]
        transport = plain["h2" if p == "grpc" else "h1"][concurrency]["rps"]
        print(f"| (c) server, {label} | **{fmt(rps)}** | {fmt(lt[p][concurrency]['requests_per_second'])} | {ratio(rps, transport)} | "
              f"{ratio(rps, compute_limit)} | {ratio(rps, combined(transport))} | **{ratio(rps, naive_rps)}** |")
    print(f"| (d) naive ASP.NET, JSON | {fmt(naive_rps)} | | {ratio(naive_rps, plain['h1'][concurrency]['rps'])} | "
          f"{ratio(naive_rps, compute_limit)} | {ratio(naive_rps, combined(plain['h1'][concurrency]['rps']))} | 1.00 |")
    print()
    print(f"Combined limit C / (C/P + 1/R) with C = {cores}: HTTP/1.1 {combined(plain['h1'][concurrency]['rps']):,.0f} req/s, "
          f"h2c {combined(plain['h2'][concurrency]['rps']):,.0f} req/s.")

    print()
    print(f"#### `{model}` — latency at concurrency 1 (h2load, p50 / p99 µs)")
    print()
    print("| endpoint | p50 | p99 | p50 ÷ plaintext p50 | naive p50 ÷ this p50 |")
    print("|---|---:|---:|---:|---:|")
    print(f"| (a) ONNX Runtime run, batch 1 | {batch1['p50_run_us']:.1f} | {batch1['p99_run_us']:.1f} | | |")
    for kind, label in (("h1", "HTTP/1.1"), ("h2", "h2c")):
        r = plain[kind][1]
        print(f"| (b) Kestrel plaintext {label} | {fmt(r.get('p50'))} | {fmt(r.get('p99'))} | 1.00 | |")
    for p, label in PROTOCOLS:
        r = server[p][1]
        base = plain["h2" if p == "grpc" else "h1"][1].get("p50")
        print(f"| (c) server, {label} | **{fmt(r.get('p50'))}** | {fmt(r.get('p99'))} | {ratio(r.get('p50'), base)} | "
              f"{ratio(naive[1].get('p50'), r.get('p50'))} |")
    print(f"| (d) naive ASP.NET, JSON | {fmt(naive[1].get('p50'))} | {fmt(naive[1].get('p99'))} | "
          f"{ratio(naive[1].get('p50'), plain['h1'][1].get('p50'))} | 1.00 |")

    print()
    print(f"#### `{model}` — server-added time at concurrency 1 (µs)")
    print()
    print("Averages from the statistics the load tool reads around its run (request = handler entry to the end of the "
          "model run; overhead = request − queue − compute); p50s from the version's latency sketches "
          "(`latency_us`, lifetime of a fresh server: this run only); end to end = client p50 (h2load) − the "
          "plaintext p50 over the same protocol − compute p50.")
    print()
    print("| protocol | client p50 (load tool) | request avg | queue avg | compute avg | overhead avg | request p50 | queue p50 | compute p50 | **server-added p50** (request − compute) | end-to-end added p50 |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for p, label in PROTOCOLS:
        step = lt[p][1]
        s = step["server"]
        compute = s["compute_input_us"] + s["compute_infer_us"] + s["compute_output_us"]
        k = sketch(p, model)
        rq, qu, cp = (k["request"]["p50"], k["queue"]["p50"], k["compute"]["p50"]) if k else (None, None, None)
        added = rq - cp if rq is not None and cp is not None else None
        base = plain["h2" if p == "grpc" else "h1"][1].get("p50")
        e2e = server[p][1].get("p50") - base - cp if base and cp is not None and server[p][1].get("p50") else None
        print(f"| {label} | {fmt(step['latency']['p50_us'])} | {fmt(s['request_us'], 1)} | {fmt(s['queue_us'], 1)} | {fmt(compute, 1)} | "
              f"{fmt(s['overhead_us'], 1)} | {fmt(rq, 1)} | {fmt(qu, 1)} | {fmt(cp, 1)} | **{fmt(added, 1)}** | {fmt(e2e, 0)} |")

if invalid:
    print()
    print("INVALID runs (failed requests or non-2xx answers): " + "; ".join(invalid))
    sys.exit(1)
