#!/usr/bin/env bash
# The chaos soak (see perf/README.md, "Chaos soak"), in two parts:
#   1. SWAPS version swaps (default 100) of `simple` under continuous HTTP + gRPC load through poll mode, with a
#      fault before each swap in turn (a copy killed half-way, a corrupt model file, a config typo, a model failing
#      at run time, the repository renamed away and back, an unreadable model file): the functional test
#      Lifecycle/Chaos/ChaosSoakTests run with CHAOS_SWAPS=SWAPS against the published server; zero failed
#      requests for the healthy versions, every fault visible in the index or the metrics, descriptors, threads and
#      RSS flat. It runs twice, the server taking the changes from its poller and from load calls; the per-swap
#      samples go to CHAOS_CSV with -poll / -api before the extension.
#   2. CYCLES load/unload cycles (default 10,000) of the benchmark MLP through the API (perf/soak/run.sh), then the
#      request path's p50 on the soaked server against a fresh one (LATENCY_CHECK=1 of run.sh).
# usage: perf/soak/chaos.sh      (from anywhere; about 10 minutes for part 1 and 15-25 for part 2 on 2 cores)
# knobs: SWAPS=100  CYCLES=10000  CHAOS_CSV=artifacts/soak/chaos.csv  CSV=artifacts/soak/cycles.csv
#        SERVER_DIR=artifacts/aot (published with .ci/publish.sh when missing)  SKIP_SWAPS=0  SKIP_CYCLES=0
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root"

swaps=${SWAPS:-100}
cycles=${CYCLES:-10000}
aot=$(realpath -m "${SERVER_DIR:-$root/artifacts/aot}")
chaos_csv=$(realpath -m "${CHAOS_CSV:-$root/artifacts/soak/chaos.csv}")
mkdir -p "$(dirname "$chaos_csv")"
[[ -x "$aot/inference-server" ]] || bash .ci/publish.sh "$aot"
[[ -x artifacts/loadtool/inference-load ]] || dotnet publish perf/InferenceServer.LoadTool -c Release -r linux-x64 -o artifacts/loadtool -nologo -v quiet

if [[ "${SKIP_SWAPS:-0}" != 1 ]]; then
  printf '\n== part 1: %s swaps with faults; samples in %s\n' "$swaps" "$chaos_csv"
  started=$SECONDS
  log="${chaos_csv%.csv}.log"
  status=0
  CHAOS_SWAPS=$swaps CHAOS_CSV=$chaos_csv INFERENCE_SERVER_AOT_BINARY="$aot/inference-server" \
    dotnet test tests/InferenceServer.FunctionalTests -c Release --filter "FullyQualifiedName~Lifecycle.Chaos.ChaosSoakTests" \
    --logger "console;verbosity=normal" >"$log" 2>&1 || status=$?
  grep -E "Passed!|Failed!|Error Message|Assert|^ +(CopyKilled|Corrupt|ConfigTypo|FailingAt|RepositoryRenamed|Unreadable)" "$log" | head -40 || true
  (( status == 0 )) || { echo "the chaos soak failed (exit $status); the whole output is in $log" >&2; exit "$status"; }
  python3 - "$chaos_csv" "$((SECONDS - started))" <<'PY'
import csv, os, sys
base_name = os.path.splitext(sys.argv[1])[0]
print(f"part 1 took {sys.argv[2]} s")
for mode in ("poll", "api"):
    path = f"{base_name}-{mode}.csv"
    rows = list(csv.DictReader(open(path)))
    if len(rows) < 2:
        sys.exit(f"{path}: no samples")
    first, base, last = rows[0], rows[min(7, len(rows) - 1)], rows[-1]
    print(f"{mode}: {len(rows) - 1} swaps, {int(last['answers']):,} answers, samples in {path}")
    for column in ("rss_kib", "fds", "threads", "pool_threads"):
        print(f"  {column:12}: start {first[column]:>8}  after swap {base['swap']:>3}: {base[column]:>8}  end: {last[column]:>8}")
    step = max(1, (len(rows) - 1) // 10)
    print("  curve (swap: RSS MiB / fds / threads + pool): " + ", ".join(
        f"{r['swap']}: {int(r['rss_kib']) // 1024}/{r['fds']}/{r['threads']}+{r['pool_threads']}" for r in rows[::step]))
PY
fi

if [[ "${SKIP_CYCLES:-0}" != 1 ]]; then
  printf '\n== part 2: %s load/unload cycles, then the request path against a fresh server\n' "$cycles"
  CYCLES=$cycles FROM_CYCLE=${FROM_CYCLE:-1000} WINDOW=${WINDOW:-100} LATENCY_CHECK=1 REUSE_BUILD=1 SERVER_DIR="$aot" \
    CSV="${CSV:-$root/artifacts/soak/cycles.csv}" bash "$here/run.sh"
fi
