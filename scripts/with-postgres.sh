#!/usr/bin/env bash
# Run a command with SYNOVIA_TEST_PG_URL pointing at a real PostgreSQL server: the one already
# on 127.0.0.1:5432 (our machines and CI), otherwise a throwaway cluster installed from Debian
# packages, started on a loopback port and removed afterwards.
set -euo pipefail

if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  export SYNOVIA_TEST_PG_URL="${SYNOVIA_TEST_PG_URL:-postgresql://postgres@127.0.0.1:5432/postgres}"
  export SYNOVIA_REQUIRE_PG=1
  exec "$@"
fi

echo "no PostgreSQL on 127.0.0.1:5432: starting a throwaway cluster" >&2
initdb=$(ls /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n 1 || true)
if [[ -z "$initdb" ]]; then
  if [[ $(id -u) -ne 0 ]]; then
    echo "PostgreSQL is not installed; run as root or 'apt-get install postgresql'" >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  initdb=$(ls /usr/lib/postgresql/*/bin/initdb | sort -V | tail -n 1)
fi
bindir=$(dirname "$initdb")
dir=$(mktemp -d /tmp/synovia-pg.XXXXXX)
port=55432
run_as=()
if [[ $(id -u) -eq 0 ]]; then
  id postgres >/dev/null 2>&1 || useradd --system --home "$dir" postgres
  chown postgres "$dir"
  run_as=(runuser -u postgres --)
fi
"${run_as[@]}" "$bindir/initdb" -q -D "$dir/data" -U postgres -A trust >/dev/null
"${run_as[@]}" "$bindir/pg_ctl" -D "$dir/data" -o "-p $port -k $dir -c listen_addresses=127.0.0.1" \
  -l "$dir/log" -w start >/dev/null
cleanup() { "${run_as[@]}" "$bindir/pg_ctl" -D "$dir/data" -m fast stop >/dev/null || true; rm -rf "$dir"; }
trap cleanup EXIT
export SYNOVIA_TEST_PG_URL="postgresql://postgres@127.0.0.1:$port/postgres"
export SYNOVIA_REQUIRE_PG=1
"$@"
