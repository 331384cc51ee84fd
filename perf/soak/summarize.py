#!/usr/bin/env python3
"""Prints the reload soak's curve and verdict from the CSV perf/soak/run.sh writes.
usage: summarize.py CSV FROM_CYCLE BOUND_PCT WINDOW
Exits 0 when RSS growth from FROM_CYCLE to the last cycle is below BOUND_PCT %, else 1.

The verdict uses the median of the WINDOW cycles ending at FROM_CYCLE and at the last cycle: one
sample can land just before or just after a garbage collection (the managed heap moves by a few MB
between them), which is noise on the scale of the bound; a leak moves every sample of the window.
The single samples at both cycles are printed too.

CSV columns: cycle, rss_kib (VmRSS), rss_anon_kib (RssAnon), threads, fds (open descriptors).
"""
import csv, statistics, sys

path, start, bound, window = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
rows = {int(r["cycle"]): r for r in csv.DictReader(open(path))}
last = max(rows)


def value(cycle, column="rss_kib"):
    return int(rows[cycle][column])


def median(end, column="rss_kib"):
    return statistics.median(value(c, column) for c in range(end - window + 1, end + 1))


def mib(kib):
    return f"{kib / 1024:,.1f}"


def growth(a, b):
    return 100.0 * (b - a) / a


step = 100 if last >= 500 else 10
marks = sorted({0, 1, *range(step, last + 1, step), start, last})
print(f"| cycle | VmRSS MiB | vs cycle {start} | RssAnon MiB | threads | fds |")
print("|---:|---:|---:|---:|---:|---:|")
for c in marks:
    delta = f"{growth(value(start), value(c)):+.2f} %" if c >= start else ""
    print(f"| {c:,} | {mib(value(c))} | {delta} | {mib(value(c, 'rss_anon_kib'))} | {rows[c]['threads']} | {rows[c]['fds']} |")

tail = range(start, last + 1)
peak = max(tail, key=value)
print()
print(f"single samples:  cycle {start} {mib(value(start))} MiB -> cycle {last} {mib(value(last))} MiB: "
      f"{growth(value(start), value(last)):+.2f} %  (peak {mib(value(peak))} MiB at cycle {peak})")
a, b = median(start), median(last)
verdict = growth(a, b) < bound
print(f"medians of {window}: cycles {start - window + 1}-{start} {mib(a)} MiB -> cycles {last - window + 1}-{last} {mib(b)} MiB: "
      f"{growth(a, b):+.2f} %  (bound < {bound:g} %)  {'PASS' if verdict else 'FAIL'}")
per_cycle = (b - a) / max(1, last - start)
print(f"                 {per_cycle:+.1f} KiB per cycle; threads {rows[start]['threads']} -> {rows[last]['threads']}, "
      f"fds {rows[start]['fds']} -> {rows[last]['fds']}")
sys.exit(0 if verdict else 1)
