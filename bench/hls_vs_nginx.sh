#!/usr/bin/env bash
# HLS segment serving: riffd's privacy-checked media route against nginx on
# the same files, same wrk, same run. A generated 10 s 1080x1920 clip goes
# through the real API (signup, tus upload, POST /api/v1/videos, wait until
# ready); wrk then rotates over every segment of the 720p rendition, as an
# anonymous viewer of the public video, on
#   riffd: /api/v1/videos/{id}/media/<rendition>/<segment>
#   nginx: the same files under <data_dir>/videos/<id>/ (1 worker, sendfile on)
# Prints a Markdown table with req/s, MB/s and the ratio riff/nginx.
# Needs wrk, nginx-light, ffmpeg, curl and jq.
source "$(dirname "$0")/lib.sh"
RENDITION=${RENDITION:-v720}

bench_workdir
nginx_stop() { [ -f "$work/nginx.conf" ] && nginx -c "$work/nginx.conf" -p "$work/" -s stop 2>/dev/null || true; }
trap 'nginx_stop; bench_cleanup' EXIT
mkdir -p "$work/data" "$work/logs"

# The clip, made here so nothing binary lives in the repository.
ffmpeg -v error -y -f lavfi -i testsrc2=size=1080x1920:rate=30 -f lavfi -i sine=frequency=440 -t 10 \
  -c:v libx264 -preset veryfast -pix_fmt yuv420p -c:a aac -shortest "$work/clip.mp4"

riff_port=$(free_port)
start_riffd "$riff_port" "$work/data"
api=http://127.0.0.1:$riff_port/api/v1

token=$(riff_signup "$api" hlsbench)
video_id=$(riff_post_clip "$api" "$token" "$work/clip.mp4") || { cat "$work/data/riffd.err" >&2; exit 1; }

# The segments of one rendition, from its media playlist (init segment too).
media_dir=$work/data/videos/$video_id
[ -f "$media_dir/master.m3u8" ] || media_dir=$(dirname "$(find "$work/data" -path "*$video_id*" -name master.m3u8 | head -1)")
playlist=$media_dir/$RENDITION/index.m3u8
[ -f "$playlist" ] || { echo "no $playlist; renditions:" >&2; ls "$media_dir" >&2; exit 1; }
mapfile -t segments < <({ grep -o 'URI="[^"]*"' "$playlist" | sed 's/URI="\(.*\)"/\1/'; grep -v '^#' "$playlist" | grep -v '^$'; } | sort -u)
[ ${#segments[@]} -gt 0 ] || { echo "no segments in $playlist" >&2; exit 1; }
seg_bytes=0
for s in "${segments[@]}"; do seg_bytes=$((seg_bytes + $(stat -c %s "$media_dir/$RENDITION/$s"))); done
chmod -R a+rX "$work/data/videos"  # nginx workers run as an unprivileged user

# nginx serves the same directory.
nginx_port=$(free_port)
workers=${NGINX_WORKERS:-1}
cat >"$work/nginx.conf" <<CONF
worker_processes $workers;
pid $work/nginx.pid;
error_log $work/logs/error.log;
events { worker_connections 4096; }
http {
  access_log off; sendfile on; tcp_nopush on; keepalive_requests 1000000;
  types { application/vnd.apple.mpegurl m3u8; video/mp4 mp4 m4s; }
  default_type application/octet-stream;
  client_body_temp_path $work/tmp_body; proxy_temp_path $work/tmp_proxy;
  fastcgi_temp_path $work/tmp_fcgi; uwsgi_temp_path $work/tmp_uwsgi; scgi_temp_path $work/tmp_scgi;
  server {
    listen 127.0.0.1:$nginx_port;
    root $media_dir;
  }
}
CONF
nginx -c "$work/nginx.conf" -p "$work/" -g 'daemon on;'

# One wrk script per server: the same segment list in the same rotation.
lua_list=$(printf '"%s",' "${segments[@]}")
write_lua() {  # write_lua FILE PREFIX
  cat >"$1" <<LUA
local segs = { $lua_list }
local prefix = "$2"
local i = 0
request = function()
  i = i % #segs + 1
  return wrk.format("GET", prefix .. segs[i])
end
LUA
}
write_lua "$work/riff.lua" "/api/v1/videos/$video_id/media/$RENDITION/"
write_lua "$work/nginx.lua" "/$RENDITION/"
riff_base=http://127.0.0.1:$riff_port
nginx_base=http://127.0.0.1:$nginx_port

# Both must answer 200 with the same bytes before anything is timed.
for s in "${segments[@]}"; do
  cmp -s <(curl -sSf "$riff_base/api/v1/videos/$video_id/media/$RENDITION/$s") "$media_dir/$RENDITION/$s" ||
    { echo "riffd served $s differently" >&2; exit 1; }
  cmp -s <(curl -sSf "$nginx_base/$RENDITION/$s") "$media_dir/$RENDITION/$s" ||
    { echo "nginx served $s differently" >&2; exit 1; }
done

echo "Machine: $(machine_line); wrk -t1 -c$WRK_CONNS -d$WRK_DURATION; nginx $workers worker(s); riffd default threads"
echo "Clip: 10 s 1080x1920 testsrc2 + sine through the API; $RENDITION rendition: ${#segments[@]} files" \
  "(init + segments), $((seg_bytes / ${#segments[@]} / 1024)) KiB on average; anonymous viewer, public video"
echo
echo "| workload | riffd | nginx | riff/nginx |"
echo "| --- | --- | --- | --- |"
row() {  # row NAME RIFF_URL RIFF_LUA NGINX_URL NGINX_LUA
  local name=$1
  read -r r_rps r_bytes r_p99 < <(wrk_run "$2" "$3")
  read -r n_rps n_bytes n_p99 < <(wrk_run "$4" "$5")
  awk -v n="$name" -v ar="$r_rps" -v ab="$r_bytes" -v ap="$r_p99" -v br="$n_rps" -v bb="$n_bytes" -v bp="$n_p99" \
    'BEGIN {printf "| %s | %.0f req/s, %.0f MB/s (p99 %.2f ms) | %.0f req/s, %.0f MB/s (p99 %.2f ms) | %.2f |\n",
      n, ar, ab/1e6, ap, br, bb/1e6, bp, ar/br}'
}
row "$RENDITION segments, rotating (media route vs nginx)" "$riff_base/" "$work/riff.lua" "$nginx_base/" "$work/nginx.lua"
row "$RENDITION media playlist (index.m3u8)" "$riff_base/api/v1/videos/$video_id/media/$RENDITION/index.m3u8" "" \
  "$nginx_base/$RENDITION/index.m3u8" ""
