#!/usr/bin/env bash
# Runs the batching benchmark (perf/batching/run.sh) several times in a row and prints every round and the
# median. Each round measures its own P and R next to its own server runs; on a shared VM the three drift
# by several percent within minutes, so one round says little and the median of several says more.
# Every round's table stays in $OUT_DIR/round-N.txt.
#
# usage: perf/batching/rounds.sh          (ROUNDS=5; the first round publishes unless REUSE_BUILD=1)
# knobs: ROUNDS=5, OUT_DIR (default: a new folder under ${TMPDIR:-/tmp}), and every knob of run.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
rounds=${ROUNDS:-5}
out=${OUT_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/batching-rounds.XXXXXX")}
mkdir -p "$out"

for ((i = 1; i <= rounds; i++)); do
  reuse=${REUSE_BUILD:-0}
  if (( i > 1 )); then reuse=1; fi
  echo "round $i/$rounds ($(date -u +%H:%M:%SZ))"
  REUSE_BUILD=$reuse "$here/run.sh" >"$out/round-$i.txt" 2>&1 || { echo "round $i failed: $out/round-$i.txt" >&2; tail -20 "$out/round-$i.txt" >&2; exit 1; }
  grep '^RESULT ' "$out/round-$i.txt" | sed 's/^RESULT //' >"$out/round-$i.json"
done

python3 - "$out" "$rounds" <<'PY'
import json, statistics, sys
out, rounds = sys.argv[1], int(sys.argv[2])
rs = [json.load(open(f"{out}/round-{i}.json")) for i in range(1, rounds + 1)]
print(f"\n{'round':>5} {'P req/s':>9} {'R rows/s':>9} {'limit':>8} {'batched':>8} {'% limit':>8} {'unbatched':>9} {'ratio':>6} {'p99 ms':>7} {'target':>7} {'batch':>6} {'CPU µs':>7}")
for i, r in enumerate(rs, 1):
    cpu = f"{r['cpu_us']:.1f}" if r["cpu_us"] is not None else "-"
    print(f"{i:>5} {r['P']:>9,.0f} {r['R']:>9,.0f} {r['limit']:>8,.0f} {r['batched']:>8,.0f} {r['share'] * 100:>7.1f}% {r['unbatched']:>9,.0f}"
          f" {r['speedup']:>5.2f}x {r['p99_ms']:>7.3f} {r['p99_target_ms']:>7.3f} {r['batch'] or 0:>6.1f} {cpu:>7}")
for key, label, scale in (("share", "% of limit", 100), ("speedup", "batched/unbatched", 1), ("p99_ms", "p99 ms", 1)):
    values = [r[key] * scale for r in rs]
    print(f"{label:>18}: median {statistics.median(values):.2f}, min {min(values):.2f}, max {max(values):.2f}")
print(f"rounds at or above 85 % of the limit: {sum(r['share'] >= 0.85 for r in rs)}/{rounds};"
      f" p99 within target: {sum(r['p99_ms'] <= r['p99_target_ms'] for r in rs)}/{rounds}")
print(f"tables: {out}/round-N.txt")
PY
