#!/usr/bin/env bash
# A throwaway Redis server for the test suites, on a loopback port.
#
#   scripts/redis-test-server.sh start [DIR]   # prints the server URL on stdout
#   scripts/redis-test-server.sh stop DIR      # stops the server and removes DIR
#
# `start` runs Debian's redis-server (or $REDIS_SERVER) daemonized, bound to 127.0.0.1
# only, with no persistence (no RDB snapshots, no AOF) and its pid, log and socket in
# DIR (default: a new temporary directory, named on stderr). Use it as
#
#   dir=$(mktemp -d) && export STRATA_TEST_REDIS_URL=$(scripts/redis-test-server.sh start "$dir")
#   trap 'scripts/redis-test-server.sh stop "$dir"' EXIT
#
# The port is $REDIS_PORT, or a free one is picked. `start` on a DIR whose server was
# stopped with `pause` restarts it on the same port (the recovery tests do this).
#
#   scripts/redis-test-server.sh pause DIR     # stops the server, keeps DIR and its port
set -euo pipefail

die() { echo "redis-test-server: $*" >&2; exit 1; }

find_bin() {
  if [ -n "${REDIS_SERVER:-}" ]; then echo "$REDIS_SERVER"; return; fi
  command -v redis-server >/dev/null && { command -v redis-server; return; }
  [ -x /usr/bin/redis-server ] && { echo /usr/bin/redis-server; return; }
  die "no redis-server found; install Debian's redis-server package or set REDIS_SERVER."
}

# shellcheck source=scripts/free-port.sh
. "$(dirname "${BASH_SOURCE[0]}")/free-port.sh"

running() { [ -f "$1/redis.pid" ] && kill -0 "$(cat "$1/redis.pid")" 2>/dev/null; }

start() {
  local dir="${1:-}"
  if [ -z "$dir" ]; then
    dir=$(mktemp -d "${TMPDIR:-/tmp}/strata-redis.XXXXXX")
    echo "redis-test-server: server in $dir (stop with: $0 stop $dir)" >&2
  fi
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  running "$dir" && die "a server from $dir is already running; stop it first or choose another directory."
  local bin port attempt
  bin=$(find_bin)
  for attempt in 1 2 3 4 5; do
    if [ -f "$dir/port" ]; then port=$(cat "$dir/port"); else port="${REDIS_PORT:-$(pick_port)}"; fi
    # A config file rather than flags: the empty `save ""` survives no quoting layer.
    cat >"$dir/redis.conf" <<CONF
bind 127.0.0.1
port $port
protected-mode yes
daemonize yes
pidfile $dir/redis.pid
logfile $dir/redis.log
dir $dir
save ""
appendonly no
unixsocket $dir/redis.sock
CONF
    if "$bin" "$dir/redis.conf" && wait_ready "$dir" "$port"; then
      echo "$port" >"$dir/port"
      echo "redis://127.0.0.1:$port"
      return
    fi
    [ -n "${REDIS_PORT:-}" ] || [ -f "$dir/port" ] && break
    echo "redis-test-server: start on port $port failed (attempt $attempt); retrying" >&2
  done
  tail -n 20 "$dir/redis.log" >&2 || true
  die "the server did not start; the log is $dir/redis.log"
}

wait_ready() {
  local tries=0
  while [ $tries -lt 100 ]; do
    if running "$1" && port_in_use "$2"; then return 0; fi
    sleep 0.05
    tries=$((tries + 1))
  done
  return 1
}

halt() {
  local dir="$1" pid tries=0
  running "$dir" || return 0
  pid=$(cat "$dir/redis.pid")
  kill "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null && [ $tries -lt 100 ]; do sleep 0.05; tries=$((tries + 1)); done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$dir/redis.pid"
}

case "${1:-}" in
  start) shift; start "$@" ;;
  pause) shift; halt "${1:?usage: $0 pause DIR}" ;;
  stop)
    shift
    dir="${1:?usage: $0 stop DIR}"
    [ -d "$dir" ] || exit 0
    halt "$dir"
    rm -rf "$dir"
    ;;
  *) echo "usage: $0 start [DIR] | pause DIR | stop DIR" >&2; exit 2 ;;
esac
