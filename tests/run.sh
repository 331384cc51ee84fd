#!/usr/bin/env bash
# Installs what the tests need on a Debian machine with the .NET SDK (as root: apt packages for the native-AOT link and
# the real Prometheus the scrape tests start, the real redis-server the response-cache tests start, the headless chromium that loads the load tool's HTML report), then runs every test. `bash tests/run.sh install` installs only.
# README's test command, and the last step of .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

need=()
command -v curl >/dev/null || need+=(curl)
command -v clang >/dev/null || command -v gcc >/dev/null || need+=(clang)
dpkg -s zlib1g-dev >/dev/null 2>&1 || need+=(zlib1g-dev)
command -v prometheus >/dev/null && command -v promtool >/dev/null || need+=(prometheus)
command -v redis-server >/dev/null || need+=(redis-server)
command -v chromium >/dev/null || need+=(chromium)
if [ ${#need[@]} -gt 0 ]; then
  echo "::: installing ${need[*]}"
  apt-get update -qq && apt-get install -y -qq "${need[@]}"
fi

if [ "${1:-}" = "install" ]; then
  exit 0
fi

# dotnet test prints one "Passed!/Failed! - Failed: N, Passed: N, Skipped: N" line per test assembly; the closing line
# adds them up in the bare "N passed, N failed" form (skips on the line before), and a run that executed no test fails.
mkdir -p artifacts
status=0
dotnet test InferenceServer.sln -c Release 2>&1 | tee artifacts/tests.log || status=$?
read -r passed failed skipped < <(grep -E "^(Passed|Failed)! +- +Failed:" artifacts/tests.log |
  sed -E 's/.*Failed: *([0-9]+), Passed: *([0-9]+), Skipped: *([0-9]+).*/\2 \1 \3/' |
  awk '{p += $1; f += $2; s += $3} END {print p + 0, f + 0, s + 0}')
echo "tests skipped: $skipped"
echo "$passed passed, $failed failed"
if [ "$status" -eq 0 ] && [ "$passed" -eq 0 ]; then
  echo "the test command executed no test" >&2
  exit 1
fi
exit "$status"
