#!/usr/bin/env bash
# Installs what running the system and its tests needs on Debian/Ubuntu, besides the .NET 10 SDK: PostgreSQL's server
# binaries, redis-server, pgbouncer, Debian's chromium (the browser tests), jq (the README's walkthrough) and the
# Azurite blob emulator (npm's azurite, pinned; tenant files), with Node.js and npm for it.
# Runs as root as it is, or through sudo otherwise; installs only what is missing.
set -euo pipefail

missing=()
ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || missing+=(postgresql)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v pgbouncer >/dev/null 2>&1 || [ -x /usr/sbin/pgbouncer ] || missing+=(pgbouncer)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v jq >/dev/null 2>&1 || missing+=(jq)
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
azurite_version=3.37.0
azurite_installed() { [ "$(npm ls -g --depth=0 azurite 2>/dev/null | grep -o "azurite@[0-9.]*")" = "azurite@$azurite_version" ] && command -v azurite-blob >/dev/null 2>&1; }
install_azurite() {
  azurite_installed && return 0
  echo "prerequisites: installing azurite@$azurite_version"
  # Into npm's global prefix (/usr/bin/azurite-blob on Debian), where the AppHost looks for it.
  "${as_root[@]}" npm install -g --no-fund --no-audit --loglevel=error "azurite@$azurite_version" >/dev/null
}

as_root=()
[ "$(id -u)" -eq 0 ] || as_root=(sudo)
if [ ${#missing[@]} -eq 0 ]; then
  install_azurite
  echo "prerequisites: all installed"
  exit 0
fi

echo "prerequisites: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
echo "prerequisites: installed ${missing[*]}"
install_azurite
