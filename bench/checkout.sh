#!/usr/bin/env bash
# Checkout throughput: orders/s and latency of POST /api/v1/checkout, on
# SQLite and on PostgreSQL, for
#   many  - BUYERS buyers each buying one unit of a random product among
#           SELLERS x PRODUCTS (default 10 x 10 = 100 products, as many as Vendure gets);
#   hot   - the same buyers all buying one unit of one product with
#           HOT_STOCK units (the one stock row every checkout locks).
# Seeding goes through the API (sign-ups, shops, a CSV import per shop), so
# the argon2 of sign-up is paid before the clock starts. wrk (-t1) then posts
# checkouts for WRK_DURATION at each concurrency of CONCURRENCY (default
# "1 16"), rotating buyer tokens and sending a new Idempotency-Key each time.
#
# A checkout counts when POST /checkout answers 201: its stock is held and
# the simulated gateway has authorized and captured the money. Orders become
# paid when the gateway's signed webhook is booked (a durable job, async);
# after each run the script waits until no checkout is left unpaid and
# prints how long that took ("paid in s") and the run's orders over the run
# plus that wait ("paid/s": what the node sustains end to end). For the hot
# product it prints units sold against stock, and every database ends with
# `riffd ledger verify`.
#
# VENDURE=1 also runs bench/anchors/vendure/run.sh (Vendure 3.7.3 on
# SQLite, installed in a temp dir) at the same concurrencies, and prints
# the ratio of orders/s.
source "$(dirname "$0")/lib.sh"
SELLERS=${SELLERS:-10}
PRODUCTS=${PRODUCTS:-10}
BUYERS=${BUYERS:-64}
HOT_STOCK=${HOT_STOCK:-1000000}
CONCURRENCY=${CONCURRENCY:-1 16}
DATABASES=${DATABASES:-sqlite postgres}
VENDURE=${VENDURE:-0}

bench_workdir
results=$work/results.txt
: >"$results"

# sql STATEMENT: one query against the database under test, rows on stdout.
sql() {
  if [ "$db_kind" = sqlite ]; then
    sqlite3 "$data/riff.db" "$1"
  else
    psql -qAt "$db_url" -c "$1"
  fi
}

seed() {  # seed API: sellers, products and buyers; writes tokens/variants files
  local api=$1 i j token
  echo "seeding $SELLERS sellers x $PRODUCTS products, a hot product of $HOT_STOCK units, $BUYERS buyers..." >&2
  for i in $(seq 0 "$SELLERS"); do  # seller 0 owns the hot product
    token=$(riff_signup "$api" "seller$i")
    curl -sSf -o /dev/null -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
      -d "{\"name\":\"Bench shop $i\",\"handle\":\"bench-shop-$i\",\"currency\":\"USD\"}" "$api/me/shop"
    {
      echo "product_handle,title,status,sku,price,on_hand"
      if [ "$i" = 0 ]; then
        echo "hot,Hot product,active,hot-1,1999,$HOT_STOCK"
      else
        for j in $(seq 1 "$PRODUCTS"); do echo "p$i-$j,Product $i-$j,active,sku-$i-$j,$((500 + j * 10)),100000"; done
      fi
    } >"$work/catalog-$i.csv"
    curl -sSf -o /dev/null -H "Authorization: Bearer $token" -H 'Content-Type: text/csv' \
      --data-binary @"$work/catalog-$i.csv" "$api/me/shop/products/import"
  done
  # Two sign-ups at a time: argon2 is what bounds them. (A bare `wait`
  # would also wait for riffd.)
  local pids=()
  for i in $(seq 1 "$BUYERS"); do
    riff_signup "$api" "buyer$i" >"$work/buyer-$i.token" &
    pids+=($!)
    if ((${#pids[@]} == 2)); then wait "${pids[@]}"; pids=(); fi
  done
  ((${#pids[@]} == 0)) || wait "${pids[@]}"
  cat "$work"/buyer-*.token >"$work/tokens"
  [ "$(grep -c . "$work/tokens")" = "$BUYERS" ] || { echo "some sign-ups failed" >&2; return 1; }
  sql "SELECT id FROM product_variants WHERE sku LIKE 'sku-%'" >"$work/variants-many"
  sql "SELECT id FROM product_variants WHERE sku = 'hot-1'" >"$work/variants-hot"
  hot_variant=$(cat "$work/variants-hot")
  [ "$(grep -c . "$work/variants-many")" = $((SELLERS * PRODUCTS)) ] || { echo "import incomplete" >&2; return 1; }
}

# make_lua SCENARIO: a wrk script that rotates the buyers' tokens, picks a
# random variant of the scenario, sends a fresh Idempotency-Key, and prints
# "RESULT created other duration_us p50_us p99_us" at the end.
make_lua() {
  local scenario=$1
  cat >"$work/$scenario.lua" <<LUA
local tokens = { $(awk '{printf "\"%s\",", $1}' "$work/tokens") }
local variants = { $(awk '{printf "\"%s\",", $1}' "$work/variants-$scenario") }
local address = '"shipping_address":{"name":"Bo Buyer","line1":"1 Main St","city":"Los Angeles","region":"CA","postal_code":"90001","country":"US"}'
math.randomseed(os.time())
local n = 0
local run = "$scenario-" .. os.time() .. "-" .. math.random(1, 1000000000) .. "-"
created, other = 0, 0  -- globals: done() reads them with thread:get()
local threads = {}
setup = function(thread) table.insert(threads, thread) end
request = function()
  n = n + 1
  local body = '{"items":[{"variant_id":"' .. variants[math.random(1, #variants)] .. '","quantity":1}],'
    .. address .. ',"payment_method":"tok_visa"}'
  return wrk.format("POST", "/api/v1/checkout", {
    ["Authorization"] = "Bearer " .. tokens[(n % #tokens) + 1],
    ["Idempotency-Key"] = run .. n,
    ["Content-Type"] = "application/json",
  }, body)
end
response = function(status, headers, body)
  if status == 201 then created = created + 1 else other = other + 1 end
end
done = function(summary, latency, requests)
  local c, o = 0, 0
  for _, t in ipairs(threads) do c = c + t:get("created"); o = o + t:get("other") end
  io.write(string.format("RESULT %d %d %d %d %d\n", c, o, summary.duration,
    latency:percentile(50), latency:percentile(99)))
end
LUA
}

# drain: seconds until no checkout is left waiting for its webhook.
drain() {
  local t0 left
  t0=$(date +%s.%N)
  for _ in $(seq 1 6000); do
    left=$(sql "SELECT COUNT(*) FROM checkouts WHERE state IN (0, 1)")
    [ "$left" = 0 ] && break
    sleep 0.05
  done
  [ "$left" = 0 ] || echo "$left checkouts still unpaid after 300 s" >&2
  printf '%.2f' "$(echo "$(date +%s.%N) - $t0" | bc)"
}

# measure SCENARIO CONNS: one wrk run, then the drain; appends a result row.
measure() {
  local scenario=$1 conns=$2 out created other dur p50 p99 rps paid_s
  out=$(wrk -t1 -c"$conns" -d"$WRK_DURATION" -s "$work/$scenario.lua" "$base")
  read -r created other dur p50 p99 < <(awk '/^RESULT/ {print $2, $3, $4, $5, $6}' <<<"$out")
  [ -n "$created" ] || { echo "wrk gave no result: $out" >&2; return 1; }
  [ "$other" = 0 ] || echo "$db_kind $scenario c$conns: $other checkouts were not 201" >&2
  paid_s=$(drain)
  rps=$(echo "$created * 1000000 / $dur" | bc -l)
  # Paid orders/s: the run's orders over the run plus the wait for their webhooks.
  paid_rps=$(echo "$created / ($dur / 1000000 + $paid_s)" | bc -l)
  printf '%-10s %-5s %5s %10.1f %9.1f %9.1f %8s %8s %10s %8.1f\n' "$db_kind" "$scenario" "$conns" "$rps" \
    "$(echo "$p50 / 1000" | bc -l)" "$(echo "$p99 / 1000" | bc -l)" "$created" "$other" "$paid_s" "$paid_rps" |
    tee -a "$results"
}

run_database() {
  db_kind=$1
  data=$work/data-$db_kind
  mkdir -p "$data"
  local db_args=()
  if [ "$db_kind" = postgres ]; then
    db_url=$("$ROOT/scripts/pg-test-server.sh" start "$pg_dir" 2>/dev/null) || {
      echo "no PostgreSQL here (scripts/pg-test-server.sh failed): skipped" | tee -a "$results"
      return 0
    }
    db_args=(--db "$db_url")
  fi
  local port
  port=$(free_port)
  start_riffd "$port" "$data" "${db_args[@]}"
  base="http://127.0.0.1:$port"
  seed "$base/api/v1"
  make_lua many
  make_lua hot
  # Warm-up (caches, prepared statements, connection pool), not counted.
  wrk -t1 -c16 -d2s -s "$work/many.lua" "$base" >/dev/null
  drain >/dev/null
  for scenario in many hot; do
    for conns in $CONCURRENCY; do measure "$scenario" "$conns"; done
  done
  local sold on_hand reserved
  sold=$(sql "SELECT COALESCE(SUM(quantity), 0) FROM stock_reservations WHERE variant_id = $hot_variant AND state = 1")
  read -r on_hand reserved < <(sql "SELECT on_hand, reserved FROM product_variants WHERE id = $hot_variant" | tr '|' ' ')
  echo "$db_kind hot product: $sold sold of $HOT_STOCK in stock, $on_hand left on hand, $reserved held" | tee -a "$results"
  ((sold <= HOT_STOCK && sold + on_hand == HOT_STOCK)) || echo "$db_kind: STOCK MISMATCH" | tee -a "$results"
  kill "$RIFFD_PID"
  wait "$RIFFD_PID" 2>/dev/null || true
  if "$RIFFD" ledger verify --data-dir "$data" "${db_args[@]}" >"$work/verify-$db_kind.out" 2>&1; then
    echo "$db_kind ledger verify: passed ($(tail -1 "$work/verify-$db_kind.out"))" | tee -a "$results"
  else
    echo "$db_kind ledger verify: FAILED" | tee -a "$results"
    cat "$work/verify-$db_kind.out" >&2
  fi
  [ "$db_kind" = postgres ] && "$ROOT/scripts/pg-test-server.sh" stop "$pg_dir" >/dev/null 2>&1
  return 0
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
header=$(printf '%-10s %-5s %5s %10s %9s %9s %8s %8s %10s %8s' database case conns "orders/s" "p50 ms" "p99 ms" created "not 201" "paid in s" "paid/s")
echo "$header"
for d in $DATABASES; do run_database "$d"; done
if [ "$VENDURE" = 1 ]; then
  PRODUCTS=$((SELLERS * PRODUCTS)) CONCURRENCY="$CONCURRENCY" bash "$ROOT/bench/anchors/vendure/run.sh" |
    tee "$work/vendure.txt"
fi
echo
echo "machine: $(machine_line); load average before $load_before, after $(cut -d' ' -f1-3 /proc/loadavg)"
echo "riffd $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null); wrk -t1 -d$WRK_DURATION; $SELLERS x $PRODUCTS products, $BUYERS buyers"
echo "$header"
cat "$results"
if [ "$VENDURE" = 1 ]; then
  echo
  cat "$work/vendure.txt"
  for scenario in many hot; do
    for conns in $CONCURRENCY; do
      v=$(awk -v s="$scenario" -v c="$conns" '$1 == "vendure" && $2 == s && $3 == c {print $4}' "$work/vendure.txt")
      r=$(awk -v s="$scenario" -v c="$conns" '$1 == "sqlite" && $2 == s && $3 == c {print $4}' "$results")
      if [ -n "$v" ] && [ -n "$r" ] && [ "$v" != 0.0 ]; then
        printf 'riff / Vendure, both on SQLite, %s, %s shoppers: %.1fx orders/s\n' "$scenario" "$conns" "$(echo "$r / $v" | bc -l)"
      fi
    done
  done
fi
