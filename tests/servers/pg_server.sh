#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests: initdb in a temporary directory, listening on
# 127.0.0.1 at a free port, password authentication (user postgres, password in DIR/password),
# durability off (fsync, synchronous_commit) because the data is thrown away.
#
#   pg_server.sh start DIR   creates DIR, starts the server, writes DIR/url
#                            (postgres://postgres:PASSWORD@127.0.0.1:PORT/postgres); exits 77
#                            with a message when the server binaries are absent
#   pg_server.sh stop DIR    stops the server and removes DIR
#   pg_server.sh pause DIR   stops the server and keeps DIR: a later `start DIR` starts it again
#                            on the same data and password (the benchmarks' KEEP)
#
# PG_SERVER_OPTIONS adds server settings to each start (`-c shared_buffers=1GB`: the benchmarks
# give their server memory as a production one has).
# PG_BINDIR overrides where initdb/pg_ctl/postgres are looked for (default: the newest
# /usr/lib/postgresql/*/bin, then PATH). As root the server runs as `nobody` (PostgreSQL refuses
# to run as root).
set -euo pipefail

find_bindir() {
  if [ -n "${PG_BINDIR:-}" ]; then echo "$PG_BINDIR"; return; fi
  local d
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && { echo "$d"; return; }
  done
  command -v initdb >/dev/null 2>&1 && dirname "$(command -v initdb)"
  return 0
}

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u nobody -- "$@"; else "$@"; fi
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

cmd=${1:-}
dir=${2:-}
[ -n "$cmd" ] && [ -n "$dir" ] || { echo "usage: $0 start|stop|pause DIR" >&2; exit 2; }

case "$cmd" in
  start)
    bindir=$(find_bindir)
    if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
      echo "PostgreSQL server binaries not found (install Debian's postgresql package, or set PG_BINDIR)" >&2
      exit 77
    fi
    mkdir -p "$dir"
    if [ -f "$dir/data/PG_VERSION" ] && [ -s "$dir/password" ]; then
      # A server paused with its data kept: started again as it was.
      password=$(cat "$dir/password")
    else
      password="pw-$RANDOM$RANDOM"
      printf '%s\n' "$password" >"$dir/password"
      [ "$(id -u)" -eq 0 ] && chown -R nobody "$dir"
      as_owner "$bindir/initdb" -D "$dir/data" -U postgres --pwfile="$dir/password" -A scram-sha-256 \
        --no-sync -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
        { cat "$dir/initdb.log" >&2; exit 1; }
    fi
    for attempt in 1 2 3 4 5; do
      port=$(free_port)
      options="-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories=$dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200${PG_SERVER_OPTIONS:+ $PG_SERVER_OPTIONS}"
      if as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 -o "$options" start >/dev/null 2>&1; then
        echo "$options" >"$dir/options"
        echo "postgres://postgres:$password@127.0.0.1:$port/postgres" >"$dir/url"
        echo "$bindir" >"$dir/bindir"
        exit 0
      fi
    done
    cat "$dir/server.log" >&2
    exit 1
    ;;
  stop)
    if [ -f "$dir/bindir" ] && [ -d "$dir/data" ]; then
      as_owner "$(cat "$dir/bindir")/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
    ;;
  pause)
    if [ -f "$dir/bindir" ] && [ -d "$dir/data" ]; then
      as_owner "$(cat "$dir/bindir")/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
    fi
    ;;
  *)
    echo "usage: $0 start|stop|pause DIR" >&2
    exit 2
    ;;
esac
