#!/usr/bin/env bash
# riffd music import against the ffmpeg command line doing the same work.
#
# TRACKS generated tracks (default 100; the issue's figure is for 1,000) of
# TRACK_SECONDS (default 30) each: distinct tones with tags, half FLAC and
# half MP3, made at bench time. Then, timed:
#   - riffd music import --no-transcode (tags, cover, EBU R128 loudness and
#     true peak) against `ffmpeg -af ebur128=peak=true -f null -` per file;
#   - riffd music import (plus AAC 96/160/320 kbit/s faststart MP4) against
#     one ffmpeg per file measuring loudness and writing the same three files;
#   - a re-import of the unchanged folder (incremental: nothing is decoded).
# Both sides run JOBS files at once (default: one per core), one process per
# file: riffd with --media-jobs, ffmpeg through xargs -P.
source "$(dirname "$0")/lib.sh"
TRACKS=${TRACKS:-100}
JOBS=${JOBS:-$(nproc)}
TRACK_SECONDS=${TRACK_SECONDS:-30}
TRANSCODE=${TRANSCODE:-1}  # 0: only tags + loudness and the re-import

bench_workdir
lib="$work/lib"
mkdir -p "$lib"
echo "making $TRACKS tracks of ${TRACK_SECONDS} s..."
for ((i = 0; i < TRACKS; i++)); do
  ext=flac
  codec=()
  if ((i % 2)); then ext=mp3; codec=(-c:a libmp3lame -b:a 192k); fi
  ffmpeg -v error -y -f lavfi -i "sine=frequency=$((220 + i * 3)):duration=$TRACK_SECONDS:sample_rate=44100" \
    -ac 2 -metadata title="Track $i" -metadata artist="Artist $((i % 10))" -metadata album="Album $((i % 20))" \
    -metadata track=$((i % 12 + 1)) -metadata date=2024 "${codec[@]}" "$lib/$(printf %04d $i).$ext"
done

ffmpeg_one_loudness() {
  ffmpeg -v error -nostats -i "$1" -af ebur128=peak=true -f null - 2>/dev/null
}
ffmpeg_one_full() {
  local out
  out=$(mktemp -d "$work/ref.XXXXXX")
  ffmpeg -v error -nostats -y -i "$1" -filter_complex \
    "[0:a]aresample=44100,aformat=channel_layouts=stereo,asplit=4[a][b][c][d];[d]ebur128=peak=true[m]" \
    -map "[a]" -c:a aac -b:a 96k -movflags +faststart "$out/a96.m4a" \
    -map "[b]" -c:a aac -b:a 160k -movflags +faststart "$out/a160.m4a" \
    -map "[c]" -c:a aac -b:a 320k -movflags +faststart "$out/a320.m4a" \
    -map "[m]" -f null - 2>/dev/null
  rm -rf "$out"
}
export -f ffmpeg_one_loudness ffmpeg_one_full
export work
ffmpeg_loudness() { printf '%s\0' "$lib"/* | xargs -0 -P "$JOBS" -n 1 bash -c 'ffmpeg_one_loudness "$0"'; }
ffmpeg_full() { printf '%s\0' "$lib"/* | xargs -0 -P "$JOBS" -n 1 bash -c 'ffmpeg_one_full "$0"'; }
riff_import() {  # riff_import DATA_DIR [--no-transcode]
  "$RIFFD" music import "$lib" --data-dir "$1" --media-jobs "$JOBS" ${2:-} >"$work/import.out" 2>/dev/null || {
    cat "$work/import.out" >&2
    exit 1
  }
}
secs() {  # secs CMD...: wall seconds of CMD
  local t0 t1
  t0=$(date +%s.%N)
  "$@"
  t1=$(date +%s.%N)
  awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.2f", b - a}'
}

f_loud=$(secs ffmpeg_loudness)
r_loud=$(secs riff_import "$work/d1" --no-transcode)
if ((TRANSCODE)); then
  f_full=$(secs ffmpeg_full)
  r_full=$(secs riff_import "$work/d2")
  r_again=$(secs riff_import "$work/d2")
else
  r_again=$(secs riff_import "$work/d1" --no-transcode)
fi
tail -n1 "$work/import.out"

echo
machine_line
echo "$TRACKS tracks of ${TRACK_SECONDS} s (half FLAC, half MP3), $JOBS files at a time"
printf '%-44s %10s %10s %8s\n' "" "ffmpeg s" "riffd s" "ratio"
ratio() { awk -v r="$1" -v f="$2" 'BEGIN {printf "%.2fx", r / f}'; }
printf '%-44s %10s %10s %8s\n' "tags + loudness (--no-transcode)" "$f_loud" "$r_loud" "$(ratio "$r_loud" "$f_loud")"
if ((TRANSCODE)); then
  printf '%-44s %10s %10s %8s\n' "+ AAC 96/160/320 faststart MP4" "$f_full" "$r_full" "$(ratio "$r_full" "$f_full")"
fi
printf '%-44s %10s %10s\n' "re-import, nothing changed" "-" "$r_again"
awk -v n="$TRACKS" -v r="$r_loud" 'BEGIN {printf "riffd: %.1f tracks/s without transcoding\n", n / r}'
if ((TRANSCODE)); then
  awk -v n="$TRACKS" -v r="$r_full" 'BEGIN {printf "riffd: %.1f tracks/s with transcoding\n", n / r}'
fi
