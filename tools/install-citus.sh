#!/usr/bin/env bash
# Builds Citus 13.2.2 for the OS's PostgreSQL 15 from source and installs it, once per machine: the one-time step
# before `dotnet run --project TatamiTech.AppHost -- --Postgres:Mode=citus` (docs/local-postgres.md). No Citus
# package is served for Debian 12, so the release's source is built: CITUS_SOURCE names a folder holding
# citus-13.2.2-src.tgz and pg15.20-have_createdb_privilege.patch (default: ../shared/citus beside the checkout).
# Skips everything when that version is installed already. Needs root (or sudo) for the packages and the install.
set -euo pipefail

version=13.2.2
root="$(cd "$(dirname "$0")/.." && pwd)"
source_dir="${CITUS_SOURCE:-$root/../shared/citus}"
if [ -z "${CITUS_SOURCE:-}" ] && [ ! -d "$source_dir" ] && [ -d /work/shared/citus ]; then
  source_dir=/work/shared/citus
fi
pg_config="${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi

installed() {
  [ -x "$pg_config" ] || return 1
  local ext lib
  ext="$("$pg_config" --sharedir)/extension/citus.control"
  lib="$("$pg_config" --pkglibdir)/citus.so"
  [ -f "$ext" ] && [ -f "$lib" ] && grep -aq "Citus $version" "$lib"
}

if installed; then
  echo "install-citus: Citus $version is installed ($("$pg_config" --version))."
  exit 0
fi

tarball="$source_dir/citus-$version-src.tgz"
patch_file="$source_dir/pg15.20-have_createdb_privilege.patch"
if [ ! -f "$tarball" ] || [ ! -f "$patch_file" ]; then
  echo "install-citus: $tarball and its patch were not found; set CITUS_SOURCE to the folder that holds them." >&2
  exit 2
fi

# The server and its headers must be the same minor version: both come from the same upgrade.
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
$sudo apt-get install -y -q --no-install-recommends postgresql-15 postgresql-server-dev-15 build-essential \
  libcurl4-openssl-dev liblz4-dev libzstd-dev libkrb5-dev libpam0g-dev libselinux1-dev libpcre2-dev
server="$(dpkg-query -W -f='${Version}' postgresql-15)"
headers="$(dpkg-query -W -f='${Version}' postgresql-server-dev-15)"
if [ "$server" != "$headers" ]; then
  echo "install-citus: postgresql-15 $server and postgresql-server-dev-15 $headers differ." >&2
  exit 2
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# The release's files are at the archive's top level.
mkdir "$work/citus"
tar -xzf "$tarball" -C "$work/citus"
cd "$work/citus"
patch -p1 -s < "$patch_file"
./configure -q PG_CONFIG="$pg_config" > "$work/configure.log"
make -s -j"$(nproc)" > "$work/make.log" 2>&1 || { tail -30 "$work/make.log" >&2; exit 1; }
$sudo make -s install > "$work/install.log"
installed || { echo "install-citus: the build finished but Citus $version is not installed." >&2; exit 1; }
echo "install-citus: Citus $version installed ($("$pg_config" --version))."
