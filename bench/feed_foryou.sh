#!/usr/bin/env bash
# GET /api/v1/feed/foryou with 100,000 ready videos (10% private, from 1,000
# creators, a week of upload times, random engagement), on SQLite and on
# PostgreSQL; wrk -t1 -c64, every request a new session of an anonymous
# viewer, 10 videos a page. Prints req/s, p50 and p99. Videos are inserted
# with SQL: the media pipeline is not what is measured.
source "$(dirname "$0")/lib.sh"
VIDEOS=${VIDEOS:-100000}
CREATORS=${CREATORS:-1000}

bench_workdir

now_ms=$(($(date +%s) * 1000))
creators_select() {
  cat <<SQL
SELECT 1000000 + i, 'creator' || i, 'creator' || i || '@bench.invalid', 'x', 'Creator ' || i, '', NULL, 1, 0, 0, 0,
       $now_ms, $now_ms
SQL
}
# i is the video number; ids grow with time as riff's ids do.
videos_select() {
  cat <<SQL
SELECT 5000000 + i, 1000001 + (i % $CREATORS), NULL, 'clip ' || i || ' #tag' || (i % 500), 1, '', '',
       CASE WHEN i % 10 = 0 THEN 2 ELSE 0 END, 0, 1, NULL, 0, 0, NULL, '/bench/' || i, 15000, 720, 1280, 1,
       (i * 7919) % 1000, (i * 104729) % 120, (i * 31) % 40, (i * 613) % 20000, 0, 0,
       $now_ms - ($VIDEOS - i) * 6000, $now_ms - ($VIDEOS - i) * 6000
SQL
}
video_columns="id, author_id, upload_id, caption, status, failure_reason, failure_message, visibility, comment_policy,
  allow_duet, sound_id, sound_offset_ms, sound_mode, duet_of, media_dir, duration_ms, width, height, progress,
  like_count, comment_count, share_count, view_count, duet_count, watch_ms_total, created_at, updated_at"

cat >"$work/foryou.lua" <<LUA
request = function()
  return wrk.format("GET", "/api/v1/feed/foryou?limit=10&session=s" .. math.random(1, 1000000000))
end
LUA

measure() {  # measure LABEL DATA_DIR [riffd flags]
  local label=$1 dir=$2; shift 2
  local port out
  port=$(free_port)
  start_riffd "$port" "$dir" "$@"
  WRK_DURATION=2s wrk_run "http://127.0.0.1:$port/" "$work/foryou.lua" >/dev/null
  out=$(wrk -t1 -c"$WRK_CONNS" -d"$WRK_DURATION" --latency -s "$work/foryou.lua" "http://127.0.0.1:$port/")
  kill "$RIFFD_PID"; wait "$RIFFD_PID" 2>/dev/null || true
  local rps p50 p99
  rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  printf '| %s | %.0f req/s | %s | %s |\n' "$label" "$rps" "$p50" "$p99"
}

echo "Machine: $(machine_line); $VIDEOS videos from $CREATORS creators; wrk -t1 -c$WRK_CONNS -d$WRK_DURATION, new anonymous session per request"
echo
echo "| database | GET /api/v1/feed/foryou | p50 | p99 |"
echo "| --- | --- | --- | --- |"

mkdir -p "$work/sqlite"
port=$(free_port); start_riffd "$port" "$work/sqlite"; kill "$RIFFD_PID"; wait "$RIFFD_PID" 2>/dev/null || true
sqlite3 "$work/sqlite/riff.db" "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < $CREATORS)
INSERT INTO users $(creators_select) FROM s;
WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < $VIDEOS)
INSERT INTO videos ($video_columns) $(videos_select) FROM s; ANALYZE;"
measure "SQLite (embedded)" "$work/sqlite"

url=$("$ROOT/scripts/pg-test-server.sh" start "$pg_dir" 2>/dev/null)
mkdir -p "$work/pgdata"
port=$(free_port); start_riffd "$port" "$work/pgdata" --db "$url"; kill "$RIFFD_PID"; wait "$RIFFD_PID" 2>/dev/null || true
psql -q "$url" -c "INSERT INTO users $(creators_select) FROM generate_series(1, $CREATORS) AS s(i);"
psql -q "$url" -c "INSERT INTO videos ($video_columns) $(videos_select) FROM generate_series(1::bigint, $VIDEOS) AS s(i);"
psql -q "$url" -c "ANALYZE;"
measure "PostgreSQL 15 (same machine)" "$work/pgdata" --db "$url"
