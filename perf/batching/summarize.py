#!/usr/bin/env python3
"""Reads what perf/batching/run.sh left in its work folder and prints the results table with a
PASS/FAIL per target, then the numbers as one `RESULT {json}` line. Exits 1 when a measured run had failed requests or non-2xx answers (the
numbers then mean nothing), else 0 whatever the targets say.
usage: summarize.py WORK_DIR CORES

Inputs in WORK_DIR:
  plaintext.h2load, batched.h2load, unbatched.h2load   h2load's report (plaintext-after.h2load: P again after the server runs)
  plaintext.log, batched.log, unbatched.log            h2load --log-file: start (µs since epoch) TAB status TAB µs to end of response
  ort.txt, ort-after.txt                               perf-ort-rate output with RESULT lines, before and after the server runs
  batched.stats-{before,after}.json, unbatched...      GET /v2/models/mlp/stats around the measured run
"""
import json, math, os, sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import h2load_report  # noqa: E402
import ort_report  # noqa: E402

LIMIT_SHARE = 0.85       # batched throughput >= 85 % of the combined limit
SPEEDUP = 4.0            # batched >= 4x unbatched
P99_BASE_MS = 2.0        # p99 <= 2 ms + 2 x batch-64 run time
P99_RUNS = 2.0

work, cores = sys.argv[1], int(sys.argv[2])
invalid = []


def path(name):
    return os.path.join(work, name)


def h2load(name):
    return h2load_report.read(path(name + ".h2load"), name, invalid)


def latencies(name):
    values = []
    with open(path(name + ".log")) as f:
        for line in f:
            cols = line.split("\t")
            if len(cols) >= 3:
                values.append(int(cols[2]))
    values.sort()
    n = len(values)
    if n == 0:
        sys.exit(f"{path(name + '.log')} holds no requests")

    def q(p):  # nearest rank
        return values[max(0, math.ceil(p * n) - 1)] / 1000.0

    return {"n": n, "mean": sum(values) / n / 1000.0, "p50": q(0.50), "p90": q(0.90), "p99": q(0.99), "p999": q(0.999), "max": values[-1] / 1000.0}


def ort(name="ort.txt"):
    return ort_report.read(path(name), 64)


def stats(name):
    def read(suffix):
        s = json.load(open(path(f"{name}.stats-{suffix}.json")))["model_stats"][0]
        d = s.get("inference_stats", {})
        ns = {k: int(d.get(k, {}).get("ns", 0)) for k in ("success", "queue", "compute_infer")}
        return int(s["inference_count"]), int(s["execution_count"]), ns
    (i0, e0, ns0), (i1, e1, ns1) = read("before"), read("after")
    delta = {k: ns1[k] - ns0[k] for k in ns1}
    return {"inference_count": i1, "execution_count": e1, "run_inferences": i1 - i0, "run_executions": e1 - e0, "ns": delta}


def server_cpu(name):
    """Seconds of CPU the server process used during the measured run (None when not recorded)."""
    try:
        with open(path(f"{name}.cpu")) as f:
            before, after, ticks_per_second = (int(v) for v in f.read().split())
    except FileNotFoundError:
        return None
    return (after - before) / ticks_per_second


def n(x, digits=0):
    return f"{x:,.{digits}f}"


def verdict(ok):
    return "PASS" if ok else "FAIL"


plain = h2load("plaintext")
plain_lat = latencies("plaintext")
batched, unbatched = h2load("batched"), h2load("unbatched")
batched_lat, unbatched_lat = latencies("batched"), latencies("unbatched")
ort_results = ort()
batched_stats, unbatched_stats = stats("batched"), stats("unbatched")

# P and R before and after the server runs (older work folders have only "before"): the limit uses the means.
P_before = plain["rps"]
P_after = h2load("plaintext-after")["rps"] if os.path.exists(path("plaintext-after.h2load")) else None
P = P_before if P_after is None else (P_before + P_after) / 2
ort_after = ort("ort-after.txt") if os.path.exists(path("ort-after.txt")) else None
R_before = ort_results[64]["rows_per_s"]
R_after = ort_after[64]["rows_per_s"] if ort_after else None
R = R_before if R_after is None else (R_before + R_after) / 2
run64_ms = ort_results[64]["mean_run_us"] / 1000.0 if ort_after is None else (ort_results[64]["mean_run_us"] + ort_after[64]["mean_run_us"]) / 2000.0
threads = int(ort_results[64]["threads"])
limit = cores / (cores / P + 1.0 / R)
share = batched["rps"] / limit
speedup = batched["rps"] / unbatched["rps"]
p99_target = P99_BASE_MS + P99_RUNS * run64_ms

rows = [
    ("P  Kestrel plaintext, same h2load and connections", f"{n(P)} req/s", "" if P_after is None else f"before {n(P_before)}, after {n(P_after)}", ""),
    (f"R  ONNX Runtime in process, batch 64, {threads} intra-op thread(s)", f"{n(R)} rows/s",
     f"run {run64_ms:.3f} ms" + ("" if R_after is None else f"; before {n(R_before)}, after {n(R_after)}"), ""),
]
if 1 in ort_results:
    rows.append(("   (batch 1, for reference)", f"{n(ort_results[1]['rows_per_s'])} rows/s", f"run {ort_results[1]['mean_run_us'] / 1000:.3f} ms", ""))
rows += [
    ("C  cores (nproc)", str(cores), "", ""),
    ("combined limit C/(C/P + 1/R)", f"{n(limit)} req/s", "", ""),
    ("batched (dynamic_batching) throughput", f"{n(batched['rps'])} req/s", f"{share * 100:.1f} % of limit, target >= {LIMIT_SHARE * 100:.0f} %", verdict(share >= LIMIT_SHARE)),
    ("unbatched throughput", f"{n(unbatched['rps'])} req/s", f"batched/unbatched {speedup:.2f}x, target >= {SPEEDUP:.0f}x", verdict(speedup >= SPEEDUP)),
    ("batched p99 latency", f"{batched_lat['p99']:.3f} ms", f"target <= {P99_BASE_MS:.0f} + {P99_RUNS:.0f} x {run64_ms:.3f} = {p99_target:.3f} ms", verdict(batched_lat["p99"] <= p99_target)),
]
w = [max(len(r[i]) for r in rows) for i in range(4)]
header = ("quantity", "value", "against", "target")
w = [max(w[i], len(header[i])) for i in range(4)]
print(" | ".join(header[i].ljust(w[i]) for i in range(4)))
print("-+-".join("-" * w[i] for i in range(4)))
for r in rows:
    print(" | ".join(r[i].ljust(w[i]) for i in range(4)))

print()
print("latency, ms (from h2load --log-file, every measured request):")
print(f"  {'run':<10} {'requests':>9} {'mean':>8} {'p50':>8} {'p90':>8} {'p99':>8} {'p99.9':>8} {'max':>8}")
for name, lat in (("plaintext", plain_lat), ("batched", batched_lat), ("unbatched", unbatched_lat)):
    print(f"  {name:<10} {lat['n']:>9} {lat['mean']:>8.3f} {lat['p50']:>8.3f} {lat['p90']:>8.3f} {lat['p99']:>8.3f} {lat['p999']:>8.3f} {lat['max']:>8.3f}")

print()
print("server statistics, GET /v2/models/mlp/stats (average batch = inference_count / execution_count):")
for name, s in (("batched", batched_stats), ("unbatched", unbatched_stats)):
    run_avg = s["run_inferences"] / s["run_executions"] if s["run_executions"] else float("nan")
    all_avg = s["inference_count"] / s["execution_count"] if s["execution_count"] else float("nan")
    print(f"  {name:<10} after the run: inference_count {s['inference_count']}, execution_count {s['execution_count']}, average batch {all_avg:.2f};"
          f" measured run alone: {s['run_inferences']} / {s['run_executions']} = {run_avg:.2f}")
    if s["run_inferences"] and s["run_executions"]:
        print(f"  {'':<10} measured run, server side: {s['ns']['success'] / s['run_inferences'] / 1e6:.3f} ms per request in the server,"
              f" {s['ns']['queue'] / s['run_inferences'] / 1e6:.3f} ms queued, {s['ns']['compute_infer'] / s['run_inferences'] / 1e6:.3f} ms per model run"
              " (each request is charged its batch's run, as in Triton)")
    cpu = server_cpu(name)
    if cpu is not None and s["run_inferences"]:
        print(f"  {'':<10} measured run, server process CPU (user + system, /proc): {cpu / s['run_inferences'] * 1e6:.1f} µs per request")

results = [share >= LIMIT_SHARE, speedup >= SPEEDUP, batched_lat["p99"] <= p99_target]
print()
print(f"targets: {sum(results)}/3 PASS")
# One machine-readable line for perf/batching/rounds.sh.
batch = batched_stats["run_inferences"] / batched_stats["run_executions"] if batched_stats["run_executions"] else None
cpu = server_cpu("batched")
print("RESULT " + json.dumps({
    "P": P, "P_before": P_before, "P_after": P_after, "R": R, "R_before": R_before, "R_after": R_after, "run64_ms": run64_ms, "limit": limit, "batched": batched["rps"], "share": share,
    "unbatched": unbatched["rps"], "speedup": speedup, "p99_ms": batched_lat["p99"], "p99_target_ms": p99_target,
    "batch": batch, "cpu_us": cpu / batched_stats["run_inferences"] * 1e6 if cpu is not None and batched_stats["run_inferences"] else None}))
if invalid:
    print("INVALID RUN, requests failed:", *invalid, sep="\n  ")
    sys.exit(1)
