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
#
# CHUNKS (default 1) splits the tracks into that many folders and runs the two
# sides in turn, folder by folder, adding up each side's time: on a shared
# machine whose load swings, both sides then meet the same swings. riffd
# imports each folder into the same data dir, as a library grows.
source "$(dirname "$0")/lib.sh"
TRACKS=${TRACKS:-100}
JOBS=${JOBS:-$(nproc)}
TRACK_SECONDS=${TRACK_SECONDS:-30}
TRANSCODE=${TRANSCODE:-1}  # 0: only tags + loudness and the re-import
CHUNKS=${CHUNKS:-1}

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
# The chunks: $lib/c0 .. c(CHUNKS-1), the files dealt out in turn.
i=0
for f in "$lib"/*.*; do
  mkdir -p "$lib/c$((i % CHUNKS))"
  mv "$f" "$lib/c$((i % CHUNKS))/"
  i=$((i + 1))
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
ffmpeg_loudness() { printf '%s\0' "$1"/* | xargs -0 -P "$JOBS" -n 1 bash -c 'ffmpeg_one_loudness "$0"'; }
ffmpeg_full() { printf '%s\0' "$1"/* | xargs -0 -P "$JOBS" -n 1 bash -c 'ffmpeg_one_full "$0"'; }
riff_import() {  # riff_import DIR DATA_DIR [--no-transcode]
  "$RIFFD" music import "$1" --data-dir "$2" --media-jobs "$JOBS" ${3:-} >"$work/import.out" 2>/dev/null || {
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

add() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a + b}'; }
f_loud=0 r_loud=0 f_full=0 r_full=0 r_again=0
for ((c = 0; c < CHUNKS; c++)); do
  f_loud=$(add "$f_loud" "$(secs ffmpeg_loudness "$lib/c$c")")
  r_loud=$(add "$r_loud" "$(secs riff_import "$lib/c$c" "$work/d1" --no-transcode)")
  if ((TRANSCODE)); then
    f_full=$(add "$f_full" "$(secs ffmpeg_full "$lib/c$c")")
    r_full=$(add "$r_full" "$(secs riff_import "$lib/c$c" "$work/d2")")
  fi
done
# The whole library again, unchanged: every file is skipped.
for ((c = 0; c < CHUNKS; c++)); do
  if ((TRANSCODE)); then
    r_again=$(add "$r_again" "$(secs riff_import "$lib/c$c" "$work/d2")")
  else
    r_again=$(add "$r_again" "$(secs riff_import "$lib/c$c" "$work/d1" --no-transcode)")
  fi
done
tail -n1 "$work/import.out"

echo
machine_line
echo "$TRACKS tracks of ${TRACK_SECONDS} s (half FLAC, half MP3), $JOBS files at a time, in $CHUNKS turn(s) a side"
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
