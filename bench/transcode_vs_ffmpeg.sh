#!/usr/bin/env bash
# riff's transcoder against the ffmpeg command line, side by side.
#
# Both turn the same generated 30 s 1080x1920 clip (testsrc2 + a tone, 30
# fps) into the same HLS ladder with the same settings: H.264 yuv420p 720x1280
# and 480x854, libx264 veryfast CRF 23, 2 s GOPs without scene cuts, AAC 128k,
# CMAF/fMP4 segments of 2 s (the reference command is the one in
# ../shared/ANCHORS.md). riff's `riffd media-job` also writes the faststart
# MP4, the poster, the preview and the sound, which the reference does not.
# Runs alternate, ROUNDS times each; the medians are compared.
#
# Then the upload-to-playable time of the same clip through a running riffd:
# tus upload, POST /api/v1/videos, and the wait until the video is ready.
source "$(dirname "$0")/lib.sh"
ROUNDS=${ROUNDS:-3}
export SECONDS_LONG=${CLIP_SECONDS:-30}

bench_workdir
clip="$work/clip.mp4"
echo "making a ${SECONDS_LONG} s 1080x1920 clip..."
ffmpeg -v error -y -f lavfi -i "testsrc2=size=1080x1920:rate=30" -f lavfi -i "sine=frequency=330:sample_rate=48000" \
  -t "$SECONDS_LONG" -c:v libx264 -preset ultrafast -crf 18 -pix_fmt yuv420p -c:a aac -b:a 192k "$clip"

reference() {  # reference OUT_DIR
  mkdir -p "$1"
  ffmpeg -v error -y -i "$clip" \
    -filter_complex "[0:v]split=2[a][b];[a]scale=720:1280[v720];[b]scale=480:854[v480]" \
    -map "[v720]" -map 0:a -map "[v480]" -map 0:a \
    -c:v libx264 -preset veryfast -crf 23 -pix_fmt yuv420p -g 60 -keyint_min 60 -sc_threshold 0 \
    -c:a aac -b:a 128k \
    -f hls -hls_time 2 -hls_playlist_type vod -hls_segment_type fmp4 -master_pl_name master.m3u8 \
    -var_stream_map "v:0,a:0,name:720p v:1,a:1,name:480p" \
    -hls_segment_filename "$1/%v/seg%03d.m4s" "$1/%v/index.m3u8"
}

riff() {  # riff OUT_DIR
  "$RIFFD" media-job --input "$clip" --out "$1" >"$work/media-job.out"
  tail -n1 "$work/media-job.out" | grep -q '"kind":"ok"' || {
    echo "riffd media-job failed:" >&2
    tail -n3 "$work/media-job.out" >&2
    exit 1
  }
}

export -f reference riff
export clip work RIFFD
timed() {  # timed NAME FUNCTION ARG: appends "wall cpu maxrss_kb" to $work/NAME.times
  local name=$1
  shift
  /usr/bin/time -f "%e %U %S %M" -o "$work/t" bash -c '"$0" "$1"' "$@"
  awk '{printf "%s %.2f %s\n", $1, $2 + $3, $4}' "$work/t" >>"$work/$name.times"
}

for ((i = 1; i <= ROUNDS; i++)); do
  rm -rf "$work/ref" "$work/riff"
  timed ffmpeg reference "$work/ref"
  timed riff riff "$work/riff"
  echo "round $i: ffmpeg $(tail -n1 "$work/ffmpeg.times" | cut -d' ' -f1) s, riff $(tail -n1 "$work/riff.times" | cut -d' ' -f1) s"
done

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
col() { cut -d' ' -f"$2" "$work/$1.times" | median; }
f_wall=$(col ffmpeg 1) r_wall=$(col riff 1)
f_cpu=$(col ffmpeg 2) r_cpu=$(col riff 2)
f_rss=$(col ffmpeg 3) r_rss=$(col riff 3)
size() { du -sk "$1" | cut -f1; }

echo
machine_line
echo "clip: ${SECONDS_LONG} s 1080x1920 30 fps testsrc2 + tone; medians of $ROUNDS runs each, alternating"
printf '%-34s %10s %10s %10s\n' "" "wall s" "CPU s" "max RSS MB"
printf '%-34s %10s %10s %10d\n' "ffmpeg 5.1 CLI (HLS ladder only)" "$f_wall" "$f_cpu" $((f_rss / 1024))
printf '%-34s %10s %10s %10d\n' "riffd media-job (ladder+MP4+...)" "$r_wall" "$r_cpu" $((r_rss / 1024))
awk -v r="$r_wall" -v f="$f_wall" 'BEGIN {printf "riff / ffmpeg wall time: %.2fx (target: at most 1.15x)\n", r / f}'
echo "output sizes: ffmpeg $(size "$work/ref") KiB, riff HLS $(($(size "$work/riff/v720") + $(size "$work/riff/v480"))) KiB (+ MP4 $(($(stat -c %s "$work/riff/video.mp4") / 1024)) KiB)"

# Upload to playable: the same clip through a running riffd (tus upload on
# loopback, POST /api/v1/videos, then polling every 100 ms until ready).
mkdir -p "$work/data"
port=$(free_port)
start_riffd "$port" "$work/data"
api=http://127.0.0.1:$port/api/v1
token=$(riff_signup "$api" transcodebench)
start_ns=$(date +%s%N)
riff_post_clip "$api" "$token" "$clip" >/dev/null || { cat "$work/data/riffd.err" >&2; exit 1; }
end_ns=$(date +%s%N)
awk -v ns=$((end_ns - start_ns)) 'BEGIN {printf "upload to playable (%s s clip, %s): %.1f s\n", ENVIRON["SECONDS_LONG"], "SQLite, 1 node", ns / 1e9}'
