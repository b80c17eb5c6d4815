#!/usr/bin/env bash
# For You against simulated viewers (riffd sim-foryou): 2,000 videos from 200
# creators in 20 hidden topics (tagged #topicN) with a hidden quality, 300
# viewers with hidden tastes arriving over the run, 4 sessions x 5 pages of 10
# each. The real ForYouEngine ranks over a temporary SQLite database and
# learns from the viewers' events between pages; random, popularity (most
# completed), popular-rate (best smoothed completion rate) and an oracle that
# knows the tastes play the same viewers. Prints completion per impression
# by tenth of the run, and the swipes a new viewer needs before riff's
# completion reaches 70% of the oracle's. Sizes and seed come from VIDEOS,
# CREATORS, TOPICS, VIEWERS, SESSIONS, PAGES, PAGE and SEED; other arguments
# go to sim-foryou (e.g. --out impressions.csv, --policies riff,oracle).
source "$(dirname "$0")/lib.sh"

args=(sim-foryou --videos "${VIDEOS:-2000}" --creators "${CREATORS:-200}" --topics "${TOPICS:-20}"
  --viewers "${VIEWERS:-300}" --sessions "${SESSIONS:-4}" --pages "${PAGES:-5}" --page "${PAGE:-10}"
  --seed "${SEED:-42}" "$@")
echo "Machine: $(machine_line)"
echo "Command: $RIFFD ${args[*]}"
echo
start=$(date +%s.%N)
"$RIFFD" "${args[@]}"
echo
echo "Wall time: $(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN {printf "%.1f s", e - s}')"
