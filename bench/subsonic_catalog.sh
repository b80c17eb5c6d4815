#!/usr/bin/env bash
# The Subsonic API on a big catalog, and time to first byte of a stream.
#
# Seeds TRACKS catalog rows (default 50,000: 10 per album, 5 albums per
# artist) into a fresh SQLite database with sqlite3, titles drawn from a word
# list so searches have a realistic number of hits. One real track (a tone
# imported with `riffd music import`) gives the stream its bytes. Then, with
# wrk -t1 -c$WRK_CONNS against one riffd, random ids / random words:
#   - /rest/getAlbum?id=N         (album with its 10 songs)
#   - /rest/search3?query=WORDS      (20 artists, 20 albums, 20 songs; one or
#                                     two words of a random title)
# and nginx serving a JSON file of the same size as getAlbum's reply (the
# ceiling of "an HTTP reply", side by side). Time to first byte: curl's
# time_starttransfer over STREAMS requests of /rest/stream (riffd) and of
# the same .m4a file from nginx.
source "$(dirname "$0")/lib.sh"
TRACKS=${TRACKS:-50000}
STREAMS=${STREAMS:-200}
ALBUMS=$((TRACKS / 10))
ARTISTS=$(((ALBUMS + 4) / 5))

bench_workdir
data="$work/data"
lib="$work/lib"
mkdir -p "$data" "$lib"

# One real track to stream, imported the normal way (this also migrates).
ffmpeg -v error -y -f lavfi -i "sine=frequency=440:duration=180:sample_rate=44100" -ac 2 \
  -metadata title="Real Tone" -metadata artist="Bench Real" -metadata album="Bench Real" \
  -c:a flac "$lib/real.flac"
"$RIFFD" music import "$lib" --data-dir "$data" >/dev/null
db="$data/riff.db"

# A vocabulary of 24 common words and 576 made-up ones (two syllables);
# each title takes three, skewed toward the start of the list (the square of
# a uniform draw), so a few words are everywhere and most are rare.
WORDS=(love night fire dance heart summer dream city river gold light rain
  moon wild blue home road shadow sky storm sweet time wave young)
SYLLABLES=(ka lo mi ne ru sa ti vo ba de fi go hu ja ke li mo nu pa re so tu wa zi)
sql_words=$(printf "('%s')," "${WORDS[@]}")
sql_syllables=$(printf "('%s')," "${SYLLABLES[@]}")
echo "seeding $ARTISTS artists, $ALBUMS albums, $TRACKS tracks..."
t0=$(date +%s.%N)
sqlite3 "$db" >/dev/null <<SQL
PRAGMA journal_mode = WAL;
PRAGMA synchronous = OFF;
BEGIN;
CREATE TEMP TABLE words (k INTEGER PRIMARY KEY, w TEXT);
INSERT INTO words (w) VALUES ${sql_words%,};
CREATE TEMP TABLE syllables (s TEXT);
INSERT INTO syllables (s) VALUES ${sql_syllables%,};
INSERT INTO words (w) SELECT a.s || b.s FROM syllables a, syllables b ORDER BY a.s, b.s;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $ARTISTS)
INSERT INTO music_artists (id, name, name_key, created_at)
SELECT 10000000 + i, 'Artist ' || (SELECT w FROM words WHERE words.k = 1 + (i * 37) % 600) || ' ' || i,
       'artist-' || i, 0 FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $ALBUMS)
INSERT INTO music_albums (id, title, artist_id, album_key, year, genre, created_at)
SELECT 20000000 + i, (SELECT w FROM words WHERE words.k = 1 + (i * 7) % 600) || ' Album ' || i,
       10000001 + (i - 1) / 5, 'album-' || i, 1990 + i % 35, 'Pop', 0 FROM n;
CREATE TEMP TABLE titles (i INTEGER PRIMARY KEY, title TEXT);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $TRACKS),
u(i, x, y, z, p, q, r) AS MATERIALIZED (SELECT i, abs(random()) % 1000 / 1000.0,
  abs(random()) % 1000 / 1000.0, abs(random()) % 1000 / 1000.0, abs(random()) % 1000 / 1000.0,
  abs(random()) % 1000 / 1000.0, abs(random()) % 1000 / 1000.0 FROM n),
d(i, a, b, c) AS (SELECT i, 1 + CAST(600 * x * p AS INTEGER), 1 + CAST(600 * y * q AS INTEGER),
                         1 + CAST(600 * z * r AS INTEGER) FROM u)
INSERT INTO titles SELECT i, (SELECT w FROM words WHERE k = a) || ' ' || (SELECT w FROM words WHERE k = b)
  || ' ' || (SELECT w FROM words WHERE k = c) FROM d;
INSERT INTO music_tracks (id, title, album_id, artist_id, artist_names, track_no, disc_no, year,
  genre, isrc, duration_ms, sample_rate, channels, bit_rate, suffix, tiers, source_path, source_size,
  source_mtime_ms, content_hash, created_at, updated_at)
SELECT 30000000 + i, title,
       20000001 + (i - 1) / 10, 10000001 + (i - 1) / 50, 'Artist ' || (1 + (i - 1) / 50),
       1 + (i - 1) % 10, 1, 1990 + i % 35, 'Pop', 'QZBEN' || printf('%07d', i), 180000, 44100, 2,
       320, 'flac', '96,160,320', '/bench/' || i, 0, 0, '', 0, 0 FROM titles;
INSERT INTO music_track_artists (track_id, position, artist_id)
SELECT id, 0, artist_id FROM music_tracks WHERE source_path LIKE '/bench/%';
COMMIT;
ANALYZE;
SQL
printf 'seeded in %.1f s\n' "$(echo "$(date +%s.%N) - $t0" | bc)"

port=$(free_port)
start_riffd "$port" "$data"
base="http://127.0.0.1:$port"
token=$(riff_signup "$base/api/v1" bench)
key=$(curl -sSf -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
  -d '{"name":"bench"}' "$base/api/v1/me/app-passwords" | jq -r .password)
auth="apiKey=$key&v=1.16.1&c=bench&f=json"
real_id=$(curl -sSf "$base/rest/search3?$auth&query=Real%20Tone" | jq -r '."subsonic-response".searchResult3.song[0].id')
[ -n "$real_id" ] && [ "$real_id" != null ] || { echo "the imported track is not found" >&2; exit 1; }
album_reply=$(curl -sSf "$base/rest/getAlbum?$auth&id=20000001")
jq -e '."subsonic-response".album.song | length == 10' <<<"$album_reply" >/dev/null ||
  { echo "getAlbum on a seeded album: $album_reply" >&2; exit 1; }

cat >"$work/album.lua" <<LUA
math.randomseed(os.time())
request = function()
  return wrk.format("GET", "/rest/getAlbum?$auth&id=" .. (20000000 + math.random(1, $ALBUMS)))
end
LUA
# What people search for: the first one or two words of a random title.
queries=$(sqlite3 "$db" "SELECT title FROM music_tracks WHERE source_path LIKE '/bench/%'
  ORDER BY random() LIMIT 1000" | awk '{q = (NR % 2) ? $1 : $1 "%20" $2; printf "\"%s\",", q}')
cat >"$work/search.lua" <<LUA
local queries = { ${queries%,} }
math.randomseed(os.time())
request = function()
  return wrk.format("GET", "/rest/search3?$auth&query=" .. queries[math.random(1, #queries)])
end
LUA

# nginx serving a file of getAlbum's size, and the real track's top tier.
mkdir -p "$work/www"
printf '%s' "$album_reply" >"$work/www/album.json"
tier=$(ls "$data"/music/tracks/*/a320.m4a | head -1)
cp "$tier" "$work/www/track.m4a"
nport=$(free_port)
cat >"$work/nginx.conf" <<NGINX
worker_processes 1;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  include /etc/nginx/mime.types;
  server { listen 127.0.0.1:$nport; root $work/www; }
}
NGINX
nginx -c "$work/nginx.conf"
trap 'kill "$(cat "$work/nginx.pid")" 2>/dev/null || true; bench_cleanup' EXIT

WRK_DURATION=2s wrk_run "$base/rest/getAlbum?$auth&id=20000001" "$work/album.lua" >/dev/null
read -r album_rps _ album_p99 < <(wrk_run "$base/rest/getAlbum?$auth&id=20000001" "$work/album.lua")
read -r search_rps _ search_p99 < <(wrk_run "$base/rest/search3?$auth&query=love" "$work/search.lua")
read -r nginx_rps _ nginx_p99 < <(wrk_run "http://127.0.0.1:$nport/album.json")

# Time to first byte: median and p99 of STREAMS sequential requests.
ttfb() {  # ttfb URL -> "median_ms p99_ms"
  for ((i = 0; i < STREAMS; i++)); do
    curl -s -o /dev/null -r 0-65535 -w '%{time_starttransfer}\n' "$1"
  done | sort -n | awk '{v[NR] = $1 * 1000}
    END {p = int(NR * 0.99) + 1; if (p > NR) p = NR; printf "%.2f %.2f\n", v[int(NR / 2) + 1], v[p]}'
}
read -r riff_ttfb riff_ttfb99 < <(ttfb "$base/rest/stream?$auth&id=$real_id&maxBitRate=320")
read -r nginx_ttfb nginx_ttfb99 < <(ttfb "http://127.0.0.1:$nport/track.m4a")

echo
echo "machine: $(machine_line); load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "catalog: $TRACKS tracks, $ALBUMS albums, $ARTISTS artists (SQLite); wrk -t1 -c$WRK_CONNS -d$WRK_DURATION"
printf '%-34s %10s %10s\n' "" "req/s" "p99 ms"
printf '%-34s %10.0f %10s\n' "riffd /rest/getAlbum (random)" "$album_rps" "$album_p99"
printf '%-34s %10.0f %10s\n' "riffd /rest/search3 (random words)" "$search_rps" "$search_p99"
printf '%-34s %10.0f %10s\n' "nginx, a file of getAlbum's size" "$nginx_rps" "$nginx_p99"
printf 'getAlbum / nginx: %.2fx\n' "$(echo "$album_rps / $nginx_rps" | bc -l)"
printf 'time to first byte (first 64 KiB of the 320 kbit/s tier, %d requests): riffd /rest/stream median %s ms, p99 %s ms; nginx median %s ms, p99 %s ms\n' \
  "$STREAMS" "$riff_ttfb" "$riff_ttfb99" "$nginx_ttfb" "$nginx_ttfb99"
