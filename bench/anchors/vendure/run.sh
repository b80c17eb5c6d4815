#!/usr/bin/env bash
# Vendure 3.7.3, the reference of ANCHORS.md, under the checkout workload of
# bench/checkout.sh: PRODUCTS products (default 100) plus one hot product of
# HOT_STOCK units, on SQLite (better-sqlite3), driven by drive.mjs with the
# same shopper counts (CONCURRENCY, default "1 16") for WRK_DURATION.
#
# Vendure is installed outside the repo: into VENDURE_DIR when given (kept,
# and reused when it already holds @vendure/core 3.7.3), else into a temp
# dir removed at the end. As ANCHORS.md says: npm i @vendure/core@3.7.3
# better-sqlite3 sql.js typescript, then better-sqlite3 built from source
# with npm's bundled node-gyp when its binary is missing (npm 11 skips
# install scripts).
#
# Prints one line per run: "vendure SCENARIO CONNS orders/s p50_ms p99_ms done failed".
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PRODUCTS=${PRODUCTS:-100}
HOT_STOCK=${HOT_STOCK:-1000000}
BUYERS=${BUYERS:-64}
CONCURRENCY=${CONCURRENCY:-1 16}
duration=${WRK_DURATION:-10s}
duration=${duration%s}
export VENDURE_DISABLE_TELEMETRY=true

if [ -n "${VENDURE_DIR:-}" ]; then
  dir=$VENDURE_DIR
  mkdir -p "$dir"
else
  dir=$(mktemp -d)
fi
scratch=$(mktemp -d)
server_pid=
cleanup() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true  # 143 after the kill; set -e must not see it
  fi
  rm -rf "$scratch"
  if [ -z "${VENDURE_DIR:-}" ]; then rm -rf "$dir"; fi
}
trap cleanup EXIT

cd "$dir"
if ! grep -qs '"version": "3.7.3"' node_modules/@vendure/core/package.json; then
  echo "installing Vendure 3.7.3 in $dir (about 90 s)..." >&2
  [ -f package.json ] || npm init -y >/dev/null
  npm i --no-audit --no-fund @vendure/core@3.7.3 better-sqlite3 sql.js typescript >"$scratch/npm.log" 2>&1 ||
    { tail -20 "$scratch/npm.log" >&2; exit 1; }
fi
if ! node -e "new (require('better-sqlite3'))(':memory:')" 2>/dev/null; then
  echo "building better-sqlite3 from source (about 50 s)..." >&2
  gyp=$(dirname "$(readlink -f "$(command -v npm)")")/../node_modules/node-gyp/bin/node-gyp.js
  (cd node_modules/better-sqlite3 && node "$gyp" rebuild --release --nodedir=/usr) >"$scratch/gyp.log" 2>&1 ||
    { tail -20 "$scratch/gyp.log" >&2; exit 1; }
fi
cp "$HERE/vendure.js" "$HERE/drive.mjs" .

db=$scratch/vendure.sqlite
echo "seeding Vendure: $PRODUCTS products and a hot one of $HOT_STOCK units..." >&2
node vendure.js seed "$db" "$PRODUCTS" "$HOT_STOCK" >"$scratch/seed.log" 2>&1 ||
  { tail -20 "$scratch/seed.log" >&2; exit 1; }
port=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
node vendure.js serve "$db" "$port" >"$scratch/serve.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 600); do
  grep -q "now running on port" "$scratch/serve.log" && break
  sleep 0.1
done
grep -q "now running on port" "$scratch/serve.log" || { tail -20 "$scratch/serve.log" >&2; exit 1; }
url=http://127.0.0.1:$port/shop-api

node drive.mjs "$url" many 16 2 "$BUYERS" >/dev/null  # warm-up, not counted
for scenario in many hot; do
  for conns in $CONCURRENCY; do
    node drive.mjs "$url" "$scenario" "$conns" "$duration" "$BUYERS"
  done
done
# Units the hot product sold: what the stock allocations took off it.
node -e "
const db = new (require('better-sqlite3'))('$db', { readonly: true });
const v = db.prepare(\"SELECT SUM(s.stockOnHand) onHand, SUM(s.stockAllocated) allocated FROM stock_level s JOIN product_variant v ON v.id = s.productVariantId WHERE v.sku = 'hot-1'\").get();
console.log('vendure hot product: ' + v.allocated + ' allocated of ' + v.onHand + ' on hand');
"
