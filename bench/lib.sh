# Shared helpers for the benchmark scripts (sourced).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RIFFD=${RIFFD:-$ROOT/build/release/riffd}
WRK_DURATION=${WRK_DURATION:-10s}
WRK_CONNS=${WRK_CONNS:-64}

free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }

# wrk_rps URL [LUA]: prints "requests/s bytes/s p99_ms"
wrk_run() {
  local url=$1 script=${2:-}
  local args=(-t1 -c"$WRK_CONNS" -d"$WRK_DURATION" --latency)
  [ -n "$script" ] && args+=(-s "$script")
  local out
  out=$(wrk "${args[@]}" "$url")
  local rps bytes p99
  rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
  bytes=$(awk '/^Transfer\/sec/ {v=$2; u=substr(v,length(v)-1); n=substr(v,1,length(v)-2);
    if (u=="GB") n*=1073741824; else if (u=="MB") n*=1048576; else if (u=="KB") n*=1024; else n=v+0; printf "%.0f", n}' <<<"$out")
  p99=$(awk '$1=="99%" {v=$2; if (v ~ /ms$/) {sub("ms","",v)} else if (v ~ /us$/) {sub("us","",v); v=v/1000} else if (v ~ /s$/) {sub("s","",v); v=v*1000}; print v}' <<<"$out")
  local errors
  errors=$(awk '/Non-2xx or 3xx responses|Socket errors/ {print}' <<<"$out")
  [ -n "$errors" ] && echo "wrk: $url: $errors" >&2
  echo "$rps $bytes $p99"
}

start_riffd() {  # start_riffd PORT DATA_DIR [extra flags...] ; sets RIFFD_PID
  local port=$1 dir=$2; shift 2
  "$RIFFD" serve --listen 127.0.0.1:"$port" --data-dir "$dir" --access-log false "$@" >"$dir/riffd.out" 2>"$dir/riffd.err" &
  RIFFD_PID=$!
  for _ in $(seq 1 200); do
    grep -q "riff listening" "$dir/riffd.out" 2>/dev/null && return 0
    sleep 0.05
  done
  echo "riffd did not start:" >&2; cat "$dir/riffd.err" >&2; return 1
}

machine_line() {
  echo "$(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr), $(. /etc/os-release; echo "$PRETTY_NAME")"
}

# A scratch folder readable by nginx's and PostgreSQL's unprivileged users,
# removed on exit with the riffd and PostgreSQL the script started there.
# Sets $work and $pg_dir.
bench_workdir() {
  work=$(mktemp -d)
  chmod 755 "$work"
  pg_dir=$work/pg
  trap bench_cleanup EXIT
}
bench_cleanup() {
  kill "${RIFFD_PID:-}" 2>/dev/null || true
  wait "${RIFFD_PID:-}" 2>/dev/null || true
  [ -d "$pg_dir" ] && "$ROOT/scripts/pg-test-server.sh" stop "$pg_dir" >/dev/null 2>&1 || true
  [ -n "${BENCH_KEEP:-}" ] && echo "kept $work" >&2 || rm -rf "$work"
}

# riff_signup API HANDLE: signs a creator up; prints its bearer token (with
# Bearer auth no cookie is sent, so no CSRF token is needed).
riff_signup() {
  curl -sSf -H 'Content-Type: application/json' \
    -d "{\"handle\":\"$2\",\"email\":\"$2@bench.invalid\",\"password\":\"bench-password-$2\"}" \
    "$1/auth/signup" | jq -r .token
}

# riff_post_clip API TOKEN FILE: uploads FILE with tus (one PATCH), posts it
# as a public video and waits until it is ready; prints the video id.
riff_post_clip() {
  local api=$1 auth=(-H "Authorization: Bearer $2") file=$3
  local size location upload_url video_id status
  size=$(stat -c %s "$file")
  location=$(curl -sSf -o /dev/null -D - "${auth[@]}" -X POST -H 'Tus-Resumable: 1.0.0' -H "Upload-Length: $size" \
    "$api/uploads" | tr -d '\r' | awk 'tolower($1)=="location:" {print $2}')
  [ -n "$location" ] || { echo "tus create gave no Location" >&2; return 1; }
  case $location in http*) upload_url=$location ;; *) upload_url=${api%/api/v1}$location ;; esac
  curl -sSf -o /dev/null "${auth[@]}" -X PATCH -H 'Tus-Resumable: 1.0.0' -H 'Upload-Offset: 0' \
    -H 'Content-Type: application/offset+octet-stream' --data-binary @"$file" "$upload_url"
  video_id=$(curl -sSf "${auth[@]}" -H 'Content-Type: application/json' \
    -d "{\"upload_id\":\"${location##*/}\",\"caption\":\"bench\",\"visibility\":\"public\"}" "$api/videos" | jq -r .id)
  status=processing
  for _ in $(seq 1 3000); do  # up to 5 minutes of transcoding on a busy machine
    status=$(curl -sSf "${auth[@]}" "$api/videos/$video_id" | jq -r .status)
    [ "$status" != processing ] && break
    sleep 0.1
  done
  [ "$status" = ready ] || { echo "video $video_id is $status, not ready" >&2; return 1; }
  echo "$video_id"
}
