#!/usr/bin/env bash
# A throwaway PostgreSQL server for the test suites, on a loopback port.
#
#   scripts/pg-test-server.sh start [DIR]   # prints the database URL on stdout
#   scripts/pg-test-server.sh stop DIR      # stops the server and removes DIR
#
# `start` creates a cluster in DIR (default: a new temporary directory, named on
# stderr), listening only on 127.0.0.1 and a socket inside DIR, with trust
# authentication (nothing but local processes can reach it), and a database
# `strata_test`. Use it as
#
#   dir=$(mktemp -d) && export STRATA_TEST_DATABASE_URL=$(scripts/pg-test-server.sh start "$dir")
#   trap 'scripts/pg-test-server.sh stop "$dir"' EXIT
#
# PostgreSQL refuses to run as root, so as root the server runs as the `postgres`
# user (created if missing). Binaries come from $PG_BIN, then PATH, then Debian's
# /usr/lib/postgresql/<version>/bin. The port is $PG_PORT, or a free one is picked.
set -euo pipefail

die() { echo "pg-test-server: $*" >&2; exit 1; }

find_bin() {
  if [ -n "${PG_BIN:-}" ]; then echo "$PG_BIN"; return; fi
  local dir
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$dir/pg_ctl" ] && [ -x "$dir/initdb" ]; then echo "$dir"; return; fi
  done
  if command -v pg_ctl >/dev/null && command -v initdb >/dev/null; then
    dirname "$(readlink -f "$(command -v pg_ctl)")"; return
  fi
  die "no PostgreSQL binaries (pg_ctl, initdb) found; install Debian's postgresql package or set PG_BIN."
}

# Runs a command as the server's user (postgres when we are root).
as_server_user() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

ensure_server_user() {
  [ "$(id -u)" = 0 ] || return 0
  if ! id -u postgres >/dev/null 2>&1; then
    useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin postgres
  fi
}

# shellcheck source=scripts/free-port.sh
. "$(dirname "${BASH_SOURCE[0]}")/free-port.sh"

start() {
  local dir="${1:-}"
  if [ -z "$dir" ]; then
    dir=$(mktemp -d "${TMPDIR:-/tmp}/strata-pg.XXXXXX")
    echo "pg-test-server: cluster in $dir (stop with: $0 stop $dir)" >&2
  fi
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  [ -e "$dir/data" ] && die "$dir/data already exists; stop that server first or choose another directory."
  local bin
  bin=$(find_bin)
  ensure_server_user
  if [ "$(id -u)" = 0 ]; then
    chown postgres "$dir"
    chmod 700 "$dir"
    runuser -u postgres -- test -w "$dir" || die "the postgres user cannot write $dir (a parent directory is closed to it); choose a directory under /tmp."
  fi

  as_server_user "$bin/initdb" -D "$dir/data" -U strata --auth=trust -E UTF8 --no-locale >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; die "initdb failed"; }

  local port attempt
  for attempt in 1 2 3 4 5; do
    port="${PG_PORT:-$(pick_port)}"
    if as_server_user "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-k $dir -p $port -h 127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null; then
      echo "$port" >"$dir/port"
      as_server_user "$bin/createdb" -h 127.0.0.1 -p "$port" -U strata strata_test
      echo "postgresql://strata@127.0.0.1:$port/strata_test"
      return
    fi
    [ -n "${PG_PORT:-}" ] && break
    echo "pg-test-server: start on port $port failed (attempt $attempt); retrying" >&2
  done
  tail -n 20 "$dir/server.log" >&2 || true
  die "the server did not start; the log is $dir/server.log"
}

stop() {
  local dir="${1:?usage: $0 stop DIR}"
  [ -d "$dir" ] || return 0
  if [ -f "$dir/data/postmaster.pid" ]; then
    as_server_user "$(find_bin)/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true
  fi
  rm -rf "$dir"
}

case "${1:-}" in
  start) shift; start "$@" ;;
  stop) shift; stop "$@" ;;
  *) echo "usage: $0 start [DIR] | stop DIR" >&2; exit 2 ;;
esac
