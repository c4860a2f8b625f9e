#!/usr/bin/env bash
# A throw-away PostgreSQL 15 server for the tests and benchmarks: a cluster in DIR, listening on
# 127.0.0.1 only (a free port) and on a unix socket inside DIR, fsync off (a crash loses nothing
# a test needs). A password is made at random per cluster; the conninfo is written to
# DIR/conninfo (mode 600) and printed.
#   scripts/pg-test-server.sh start DIR        initdb (first time) and start; prints the conninfo
#   scripts/pg-test-server.sh stop DIR         stop it (fast shutdown) and delete DIR
#   scripts/pg-test-server.sh exec DIR CMD...  run CMD with PBGDPL_TEST_PG set to DIR's conninfo
# As root, the server runs as the `postgres` user (initdb refuses root), which then owns DIR/data.
set -euo pipefail

usage() {
  echo "usage: $0 start|stop|exec DIR [CMD...]" >&2
  exit 2
}
[ $# -ge 2 ] || usage
cmd=$1
dir=$2
shift 2

pg_bin() {
  local name=$1
  for d in /usr/lib/postgresql/15/bin /usr/lib/postgresql/*/bin; do
    [ -x "$d/$name" ] && { echo "$d/$name"; return 0; }
  done
  command -v "$name" || { echo "pg-test-server: $name not found (apt-get install postgresql-15)" >&2; exit 1; }
}

# Runs a server program as a user other than root.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

case "$cmd" in
  start)
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    case "$dir" in *[[:space:]\'\"\\]*) echo "pg-test-server: DIR must not contain spaces or quotes: $dir" >&2; exit 2 ;; esac
    if [ -f "$dir/data/postmaster.pid" ] && as_owner "$(pg_bin pg_ctl)" -D "$dir/data" status >/dev/null 2>&1; then
      cat "$dir/conninfo"
      exit 0
    fi
    [ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
    chmod 700 "$dir"
    if [ ! -f "$dir/data/PG_VERSION" ]; then
      rm -rf "$dir/data"
      password=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
      umask 077
      printf '%s\n' "$password" >"$dir/pwfile"
      [ "$(id -u)" -eq 0 ] && chown postgres: "$dir/pwfile"
      as_owner "$(pg_bin initdb)" -D "$dir/data" -U pbgdpl --pwfile="$dir/pwfile" -E UTF8 --locale=C.UTF-8 \
        --auth-local=scram-sha-256 --auth-host=scram-sha-256 >"$dir/initdb.log" 2>&1 ||
        { cat "$dir/initdb.log" >&2; exit 1; }
      cat >>"$dir/data/postgresql.conf" <<EOF
# pg-test-server.sh: for tests only
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
shared_buffers = 128MB
log_min_messages = warning
EOF
    fi
    password=$(cat "$dir/pwfile")
    started=0
    for attempt in 1 2 3 4 5; do
      port=$(free_port)
      if as_owner "$(pg_bin pg_ctl)" -D "$dir/data" -l "$dir/server.log" -w -t 60 -o "-p $port" start >/dev/null 2>&1; then
        started=1
        break
      fi
      sleep 0.2  # the port was taken in between: another one
    done
    if [ $started -ne 1 ]; then
      echo "pg-test-server: the server did not start; see $dir/server.log" >&2
      tail -n 20 "$dir/server.log" >&2 || true
      exit 1
    fi
    umask 077
    echo "host=127.0.0.1 port=$port user=pbgdpl password=$password dbname=postgres connect_timeout=10" >"$dir/conninfo"
    cat "$dir/conninfo"
    ;;
  stop)
    if [ -d "$dir/data" ]; then
      as_owner "$(pg_bin pg_ctl)" -D "$dir/data" -m fast -w -t 60 stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
    ;;
  exec)
    [ $# -ge 1 ] || usage
    [ -f "$dir/conninfo" ] || { echo "pg-test-server: no server in $dir (run start first)" >&2; exit 1; }
    PBGDPL_TEST_PG=$(cat "$dir/conninfo")
    export PBGDPL_TEST_PG
    exec "$@"
    ;;
  *) usage ;;
esac
