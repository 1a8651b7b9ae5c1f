#!/usr/bin/env bash
# Builds the benchmarks in Release and runs them against the real system (the AppHost started through
# Aspire.Hosting.Testing, all on 127.0.0.1), then prints a results table in which every headline number stands next
# to a baseline measured in the same run.
#
#   bench/run.sh                      all benchmarks on one running system
#   bench/run.sh overhead             some of: overhead, provisioning, migrations, scale, cache, jobs, tiers
#   bench/run.sh scale --duration 5   options: see bench/run.sh --help
#   bench/run.sh startup --before DIR dotnet run --project src/AppHost until healthy, and its memory, against another
#                                     checkout (e.g. git worktree add DIR <commit>); both are built here first
#
# The table is also written to bench/results/latest.md (ignored by git).
set -euo pipefail
cd "$(dirname "$0")/.."

echo "bench: building (Release)"
dotnet build bench/Tenancy.Benchmarks/Tenancy.Benchmarks.csproj -c Release -nologo -v quiet -clp:ErrorsOnly

# Which tree was measured, for the record (read-only git; "+ local changes" when src/ or tests/ differ from HEAD).
tree_of() {
  local tree
  tree=$(git -C "$1" rev-parse --short HEAD 2>/dev/null) || return 0
  [ -n "$(git -C "$1" status --porcelain -- src tests Directory.Build.props Directory.Packages.props 2>/dev/null)" ] && tree="$tree + local changes"
  echo "$tree"
}
export BENCH_TREE="$(tree_of .)"

# startup runs AppHosts as a person does (dotnet run --no-build: the Debug build), this one and the --before one.
startup=false before=
args=("$@")
for i in "${!args[@]}"; do
  case "${args[$i]}" in
    startup) startup=true ;;
    --before) before="${args[$((i + 1))]:-}" ;;
  esac
done
if $startup; then
  echo "bench: building src/AppHost (Debug) for startup"
  dotnet build src/AppHost -nologo -v quiet -clp:ErrorsOnly
  if [ -n "$before" ]; then
    echo "bench: building $before/src/AppHost (Debug) for startup"
    dotnet build "$before/src/AppHost" -nologo -v quiet -clp:ErrorsOnly
    export BENCH_BEFORE_TREE="$(tree_of "$before")"
  fi
fi

# A safety net on top of the runner's own bounds (fixed durations and counts): SIGTERM makes it stop the system cleanly.
exec timeout --signal=TERM --kill-after=60 1800 \
  dotnet bench/Tenancy.Benchmarks/bin/Release/net10.0/Tenancy.Benchmarks.dll --out bench/results/latest.md "$@"
