#!/usr/bin/env bash
# GET /api/v1/users/{handle} with 100,000 users, on SQLite and on PostgreSQL,
# random handles, wrk -t1 -c64. Users are inserted with SQL (one shared dummy
# password hash: hashing 100,000 argon2id passwords is not what is measured).
source "$(dirname "$0")/lib.sh"
USERS=${USERS:-100000}

bench_workdir

# The SELECT that makes user rows; $SERIES is a table of integers i.
users_select() {
  cat <<SQL
SELECT 1000000 + i, 'user' || i, 'user' || i || '@bench.invalid',
       '\$argon2id\$v=19\$m=65536,t=2,p=1\$YmVuY2hzYWx0\$bm90LWEtcmVhbC1oYXNo',
       'User ' || i, 'Benchmark account number ' || i, NULL, 0, 0, i % 1000, i % 500,
       1790000000000 + i, 1790000000000 + i
SQL
}

cat >"$work/users.lua" <<LUA
request = function()
  return wrk.format("GET", "/api/v1/users/user" .. math.random(1, $USERS))
end
LUA

measure() {  # measure LABEL DATA_DIR [riffd flags]
  local label=$1 dir=$2; shift 2
  local port
  port=$(free_port)
  start_riffd "$port" "$dir" "$@"
  # One warm-up pass so both databases have their pages cached.
  WRK_DURATION=2s wrk_run "http://127.0.0.1:$port/api/v1/users/user1" "$work/users.lua" >/dev/null
  read -r rps _ p99 < <(wrk_run "http://127.0.0.1:$port/api/v1/users/user1" "$work/users.lua")
  kill "$RIFFD_PID"; wait "$RIFFD_PID" 2>/dev/null || true
  printf '| %s | %.0f req/s | %.2f ms |\n' "$label" "$rps" "$p99"
}

echo "Machine: $(machine_line); $USERS users; wrk -t1 -c$WRK_CONNS -d$WRK_DURATION, random handles"
echo
echo "| database | GET /api/v1/users/{handle} | p99 |"
echo "| --- | --- | --- |"

# SQLite: create the schema with one start, insert, measure.
mkdir -p "$work/sqlite"
port=$(free_port); start_riffd "$port" "$work/sqlite"; kill "$RIFFD_PID"; wait "$RIFFD_PID" 2>/dev/null || true
sqlite3 "$work/sqlite/riff.db" "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < $USERS)
INSERT INTO users $(users_select) FROM s;"
measure "SQLite (embedded)" "$work/sqlite"

# PostgreSQL: a throwaway cluster on this machine.
url=$("$ROOT/scripts/pg-test-server.sh" start "$pg_dir" 2>/dev/null)
mkdir -p "$work/pgdata"
port=$(free_port); start_riffd "$port" "$work/pgdata" --db "$url"; kill "$RIFFD_PID"; wait "$RIFFD_PID" 2>/dev/null || true
psql -q "$url" -c "INSERT INTO users $(users_select) FROM generate_series(1, $USERS) AS s(i);"
psql -q "$url" -c "ANALYZE users;"
measure "PostgreSQL 15 (same machine)" "$work/pgdata" --db "$url"
