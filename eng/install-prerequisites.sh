#!/usr/bin/env bash
# Installs what running the system and its tests needs on Debian/Ubuntu, besides the .NET 10 SDK: PostgreSQL's server
# binaries, redis-server, pgbouncer, Debian's chromium (the browser tests) and jq (the README's walkthrough).
# Runs as root as it is, or through sudo otherwise; installs only what is missing.
set -euo pipefail

missing=()
ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || missing+=(postgresql)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v pgbouncer >/dev/null 2>&1 || [ -x /usr/sbin/pgbouncer ] || missing+=(pgbouncer)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v jq >/dev/null 2>&1 || missing+=(jq)
if [ ${#missing[@]} -eq 0 ]; then
  echo "prerequisites: all installed"
  exit 0
fi

as_root=()
[ "$(id -u)" -eq 0 ] || as_root=(sudo)
echo "prerequisites: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
echo "prerequisites: installed ${missing[*]}"
