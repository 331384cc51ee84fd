"""Reads perf-ort-rate's output: its RESULT lines by batch size.
Shared by perf/batching/summarize.py and perf/compare/summarize.py."""
import sys


def read(file, required_batch):
    """{batch: {"rows_per_s", "mean_run_us", ...}} from the RESULT lines in `file`, every value a float.
    Exits when there is no RESULT line for `required_batch`."""
    results = {}
    for line in open(file):
        if line.startswith("RESULT "):
            kv = dict(item.split("=", 1) for item in line.split()[1:])
            results[int(kv["batch"])] = {k: float(v) for k, v in kv.items()}
    if required_batch not in results:
        sys.exit(f"no batch-{required_batch} RESULT line in {file}")
    return results
