#!/usr/bin/env bash
# A throwaway MariaDB server for the tests: mariadb-install-db in a temporary directory, listening
# on 127.0.0.1 at a free port and on a unix socket in DIR, password authentication, durability off
# (no fsync, no doublewrite, no binlog) because the data is thrown away.
#
#   mariadb_server.sh start DIR    creates DIR, starts the server, writes DIR/url
#                                  (mysql://strata:PASSWORD@127.0.0.1:PORT/strata), DIR/root_url
#                                  (mysql://root:ROOT_PASSWORD@127.0.0.1:PORT/), DIR/limited_url
#                                  (mysql://limited:PASSWORD@127.0.0.1:PORT/strata) and DIR/socket
#                                  (the unix socket's path); exits 77 with a message when the
#                                  server binaries are absent
#   mariadb_server.sh stop DIR     stops the server and removes DIR
#   mariadb_server.sh restart DIR  stops the server and starts it again on the same port and data
#
# Users: strata (@127.0.0.1 and @localhost, i.e. the socket) has all privileges on *.*, so it can
# create scratch databases; limited (@127.0.0.1) has all privileges on `strata`.* only, same
# password as strata (DIR/password); root (@127.0.0.1 and @localhost) has DIR/root_password.
# The database `strata` exists.
#
# MARIADB_BINDIR overrides where mariadbd, mariadb-install-db, mariadb and mariadb-admin are
# looked for (default: PATH, then /usr/sbin and /usr/bin). As root the server runs with
# --user=root rather than as `nobody`: mariadbd accepts that, and it spares requiring every parent
# directory of DIR to be searchable by `nobody` (a DIR under a 0700 home would otherwise fail).
set -euo pipefail

find_tool() {
  local d IFS=:
  for d in ${MARIADB_BINDIR:-$PATH:/usr/sbin:/usr/bin}; do
    [ -x "$d/$1" ] && { echo "$d/$1"; return; }
  done
  return 0
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# True while process $1 exists and is not a zombie (kill -0 succeeds on zombies).
alive() {
  local state
  state=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 1
  [ -n "$state" ] && [ "$state" != Z ]
}

# The server's pid if DIR/pid names a live mariadbd serving DIR/data (guards against pid reuse).
server_pid() {
  local pid
  pid=$(cat "$dir/pid" 2>/dev/null) || return 1
  [ -n "$pid" ] && alive "$pid" && grep -qxzF -- "--datadir=$dir/data" "/proc/$pid/cmdline" 2>/dev/null &&
    echo "$pid"
}

# Starts mariadbd with the arguments in DIR/options plus --port=$1 and waits (up to 30 s) until it
# answers on the socket. Fails when the server exits first (e.g. the port was taken).
launch() {
  local -a options
  mapfile -t options <"$dir/options"
  # setsid: its own session, like pg_ctl, so the terminal's signals stay with the caller; stdio on
  # /dev/null so that whoever captures this script's output does not wait for the server. Without
  # job control setsid does not fork, so $! is the server's pid.
  setsid "$(cat "$dir/mariadbd")" --no-defaults "${options[@]}" --port="$1" </dev/null >/dev/null 2>&1 &
  local pid=$! i
  for i in $(seq 300); do
    alive "$pid" || return 1
    "$admin" --no-defaults --socket="$dir/sock" --connect-timeout=1 ping >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  kill -9 "$pid" 2>/dev/null || true
  return 1
}

# Shuts the server down: SIGTERM (the same clean shutdown as `mariadb-admin shutdown`, which polls
# only once a second and needs the root password), SIGKILL if it takes more than 5 s.
shutdown_server() {
  local pid i
  pid=$(server_pid) || return 0
  kill -TERM "$pid" 2>/dev/null || return 0
  for i in $(seq 100); do
    alive "$pid" || return 0
    sleep 0.05
  done
  kill -9 "$pid" 2>/dev/null || true
  while alive "$pid"; do sleep 0.05; done
}

cmd=${1:-}
dir=${2:-}
[ -n "$cmd" ] && [ -n "$dir" ] || { echo "usage: $0 start|stop|restart DIR" >&2; exit 2; }
admin=$(find_tool mariadb-admin)

case "$cmd" in
  start)
    mariadbd=$(find_tool mariadbd)
    install_db=$(find_tool mariadb-install-db)
    client=$(find_tool mariadb)
    if [ -z "$mariadbd" ] || [ -z "$install_db" ] || [ -z "$client" ] || [ -z "$admin" ]; then
      echo "MariaDB server binaries not found (install Debian's mariadb-server package, or set MARIADB_BINDIR)" >&2
      exit 77
    fi
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd -P)  # absolute: mariadbd resolves relative paths against its datadir
    if [ ${#dir} -gt 100 ]; then  # unix socket paths are limited to 107 bytes
      echo "DIR too long for a unix socket path (${#dir} > 100 characters): $dir" >&2
      exit 1
    fi
    password="pw-$RANDOM$RANDOM"
    root_password="pw-$RANDOM$RANDOM"
    printf '%s\n' "$password" >"$dir/password"
    printf '%s\n' "$root_password" >"$dir/root_password"
    echo "$mariadbd" >"$dir/mariadbd"
    mkdir -p "$dir/tmp"
    user=()
    [ "$(id -u)" -eq 0 ] && user=(--user=root)
    # Server options, one a line. install-db gets the InnoDB ones too, so that the files it creates
    # match, and the tmpdir: a server starting deletes every #sql* file in its tmpdir, i.e. the
    # temporary tables of any other server that shares it (two starts at once in /tmp failed so).
    shared=(--tmpdir="$dir/tmp" --innodb-buffer-pool-size=64M --innodb-log-file-size=48M
      --innodb-flush-log-at-trx-commit=0 --innodb-doublewrite=0 --innodb-flush-method=nosync
      --innodb-temp-data-file-path=ibtmp1:1M:autoextend --innodb-buffer-pool-dump-at-shutdown=0
      --innodb-buffer-pool-load-at-startup=0)
    printf '%s\n' "${user[@]}" --datadir="$dir/data" --socket="$dir/sock" --pid-file="$dir/pid" \
      --log-error="$dir/server.log" --bind-address=127.0.0.1 --skip-name-resolve "${shared[@]}" \
      --sync-binlog=0 --skip-log-bin --max-connections=200 \
      --character-set-server=utf8mb4 --collation-server=utf8mb4_general_ci >"$dir/options"
    # normal: root@localhost without a password (changed below), reachable over the socket.
    "$install_db" --no-defaults "${user[@]}" --datadir="$dir/data" --auth-root-authentication-method=normal \
      --skip-test-db --skip-name-resolve "${shared[@]}" >"$dir/install_db.log" 2>&1 ||
      { cat "$dir/install_db.log" >&2; exit 1; }
    started=
    for attempt in 1 2 3 4 5; do
      port=$(free_port)
      if launch "$port"; then started=1; break; fi
    done
    [ -n "$started" ] || { cat "$dir/server.log" >&2; exit 1; }
    echo "$port" >"$dir/port"
    # install-db also made root@'::1' and root@HOSTNAME, without passwords: drop them.
    "$client" --no-defaults --socket="$dir/sock" -uroot <<EOF || { cat "$dir/server.log" >&2; exit 1; }
DELETE FROM mysql.global_priv WHERE User = 'root' AND Host NOT IN ('localhost', '127.0.0.1');
DELETE FROM mysql.proxies_priv WHERE Host NOT IN ('localhost', '127.0.0.1');
FLUSH PRIVILEGES;
ALTER USER 'root'@'localhost' IDENTIFIED BY '$root_password';
CREATE OR REPLACE USER 'root'@'127.0.0.1' IDENTIFIED BY '$root_password';
GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;
CREATE USER 'strata'@'127.0.0.1' IDENTIFIED BY '$password';
CREATE USER 'strata'@'localhost' IDENTIFIED BY '$password';
GRANT ALL PRIVILEGES ON *.* TO 'strata'@'127.0.0.1';
GRANT ALL PRIVILEGES ON *.* TO 'strata'@'localhost';
CREATE DATABASE strata;
CREATE USER 'limited'@'127.0.0.1' IDENTIFIED BY '$password';
GRANT ALL PRIVILEGES ON strata.* TO 'limited'@'127.0.0.1';
EOF
    echo "$dir/sock" >"$dir/socket"
    echo "mysql://root:$root_password@127.0.0.1:$port/" >"$dir/root_url"
    echo "mysql://limited:$password@127.0.0.1:$port/strata" >"$dir/limited_url"
    echo "mysql://strata:$password@127.0.0.1:$port/strata" >"$dir/url"
    ;;
  stop)
    [ -d "$dir" ] && dir=$(cd "$dir" && pwd -P) && shutdown_server
    rm -rf "$dir"
    ;;
  restart)
    [ -f "$dir/options" ] && [ -f "$dir/port" ] || { echo "no server in $dir" >&2; exit 1; }
    dir=$(cd "$dir" && pwd -P)
    shutdown_server
    # Same port: retry for a few seconds in case it is not free again yet.
    for attempt in 1 2 3 4 5 6 7 8 9 10; do
      launch "$(cat "$dir/port")" && exit 0
      sleep 0.5
    done
    cat "$dir/server.log" >&2
    exit 1
    ;;
  *)
    echo "usage: $0 start|stop|restart DIR" >&2
    exit 2
    ;;
esac
