#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster for tests and CI.
#
#   scripts/pg-test-server.sh start DIR   # init (first time) and start; prints the URL
#   scripts/pg-test-server.sh url DIR     # prints postgres://USER@127.0.0.1:PORT/riff
#   scripts/pg-test-server.sh stop DIR    # stops it (the data stays in DIR)
#   scripts/pg-test-server.sh status DIR  # exit 0 when running
#
# Every command is idempotent. The cluster listens on 127.0.0.1 only, with
# trust auth, on $RIFF_PG_PORT, else 55432, else the next free port; its unix
# socket lives in DIR/sock. PostgreSQL refuses to run as root, so as root the
# server runs as the system user `riffpg` (created when missing) and DIR is
# chowned to it. Durability is switched off (fsync=off): this is for tests.
# Only the URL goes to stdout; progress goes to stderr.
set -euo pipefail

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
PG_USER=riffpg

usage() {
  echo "usage: $0 start|stop|url|status DIR" >&2
  exit 2
}

[[ $# -eq 2 ]] || usage
cmd=$1
mkdir -p "$2"
dir=$(cd "$2" && pwd)
data=$dir/data
sock=$dir/sock
port_file=$dir/port
log=$dir/postgres.log

if [[ $(id -u) -eq 0 ]]; then
  if ! id "$PG_USER" >/dev/null 2>&1; then
    useradd --system --user-group --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin "$PG_USER" 2>/dev/null || id "$PG_USER" >/dev/null
  fi
  db_user=$PG_USER
  as_db_user() { runuser -u "$PG_USER" -- "$@"; }
  chown "$PG_USER:" "$dir"
  if ! as_db_user test -w "$dir"; then
    echo "pg-test-server: user $PG_USER cannot write $dir (is a parent directory closed?)" >&2
    exit 1
  fi
else
  db_user=$(id -un)
  as_db_user() { "$@"; }
fi

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

running() { [[ -f $data/PG_VERSION ]] && as_db_user "$PG_BIN/pg_ctl" -D "$data" status >/dev/null 2>&1; }

print_url() {
  [[ -f $port_file ]] || { echo "pg-test-server: not started in $dir" >&2; exit 1; }
  echo "postgres://$db_user@127.0.0.1:$(cat "$port_file")/riff"
}

# Starts the server on port $1; returns 3 when the port could not be bound.
start_on() {
  local port=$1 before
  before=$(stat -c %s "$log")
  echo "$port" >"$port_file"
  echo "pg-test-server: starting on 127.0.0.1:$port" >&2
  if as_db_user "$PG_BIN/pg_ctl" -D "$data" -l "$log" -w -t 60 start -o \
    "-c listen_addresses=127.0.0.1 -p $port -k $sock -c max_connections=200 \
     -c fsync=off -c synchronous_commit=off -c full_page_writes=off" >&2; then
    return 0
  fi
  if tail -c +"$((before + 1))" "$log" | grep -q "could not bind"; then
    return 3
  fi
  tail -n 30 "$log" >&2
  return 1
}

start() {
  if running; then
    print_url
    return
  fi
  if [[ ! -f $data/PG_VERSION ]]; then
    echo "pg-test-server: initdb in $data" >&2
    as_db_user mkdir -p "$data"
    as_db_user "$PG_BIN/initdb" -D "$data" -U "$db_user" --auth=trust --encoding=UTF8 \
      --no-locale --no-sync >"$dir/initdb.log" 2>&1 ||
      { cat "$dir/initdb.log" >&2; exit 1; }
  fi
  as_db_user mkdir -p "$sock"
  as_db_user touch "$log"

  local port rc=1
  if [[ -n ${RIFF_PG_PORT:-} ]]; then
    start_on "$RIFF_PG_PORT" || { echo "pg-test-server: cannot start on port $RIFF_PG_PORT" >&2; exit 1; }
  else
    # A port nobody answers on may still be taken (e.g. as a client's local
    # port), so a failed bind moves on to the next one.
    for ((port = 55432; port < 55532; port++)); do
      port_in_use "$port" && continue
      rc=0
      start_on "$port" || rc=$?
      [[ $rc -eq 3 ]] && continue
      break
    done
    [[ $rc -eq 0 ]] || { echo "pg-test-server: could not start (see $log)" >&2; exit 1; }
  fi

  local psql=("$PG_BIN/psql" -X -q -h 127.0.0.1 -p "$(cat "$port_file")" -U "$db_user")
  if [[ -z $(as_db_user "${psql[@]}" -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'riff'") ]]; then
    as_db_user "${psql[@]}" -d postgres -c "CREATE DATABASE riff" >&2
  fi
  print_url
}

stop() {
  if running; then
    as_db_user "$PG_BIN/pg_ctl" -D "$data" -m fast -w -t 60 stop >&2
  fi
}

case $cmd in
  start) start ;;
  stop) stop ;;
  url) print_url ;;
  status) running || exit 1 ;;
  *) usage ;;
esac
