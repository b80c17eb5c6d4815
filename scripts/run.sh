#!/usr/bin/env bash
# Builds and runs riff on this machine with demo content:
#   scripts/run.sh [riffd serve flags...]
# Defaults: listen on 0.0.0.0:8080, data in ./riff-data (SQLite). Any flag
# given here wins over those defaults, e.g. scripts/run.sh --listen 127.0.0.1:9000
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
export CCACHE_NOHASHDIR=1
export CCACHE_BASEDIR="$PWD"
cmake --preset release
cmake --build --preset release -j "${RIFF_BUILD_JOBS:-2}" --target riffd
(cd web && npm run build)

# Defaults through the environment so that flags in "$@" override them.
export RIFF_LISTEN="${RIFF_LISTEN:-0.0.0.0:8080}"
export RIFF_DATA_DIR="${RIFF_DATA_DIR:-./riff-data}"
exec build/release/riffd serve --demo "$@"
