#!/usr/bin/env bash
# Run a command with SYNOVIA_TEST_PG_URL pointing at a real PostgreSQL server and
# SYNOVIA_TEST_REDIS_URL at a real Redis: the ones already on 127.0.0.1:5432 and :6379 (our
# machines and CI), otherwise throwaway ones installed from Debian packages, started on
# loopback ports and removed afterwards.
set -euo pipefail

redis_up() { (exec 3<>"/dev/tcp/127.0.0.1/$1" && printf 'PING\r\n' >&3 && read -r -t 2 reply <&3 \
  && [[ "$reply" == +PONG* ]]) 2>/dev/null; }
if redis_up 6379; then
  export SYNOVIA_TEST_REDIS_URL="${SYNOVIA_TEST_REDIS_URL:-redis://127.0.0.1:6379/15}"
else
  echo "no Redis on 127.0.0.1:6379: starting a throwaway server" >&2
  if ! command -v redis-server >/dev/null; then
    if [[ $(id -u) -ne 0 ]]; then
      echo "Redis is not installed; run as root or 'apt-get install redis-server'" >&2
      exit 1
    fi
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
  fi
  redis_dir=$(mktemp -d /tmp/synovia-redis.XXXXXX)
  redis-server --port 56379 --bind 127.0.0.1 --save "" --appendonly no --daemonize yes \
    --dir "$redis_dir" --pidfile "$redis_dir/redis.pid" >/dev/null
  for _ in $(seq 50); do redis_up 56379 && break; sleep 0.1; done
  stop_redis() { kill "$(cat "$redis_dir/redis.pid")" 2>/dev/null || true; rm -rf "$redis_dir"; }
  trap stop_redis EXIT
  export SYNOVIA_TEST_REDIS_URL="redis://127.0.0.1:56379/15"
fi

if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  export SYNOVIA_TEST_PG_URL="${SYNOVIA_TEST_PG_URL:-postgresql://postgres@127.0.0.1:5432/postgres}"
  export SYNOVIA_REQUIRE_PG=1
  "$@"
  exit $?
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
cleanup() {
  "${run_as[@]}" "$bindir/pg_ctl" -D "$dir/data" -m fast stop >/dev/null || true; rm -rf "$dir"
  if declare -F stop_redis >/dev/null; then stop_redis; fi
}
trap cleanup EXIT
export SYNOVIA_TEST_PG_URL="postgresql://postgres@127.0.0.1:$port/postgres"
export SYNOVIA_REQUIRE_PG=1
"$@"
