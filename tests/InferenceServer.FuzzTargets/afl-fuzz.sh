#!/usr/bin/env bash
# Fuzzes the parsers with afl-fuzz (AFL++) through SharpFuzz, one target after another on one core.
#   tests/InferenceServer.FuzzTargets/afl-fuzz.sh [SECONDS_PER_TARGET] [TARGET...]
# Needs: apt-get install afl++; dotnet tool install --global SharpFuzz.CommandLine --version 2.3.0
# Leaves each target's queue, crashes and hangs under $AFL_WORK (default /tmp/inference-server-afl)/out/<target>
# and prints afl-fuzz's counters for each.
set -euo pipefail

seconds="${1:-300}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then targets=(json binary grpc pbtxt); fi

here="$(cd "$(dirname "$0")" && pwd)"
work="${AFL_WORK:-/tmp/inference-server-afl}"
sharpfuzz="$(command -v sharpfuzz || echo "$HOME/.dotnet/tools/sharpfuzz")"

dotnet build "$here/InferenceServer.FuzzTargets.csproj" -c Release -o "$work/bin" --nologo -v quiet
# Instrument only the assemblies under test: coverage then steers afl-fuzz through the parsers, not the runtime.
"$sharpfuzz" "$work/bin/InferenceServer.Protocols.dll"
"$sharpfuzz" "$work/bin/InferenceServer.Core.dll"

# dotnet is not an instrumented binary, and a shared machine has neither a fixed CPU governor nor a free core to pin.
export AFL_SKIP_BIN_CHECK=1 AFL_SKIP_CPUFREQ=1 AFL_NO_AFFINITY=1 AFL_NO_UI=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1

for target in "${targets[@]}"; do
  out="$work/out/$target"
  rm -rf "$out"
  mkdir -p "$work/out"
  echo "== $target: afl-fuzz for $seconds s"
  afl-fuzz -V "$seconds" -i "$here/corpus/$target" -o "$out" -t 5000 -m none -- dotnet "$work/bin/InferenceServer.FuzzTargets.dll" "$target" afl > "$work/$target.log" 2>&1 || {
    echo "afl-fuzz failed for $target; see $work/$target.log"; tail -20 "$work/$target.log"; exit 1; }
  grep -E '^(run_time|execs_done|execs_per_sec|corpus_count|edges_found|bitmap_cvg|saved_crashes|saved_hangs) ' "$out/default/fuzzer_stats"
done
