#!/usr/bin/env bash
# Installs everything riff needs on a fresh Debian 12 machine, then the web
# client's npm packages. Idempotent: a second run only checks and exits.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  build-essential cmake ninja-build ccache pkg-config git curl ca-certificates
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev libboost-context1.81-dev
  libsqlite3-dev sqlite3 libpq-dev postgresql libhiredis-dev redis-server
  libavformat-dev libavcodec-dev libavfilter-dev libswscale-dev libswresample-dev libavutil-dev ffmpeg
  libsodium-dev libssl-dev zlib1g-dev
  libspdlog-dev libfmt-dev libtomlplusplus-dev libcli11-dev
  libtag1-dev libebur128-dev
  libcuckoo-dev libeigen3-dev libopenblas-dev libhnswlib-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  wrk nginx-light time jq
  chromium
)
# Node 20 with its own npm is on the machine image; Debian's nodejs is the fallback.
command -v npm >/dev/null || packages+=(nodejs npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
  echo "setup: installing ${#missing[@]} Debian packages: ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" = 0 ] || sudo_cmd="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo_cmd apt-get update -qq
  $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The web client and the JS test tools (tus-js-client, playwright-core, ...).
for dir in web tests; do
  if [ -f "$dir/package.json" ]; then
    if [ ! -d "$dir/node_modules" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
      echo "setup: npm ci in $dir/"
      (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
    fi
  fi
done
