#!/usr/bin/env bash
# Packs the six Tenancy libraries into NuGet packages: a .nupkg and a .snupkg (symbols) each.
#   bash eng/pack.sh [out-dir] [version-suffix]
# out-dir defaults to artifacts/packages; with a version suffix (e.g. ci.42) the version is 0.1.0-ci.42, else 0.1.0
# (VersionPrefix in src/Directory.Build.props). The libraries' references to each other become package dependencies
# on the same version.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$root/artifacts/packages}"
suffix="${2:-}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"

# One restore and one build for the six: a solution filter of Tenancy.sln naming only them.
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cat > "$work/packages.slnf" <<JSON
{
  "solution": {
    "path": "$root/Tenancy.sln",
    "projects": [
      "src/Tenancy/Tenancy.csproj",
      "src/Tenancy.AspNetCore/Tenancy.AspNetCore.csproj",
      "src/Tenancy.Caching/Tenancy.Caching.csproj",
      "src/Tenancy.Jobs/Tenancy.Jobs.csproj",
      "src/Tenancy.Accounts/Tenancy.Accounts.csproj",
      "src/Tenancy.Files/Tenancy.Files.csproj"
    ]
  }
}
JSON

args=(-c Release "-p:PackageOutputPath=$out/" -nologo -v quiet -clp:ErrorsOnly)
if [ -n "$suffix" ]; then
  args+=(--version-suffix "$suffix")
fi
dotnet pack "$work/packages.slnf" "${args[@]}"

ls "$out"
