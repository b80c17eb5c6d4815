#!/usr/bin/env bash
# For You at scale, on SQLite: 1,000,000 videos (98% ready; 5% private and
# 5% followers-only; 2% of creators private) from 50,000 creators, with
# 1-3 hashtags each (10,000 hashtags) and a sound on 70% (20,000 sounds);
# 100,000 signed-in viewers, each following 10 creators; 10,000,000 stored
# events over the past week. Everything is inserted with SQL (deterministic
# formulas, no random()), so two runs seed the same rows (times are relative
# to the start of the run). Then, against riffd on that data dir:
#   (d) start-up: from exec to "riff listening", with a fresh model, and
#       again after a restart with the model learned from the warm-up;
#   warm-up: WARM_SECONDS of event ingestion, so the model and the index
#       have learned something before For You is measured;
#   (a) GET /api/v1/feed/foryou?limit=10 as signed-in viewers (a new viewer
#       token each request): p50/p99 and req/s, alone;
#   (b) POST /api/v1/events, 500 items a batch, a unique batch_id and the
#       next viewer's token each request, as fast as riffd takes them, while
#       For You is asked at a steady rate (each of FEED_RATES in turn); then
#       the same with events offered at EVENT_RATE (the goal, 50,000/s)
#       instead of as fast as taken; then For You as fast as it goes: events
#       stored/s (from riff_events_total) and For You's figures under that
#       load;
#   (c) riffd's RSS (and peak), and the engine's own accounting of the
#       model, the index and the catalog (riff_foryou_* gauges).
# Goals (issue 4): p99 <= 15 ms, >= 50,000 events/s, < 4 GiB.
#
# SEED_CACHE=/tmp/x.db keeps the seeded database there (or reuses it when
# present, with the times it was seeded at), to iterate on riffd quickly.
source "$(dirname "$0")/lib.sh"
VIDEOS=${VIDEOS:-1000000}
CREATORS=${CREATORS:-50000}
VIEWERS=${VIEWERS:-100000}
EVENTS=${EVENTS:-10000000}
SOUNDS=${SOUNDS:-20000}
HASHTAGS=${HASHTAGS:-10000}
WARM_SECONDS=${WARM_SECONDS:-30}
FEED_CONNS=${FEED_CONNS:-16}      # concurrent For You requests
FEED_CONNS_LOW=${FEED_CONNS_LOW:-2} # and fewer: the latency of one request, with little queueing
FEED_RATES=${FEED_RATES:-"100 200 300"} # (b): For You requests/s offered while events flow
FEED_PACED_CONNS=${FEED_PACED_CONNS:-8}
EVENT_CONNS=${EVENT_CONNS:-4}     # concurrent event batches
EVENT_RATE=${EVENT_RATE:-50000}   # (b) also with events offered at this rate (the goal)
EVENT_PACED_CONNS=${EVENT_PACED_CONNS:-8}
DURATION=${DURATION:-20s}
SEED_CACHE=${SEED_CACHE:-}

bench_workdir
data=$work/data
mkdir -p "$data"

# --- seeding ---------------------------------------------------------------

# Creators are users 1000001.., viewers 2000001.., sounds 3000001..,
# hashtags 4000001... Videos and events get riff's time-ordered ids
# ((ms - 2024-01-01) << 22 | sequence), so cursors and "newest first" work.
# h(x) is a multiplicative hash in [0, 1); squaring it skews a pick towards
# the first ids (a few popular creators, sounds, hashtags and videos).
epoch_ms=1704067200000
video_span_ms=$((30 * 86400000))  # videos were posted over 30 days
event_span_ms=$((7 * 86400000))   # events happened over the last 7 days

seed() {
  local db=$data/riff.db now_ms=$1
  local step=$((video_span_ms / VIDEOS)) estep=$((event_span_ms / EVENTS))
  # video number k (1..VIDEOS): created_at, id
  local vcreated="($now_ms - ($VIDEOS - k) * $step)"
  local vid="(($vcreated - $epoch_ms) * 4194304 + k % 4096)"
  local h="((x * 2654435761) % 1000003) / 1000003.0"
  hash() { echo "${h//x/$1}"; }

  # Tokens: base64url(SHA-256("riff-bench-viewer-i")), 43 characters like
  # riff's; sessions store BLAKE2b-256 hex of the token (accounts/tokens.hpp).
  python3 - "$VIEWERS" "$work" "$now_ms" <<'PY'
import base64, hashlib, sys
n, work, now = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
with open(f"{work}/tokens.txt", "w") as tokens, open(f"{work}/sessions.csv", "w") as sessions:
    for i in range(1, n + 1):
        token = base64.urlsafe_b64encode(hashlib.sha256(b"riff-bench-viewer-%d" % i).digest()).rstrip(b"=").decode()
        token_hash = hashlib.blake2b(token.encode(), digest_size=32).hexdigest()
        tokens.write(token + "\n")
        sessions.write(f"{9000000 + i},{2000000 + i},{token_hash},{now},{now + 30 * 86400000},{now},bench,127.0.0.1\n")
PY

  sqlite3 "$db" <<SQL
PRAGMA synchronous = OFF;
BEGIN;
INSERT INTO users (id, handle, email, password_hash, display_name, created_at, updated_at, is_private)
  SELECT 1000000 + value, 'creator' || value, 'creator' || value || '@bench.invalid', 'x', 'Creator ' || value,
         $now_ms, $now_ms, CASE WHEN value % 50 = 0 THEN 1 ELSE 0 END
  FROM generate_series(1, $CREATORS);
INSERT INTO users (id, handle, email, password_hash, display_name, created_at, updated_at)
  SELECT 2000000 + value, 'viewer' || value, 'viewer' || value || '@bench.invalid', 'x', 'Viewer ' || value,
         $now_ms, $now_ms
  FROM generate_series(1, $VIEWERS);
INSERT INTO sounds (id, kind, title, creator_id, duration_ms, use_count, created_at)
  SELECT 3000000 + value, 0, 'sound ' || value, 1000001 + value % $CREATORS, 15000, 0, $now_ms - $video_span_ms
  FROM generate_series(1, $SOUNDS);
INSERT INTO hashtags (id, tag, use_count, created_at)
  SELECT 4000000 + value, 'tag' || value, 0, $now_ms - $video_span_ms FROM generate_series(1, $HASHTAGS);
COMMIT;

BEGIN;
INSERT INTO videos (id, author_id, caption, status, visibility, sound_id, media_dir, duration_ms, width, height,
                    progress, like_count, comment_count, share_count, view_count, completion_count,
                    created_at, updated_at)
  SELECT $vid,
         1000001 + CAST($CREATORS * $(hash "k") * $(hash "k") AS INTEGER),
         'clip ' || k || ' #tag' || (1 + CAST($HASHTAGS * $(hash "(k + 1)") * $(hash "(k + 1)") AS INTEGER)),
         CASE WHEN k % 100 = 0 THEN 0 WHEN k % 100 = 1 THEN 2 ELSE 1 END,
         CASE WHEN k % 20 = 3 THEN 2 WHEN k % 20 = 7 THEN 1 ELSE 0 END,
         CASE WHEN k % 10 < 7 THEN 3000001 + CAST($SOUNDS * $(hash "(k + 2)") * $(hash "(k + 2)") AS INTEGER) END,
         '/bench/' || k, 5000 + (k * 7919) % 55000, 720, 1280, 1,
         CAST(2000 * pow($(hash "(k + 3)"), 4) AS INTEGER), (k * 31) % 40, (k * 613) % 50,
         CAST(50000 * pow($(hash "(k + 3)"), 3) AS INTEGER), CAST(20000 * pow($(hash "(k + 3)"), 3) AS INTEGER),
         $vcreated, $vcreated
  FROM (SELECT value AS k FROM generate_series(1, $VIDEOS));
-- 1 to 3 hashtags a video; the first is the one in the caption.
INSERT OR IGNORE INTO video_hashtags (video_id, hashtag_id)
  SELECT $vid, 4000001 + CAST($HASHTAGS * $(hash "(k + t)") * $(hash "(k + t)") AS INTEGER)
  FROM (SELECT value AS k FROM generate_series(1, $VIDEOS)), (SELECT value AS t FROM generate_series(1, 3))
  WHERE t <= 1 + k % 3;
COMMIT;

BEGIN;
INSERT OR IGNORE INTO follows (follower_id, followee_id, created_at)
  SELECT 2000000 + v, 1000001 + CAST($CREATORS * $(hash "(v * 16 + f)") * $(hash "(v * 16 + f)") AS INTEGER), $now_ms
  FROM (SELECT value AS v FROM generate_series(1, $VIEWERS)), (SELECT value AS f FROM generate_series(1, 10));
.mode csv
.import $work/sessions.csv sessions
COMMIT;

-- The log: bulk-loaded without its indexes, which are then built (the
-- same definitions as events_schema.cpp).
DROP INDEX events_at;
DROP INDEX events_viewer;
BEGIN;
INSERT INTO events (id, viewer, video, kind, watch_ms, duration_ms, at_ms)
  SELECT ($now_ms - $event_span_ms + j * $estep - $epoch_ms) * 4194304 + j % 4096,
         2000001 + CAST($VIEWERS * $(hash "(j + 5)") AS INTEGER) % $VIEWERS,
         $vid, kind, CASE kind WHEN 2 THEN (5000 + (k * 7919) % 55000) * ((j * 37) % 120) / 100 ELSE 0 END,
         CASE kind WHEN 2 THEN 5000 + (k * 7919) % 55000 ELSE 0 END,
         $now_ms - $event_span_ms + j * $estep
  FROM (SELECT j, 1 + CAST($VIDEOS * $(hash "j") * $(hash "j") AS INTEGER) % $VIDEOS AS k,
               CASE (j * 7) % 20 WHEN 0 THEN 10 WHEN 1 THEN 10 WHEN 2 THEN 3 WHEN 3 THEN 4 WHEN 4 THEN 7
                    WHEN 5 THEN 9 WHEN 6 THEN 2 WHEN 7 THEN 2 WHEN 8 THEN 2 WHEN 9 THEN 2 WHEN 10 THEN 2
                    WHEN 11 THEN 2 WHEN 12 THEN 2 ELSE 1 END AS kind
        FROM (SELECT value AS j FROM generate_series(1, $EVENTS)));
COMMIT;
CREATE INDEX events_at ON events (at_ms, id);
CREATE INDEX events_viewer ON events (viewer, kind, at_ms);
ANALYZE;
SQL
}

now_ms=$(($(date +%s) * 1000))
if [ -n "$SEED_CACHE" ] && [ -f "$SEED_CACHE" ]; then
  echo "Seed: copying $SEED_CACHE (seeded at $(cat "$SEED_CACHE.now") ms)"
  cp "$SEED_CACHE" "$data/riff.db"
  cp "$SEED_CACHE.tokens" "$work/tokens.txt"
else
  port=$(free_port); start_riffd "$port" "$data"; kill "$RIFFD_PID"; wait "$RIFFD_PID" 2>/dev/null || true
  rm -rf "$data/recs"
  t0=$(date +%s.%N)
  seed "$now_ms"
  echo "Seed: $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN {printf "%.0f", b - a}') s with sqlite3 $(sqlite3 --version | cut -d' ' -f1); $(du -h "$data/riff.db" | cut -f1) riff.db"
  if [ -n "$SEED_CACHE" ]; then
    cp "$data/riff.db" "$SEED_CACHE"
    cp "$work/tokens.txt" "$SEED_CACHE.tokens"
    echo "$now_ms" >"$SEED_CACHE.now"
  fi
fi

# Video ids for the event batches: ready, public, public authors, most
# engaged first (the script picks near the top more often).
sqlite3 "$data/riff.db" "SELECT v.id FROM videos v JOIN users u ON u.id = v.author_id
  WHERE v.status = 1 AND v.visibility = 0 AND u.is_private = 0 ORDER BY v.view_count DESC, v.id LIMIT 200000" \
  >"$work/videos.txt"

# --- wrk scripts -------------------------------------------------------------

cat >"$work/foryou.lua" <<LUA
local tokens = {}
for line in io.lines("$work/tokens.txt") do tokens[#tokens + 1] = line end
local n = 0
request = function()
  n = n + 1
  local t = tokens[(n * 7919) % #tokens + 1]
  return wrk.format("GET", "/api/v1/feed/foryou?limit=10", {["Authorization"] = "Bearer " .. t})
end
LUA

# events.lua FIRST: viewer tokens are taken in order from FIRST, so that no
# viewer sends more than its burst (1,000 events) in one run. The item lists
# are made once, when the script loads (256 of them, 500 items each), and
# each request sends one with its own batch_id and viewer: building 500
# items in Lua per request took wrk a large share of a core that riffd
# would otherwise have.
events_lua() {
  cat >"$work/events.lua" <<LUA
local tokens, videos = {}, {}
for line in io.lines("$work/tokens.txt") do tokens[#tokens + 1] = line end
for line in io.lines("$work/videos.txt") do videos[#videos + 1] = line end
local n, first = 0, $1
local run = tostring(os.time())
local function video()
  local r = math.random()
  return videos[math.floor(#videos * r * r) + 1]
end
local lists = {}
for l = 1, 256 do
  local items = {}
  for i = 1, 500 do
    local v, r = video(), math.random(100)
    if r <= 40 then
      items[i] = '{"kind":"impression","video_id":"' .. v .. '"}'
    elseif r <= 60 then
      items[i] = '{"kind":"watch","video_id":"' .. v .. '","watch_ms":60000}'
    elseif r <= 80 then
      items[i] = '{"kind":"watch","video_id":"' .. v .. '","watch_ms":' .. math.random(500, 4000) .. '}'
    elseif r <= 95 then
      items[i] = '{"kind":"skip","video_id":"' .. v .. '"}'
    else
      items[i] = '{"kind":"replay","video_id":"' .. v .. '"}'
    end
  end
  lists[l] = table.concat(items, ",")
end
request = function()
  n = n + 1
  local body = '{"batch_id":"b' .. run .. '-' .. n .. '","items":[' .. lists[n % #lists + 1] .. ']}'
  local t = tokens[(first + n) % #tokens + 1]
  return wrk.format("POST", "/api/v1/events",
                    {["Authorization"] = "Bearer " .. t, ["Content-Type"] = "application/json"}, body)
end
LUA
  [ -n "${2:-}" ] || return 0
  # A steady rate of RATE events/s: each request takes the next slot of a
  # schedule shared by the connections (wrk's LuaJIT reads the monotonic
  # clock through its FFI), and a schedule more than a second behind starts
  # afresh rather than bursting.
  cat >>"$work/events.lua" <<LUA
local ffi = require("ffi")
ffi.cdef[[
typedef struct { long tv_sec; long tv_nsec; } riff_timespec;
int clock_gettime(int clk, riff_timespec *tp);
]]
local ts = ffi.new("riff_timespec")
local period, next_at = 500000 / $2, nil
delay = function()
  ffi.C.clock_gettime(1, ts)  -- CLOCK_MONOTONIC
  local now = tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
  if next_at == nil or next_at < now - 1000 then next_at = now end
  local wait = next_at - now
  next_at = next_at + period
  return wait > 0 and math.floor(wait) or 0
end
LUA
}

# --- measuring ---------------------------------------------------------------

# start_scaled: starts riffd; sets RIFFD_PID and STARTUP (seconds until it serves).
start_scaled() {
  local t0
  rm -f "$data/riffd.out"  # not the last run's "riff listening"
  t0=$(date +%s.%N)
  "$RIFFD" serve --listen 127.0.0.1:"$port" --data-dir "$data" --access-log false \
    >"$data/riffd.out" 2>"$data/riffd.err" &
  RIFFD_PID=$!
  until grep -q "riff listening" "$data/riffd.out" 2>/dev/null; do
    kill -0 "$RIFFD_PID" 2>/dev/null || { echo "riffd died:" >&2; cat "$data/riffd.err" >&2; exit 1; }
    sleep 0.1
  done
  STARTUP=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", b - a}')
}
stop_riffd() { kill "$RIFFD_PID"; wait "$RIFFD_PID" 2>/dev/null || true; }

cpu_ticks() { awk '{print $14 + $15}' "/proc/$RIFFD_PID/stat"; }
# settle: waits (up to 10 minutes) until riffd uses under a third of a core
# for 3 s running (trending replays the week of events after start-up);
# prints the seconds it took.
settle() {
  local t0 last now quiet=0 hz
  hz=$(getconf CLK_TCK)
  t0=$(date +%s)
  last=$(cpu_ticks)
  while [ $quiet -lt 3 ] && [ $(($(date +%s) - t0)) -lt 600 ]; do
    sleep 1
    now=$(cpu_ticks)
    if [ $((now - last)) -lt $((hz / 3)) ]; then quiet=$((quiet + 1)); else quiet=0; fi
    last=$now
  done
  echo $(($(date +%s) - t0 - 3))
}

metric() {  # metric NAME_WITH_LABELS: its value in /metrics (0 when absent)
  curl -s "http://127.0.0.1:$port/metrics" | awk -v m="$1" '$1 == m {print $2; f = 1} END {if (!f) print 0}'
}
stored_events() { metric 'riff_events_total{outcome="stored"}'; }
# riffd's CPU seconds so far (user + system): CPU per event does not depend
# on what else the machine runs, where events/s does.
cpu_seconds() { awk -v hz="$(getconf CLK_TCK)" '{printf "%.2f", ($14 + $15) / hz}' "/proc/$RIFFD_PID/stat"; }
memory_line() {
  local rss hwm anon
  rss=$(awk '/^VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$RIFFD_PID/status")
  hwm=$(awk '/^VmHWM/ {printf "%.0f", $2 / 1024}' "/proc/$RIFFD_PID/status")
  anon=$(awk '/^RssAnon/ {printf "%.0f", $2 / 1024}' "/proc/$RIFFD_PID/status")
  awk -v rss="$rss" -v hwm="$hwm" -v anon="$anon" -v model="$(metric riff_foryou_model_bytes)" \
    -v vectors="$(metric riff_foryou_index_vectors)" -v idx="$(metric riff_foryou_index_bytes)" \
    -v catalog="$(metric riff_foryou_catalog_videos)" -v dropped="$(metric riff_foryou_events_dropped)" 'BEGIN {
      printf "RSS %d MiB (peak %d MiB; %d MiB not file-backed); model %.0f MiB, index %d vectors in %.0f MiB, catalog %d videos; learner dropped %d events\n",
        rss, hwm, anon, model / 1048576, vectors, idx / 1048576, catalog, dropped }'
}

# wrk_feed CONNS: "req/s p50 p99 non2xx"
wrk_summary() {
  awk '/^Requests\/sec/ {rps = $2} $1 == "50%" {p50 = $2} $1 == "99%" {p99 = $2}
       /Non-2xx/ {bad = $NF} /Socket errors/ {sock = $0}
       END {printf "%.0f req/s, p50 %s, p99 %s%s%s\n", rps, p50, p99, bad ? ", non-2xx " bad : "", sock ? ", " sock : ""}'
}

port=$(free_port)
echo "Machine: $(machine_line); riffd $(git -C "$ROOT" rev-parse --short HEAD)$(git -C "$ROOT" diff --quiet HEAD -- src || echo '+changes'); load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "Data: $VIDEOS videos, $CREATORS creators, $VIEWERS viewers with sessions, $EVENTS stored events; SQLite"
echo

start_scaled
echo "(d) start-up, fresh model: ${STARTUP} s to listening; busy $(settle) s more (trending's replay)"
echo "    $(memory_line)"

events_lua 0
s0=$(stored_events); t0=$(date +%s.%N); c0=$(cpu_seconds)
warm=$(wrk -t1 -c"$EVENT_CONNS" -d"${WARM_SECONDS}s" --latency -s "$work/events.lua" "http://127.0.0.1:$port/" | wrk_summary)
s1=$(stored_events); t1=$(date +%s.%N); c1=$(cpu_seconds)
echo "warm-up: wrk -t1 -c$EVENT_CONNS -d${WARM_SECONDS}s POST /api/v1/events x 500: $warm;" \
  "$(awk -v s="$((s1 - s0))" -v a="$t0" -v b="$t1" 'BEGIN {printf "%.0f events stored/s (%d)", s / (b - a), s}');" \
  "$(awk -v s="$((s1 - s0))" -v a="$c0" -v b="$c1" 'BEGIN {printf "riffd CPU %.1f us/event", (b - a) * 1e6 / s}')"
echo "    $(memory_line)"
sleep 5  # the engine's thread learns what is queued and refreshes the index
stop_riffd

start_scaled
echo "(d) start-up, learned model: ${STARTUP} s to listening; busy $(settle) s more"
echo "    $(memory_line)"

echo "(a) wrk -t1 -c$FEED_CONNS -d$DURATION GET /api/v1/feed/foryou?limit=10, a viewer token each request:"
echo "    $(wrk -t1 -c"$FEED_CONNS" -d"$DURATION" --latency -s "$work/foryou.lua" "http://127.0.0.1:$port/" | wrk_summary)"
echo "    load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "    the same with -c$FEED_CONNS_LOW:" \
  "$(wrk -t1 -c"$FEED_CONNS_LOW" -d"$DURATION" --latency -s "$work/foryou.lua" "http://127.0.0.1:$port/" | wrk_summary);" \
  "load average $(cut -d' ' -f1-3 /proc/loadavg)"

# feed_with_events FIRST SCRIPT CONNS LABEL [RATE]: events (viewers from
# FIRST) as fast as riffd takes them, or offered at RATE events/s, and For
# You from SCRIPT on CONNS connections, both for DURATION; prints both
# sides' figures under LABEL.
feed_with_events() {
  local feed events_wrk s0 s1 t0 t1 conns=$EVENT_CONNS offered="as fast as taken"
  events_lua "$1" "${5:-}"
  if [ -n "${5:-}" ]; then conns=$EVENT_PACED_CONNS; offered="offered at $5 events/s"; fi
  s0=$(stored_events); t0=$(date +%s.%N)
  wrk -t1 -c"$conns" -d"$DURATION" --latency -s "$work/events.lua" "http://127.0.0.1:$port/" >"$work/events.out" &
  events_wrk=$!
  feed=$(wrk -t1 -c"$3" -d"$DURATION" --latency -s "$2" "http://127.0.0.1:$port/" | wrk_summary)
  wait "$events_wrk"
  s1=$(stored_events); t1=$(date +%s.%N)
  echo "(b) $4 while wrk -t1 -c$conns POST /api/v1/events x 500 $offered, $DURATION:"
  echo "    feed: $feed"
  echo "    events: $(wrk_summary <"$work/events.out");" \
    "$(awk -v s="$((s1 - s0))" -v a="$t0" -v b="$t1" 'BEGIN {printf "%.0f events stored/s (%d)", s / (b - a), s}')"
  echo "    load average: $(cut -d' ' -f1-3 /proc/loadavg); $(memory_line | sed 's/.*learner/learner/')"
  sleep 3
}

# (b) For You asked at a steady rate: wrk paces each of its FEED_PACED_CONNS
# connections (a pause between a response and the next request) so that
# together they offer about RATE requests/s. Events first as fast as riffd
# takes them, then at the ingestion goal's rate (the two goals at once).
# Then For You as fast as it goes (both saturate the cores).
b_run=0
for event_rate in "" "$EVENT_RATE"; do
  for rate in $FEED_RATES; do
    b_run=$((b_run + 1))
    cat >"$work/foryou_paced.lua" <<LUA
$(cat "$work/foryou.lua")
delay = function() return $((FEED_PACED_CONNS * 1000 / rate)) end
LUA
    feed_with_events $((20000 * b_run)) "$work/foryou_paced.lua" "$FEED_PACED_CONNS" \
      "For You offered ~$rate req/s (wrk -c$FEED_PACED_CONNS, paced)" "$event_rate"
  done
done
feed_with_events 90000 "$work/foryou.lua" "$FEED_CONNS" "For You unpaced, wrk -c$FEED_CONNS,"
echo "(c) $(memory_line)"
stop_riffd
