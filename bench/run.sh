#!/usr/bin/env bash
# Builds the benchmarks in Release and runs them against the real system (the AppHost started through
# Aspire.Hosting.Testing, all on 127.0.0.1), then prints a results table in which every headline number stands next
# to a baseline measured in the same run.
#
#   bench/run.sh                      all benchmarks
#   bench/run.sh overhead             one of: overhead, provisioning, migrations, scale, cache, jobs
#   bench/run.sh scale --duration 5   options: see bench/run.sh --help
#
# The table is also written to bench/results/latest.md (ignored by git).
set -euo pipefail
cd "$(dirname "$0")/.."

echo "bench: building (Release)"
dotnet build bench/Tenancy.Benchmarks/Tenancy.Benchmarks.csproj -c Release -nologo -v quiet -clp:ErrorsOnly

# Which tree was measured, for the record (read-only git; "+ local changes" when src/ or tests/ differ from HEAD).
if tree=$(git rev-parse --short HEAD 2>/dev/null); then
  [ -n "$(git status --porcelain -- src tests Directory.Build.props Directory.Packages.props 2>/dev/null)" ] && tree="$tree + local changes"
  export BENCH_TREE="$tree"
fi

# A safety net on top of the runner's own bounds (fixed durations and counts): SIGTERM makes it stop the system cleanly.
exec timeout --signal=TERM --kill-after=60 1800 \
  dotnet bench/Tenancy.Benchmarks/bin/Release/net10.0/Tenancy.Benchmarks.dll --out bench/results/latest.md "$@"
