#!/usr/bin/env bash
# The weekly chart computation on a big week, SQLite.
#
# Seeds PLAYS plays (default 10,000,000) over TRACKS tracks (50,000) by
# LISTENERS listeners (200,000) into the last complete chart week with
# sqlite3 and recursive CTEs: track popularity is skewed (the square of a
# uniform draw, so a head of hits), a third of the listeners are premium,
# and one listener in a hundred loops one song (the daily cap's case). Then
# times `riffd music charts --week FRIDAY` (tally with the daily cap, rank,
# store the top 100 with their history) and reports wall time and peak RSS.
# The machine may be shared: the load average is printed with the figure.
source "$(dirname "$0")/lib.sh"
PLAYS=${PLAYS:-10000000}
TRACKS=${TRACKS:-50000}
LISTENERS=${LISTENERS:-200000}

bench_workdir
data="$work/data"
mkdir -p "$data"
# The last complete week: Friday 00:00 UTC, a week before the current one.
now_s=$(date -u +%s)
week_s=$(((now_s - 86400) / 604800 * 604800 + 86400 - 604800))
week_ms=$((week_s * 1000))
week=$(date -u -d "@$week_s" +%F)

# Create and migrate the database (stores no week: there are no plays yet).
"$RIFFD" music charts --data-dir "$data" >/dev/null
db="$data/riff.db"

echo "seeding $TRACKS tracks, $LISTENERS listeners, $PLAYS plays in the week of $week..."
t0=$(date +%s.%N)
sqlite3 "$db" >/dev/null <<SQL
PRAGMA journal_mode = WAL;
PRAGMA synchronous = OFF;
PRAGMA cache_size = -1000000;
BEGIN;
INSERT INTO music_artists (id, name, name_key, created_at) VALUES (1, 'Bench', 'bench', 0);
INSERT INTO music_albums (id, title, artist_id, album_key, created_at) VALUES (1, 'Bench', 1, 'bench', 0);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $TRACKS)
INSERT INTO music_tracks (id, title, album_id, artist_id, artist_names, source_path, source_size,
  source_mtime_ms, content_hash, created_at, updated_at)
SELECT i, 'Track ' || i, 1, 1, 'Bench', '/bench/' || i, 0, 0, '', 0, 0 FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $LISTENERS)
INSERT INTO users (id, handle, email, password_hash, created_at, updated_at)
SELECT 1000000 + i, 'l' || i, 'l' || i || '@bench', 'x', 0, 0 FROM n;
COMMIT;
DROP INDEX music_plays_time;
DROP INDEX music_plays_user;
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $PLAYS),
r(i, u, t, x) AS MATERIALIZED (SELECT i, abs(random()) % $LISTENERS, abs(random()) % $TRACKS,
                         abs(random()) % 604800000 FROM n)
INSERT INTO music_plays (id, user_id, track_id, played_at, ms_played, plan, source)
SELECT i, 1000001 + u,
       CASE WHEN u % 100 = 0 THEN 1 + u % $TRACKS ELSE 1 + (t * t) / $TRACKS END,
       $week_ms + x, 30000, CASE WHEN u % 3 = 0 THEN 'premium' ELSE 'free' END, 'api'
FROM r;
COMMIT;
CREATE INDEX music_plays_time ON music_plays (played_at, track_id);
CREATE INDEX music_plays_user ON music_plays (user_id, played_at);
ANALYZE;
SQL
t1=$(date +%s.%N)
printf 'seeded in %.0f s; database %s\n' "$(echo "$t1 - $t0" | bc)" "$(du -h "$db" | cut -f1)"

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
/usr/bin/time -f '%e %M' -o "$work/time" "$RIFFD" music charts --week "$week" --data-dir "$data" \
  >"$work/charts.out"
read -r wall rss_kb <"$work/time"
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
cat "$work/charts.out"
top=$(sqlite3 "$db" "SELECT position || ': track ' || track_id || ', ' || printf('%.2f', points_x3 / 3.0) || ' points, '
  || plays || ' plays' FROM music_chart_entries WHERE week_start = $week_ms AND position <= 3 ORDER BY position")
echo "$top"
echo
echo "machine: $(machine_line)"
echo "load average before: $load_before, after: $load_after (a shared machine: other work ran alongside)"
printf 'riffd music charts --week %s: %s plays, %s tracks, %s listeners: %.1f s wall, peak RSS %d MiB\n' \
  "$week" "$PLAYS" "$TRACKS" "$LISTENERS" "$wall" $((rss_kb / 1024))
