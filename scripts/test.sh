#!/usr/bin/env bash
# The one test command: installs what is missing, builds riffd (release) and
# the web client, then runs the unit tests, the black-box API suite on SQLite
# and on PostgreSQL, and the browser end-to-end suite. Ends with one line
# "N passed, N failed[, N skipped]" over all runners, and exits non-zero when
# anything failed or could not run.
#
# Knobs (all optional):
#   RIFF_TEST_SKIP_SETUP=1   do not run scripts/setup.sh
#   RIFF_TEST_SKIP_BUILD=1   use the existing build/release and web/dist
#   RIFF_TEST_ONLY="unit api-sqlite api-postgres e2e"   run only these suites
#   RIFF_BUILD_JOBS=2        parallel compile jobs (the machines have 2 cores)
#   RIFF_TEST_KEEP=1         keep the tests' temp dirs
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

only=${RIFF_TEST_ONLY:-unit api-sqlite api-postgres e2e}
wants() { [[ " $only " == *" $1 "* ]]; }

export CCACHE_NOHASHDIR=1
export CCACHE_BASEDIR="$root"
jobs=${RIFF_BUILD_JOBS:-2}

work=$(mktemp -d "${TMPDIR:-/tmp}/riff-test.XXXXXX")
chmod 755 "$work"
pg_dir="$work/pg"
pg_started=0
cleanup() {
  if ((pg_started)); then scripts/pg-test-server.sh stop "$pg_dir" >/dev/null 2>&1 || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

passed=0
failed=0
skipped=0
problems=()

summary() {
  echo
  if ((${#problems[@]})); then
    echo "Problems:"
    printf '  - %s\n' "${problems[@]}"
  fi
  if ((skipped)); then
    echo "$passed passed, $failed failed, $skipped skipped"
  else
    echo "$passed passed, $failed failed"
  fi
}

# A step that must work for anything after it to make sense.
must() {
  local what=$1
  shift
  echo "==> $what"
  if ! "$@"; then
    problems+=("$what failed")
    failed=$((failed + 1))
    summary
    exit 1
  fi
}

if [[ ${RIFF_TEST_SKIP_SETUP:-0} != 1 ]]; then
  must "setup (scripts/setup.sh)" scripts/setup.sh
fi

if [[ ${RIFF_TEST_SKIP_BUILD:-0} != 1 ]]; then
  must "configure (cmake --preset release)" cmake --preset release
  must "build riffd and riff_unit_tests" cmake --build --preset release -j "$jobs"
  must "build the web client (npm run build in web/)" bash -c 'cd web && npm run build'
fi

# PostgreSQL for the db unit tests and the API suite on PostgreSQL.
if wants unit || wants api-postgres; then
  echo "==> start PostgreSQL (scripts/pg-test-server.sh)"
  if scripts/pg-test-server.sh start "$pg_dir" >"$work/pg-url" 2>"$work/pg-start.log"; then
    pg_started=1
    RIFF_TEST_PG_URL=$(scripts/pg-test-server.sh url "$pg_dir")
    export RIFF_TEST_PG_URL
    echo "    $RIFF_TEST_PG_URL"
  else
    cat "$work/pg-start.log"
    problems+=("PostgreSQL did not start: the PostgreSQL suites cannot run")
    failed=$((failed + 1))
  fi
fi

# Unit tests (GoogleTest through ctest).
if wants unit; then
  echo "==> unit tests (ctest)"
  log="$work/ctest.log"
  ctest --test-dir build/release --output-on-failure 2>&1 | tee "$log"
  rc=${PIPESTATUS[0]}
  line=$(grep -E '[0-9]+% tests passed, [0-9]+ tests? failed out of [0-9]+' "$log" | tail -n 1)
  if [[ -n $line ]]; then
    f=$(sed -E 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\1/' <<<"$line")
    n=$(sed -E 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\2/' <<<"$line")
    passed=$((passed + n - f))
    failed=$((failed + f))
    ((f > 0)) && problems+=("unit tests: $f of $n failed")
    ((f == 0 && rc != 0)) && { problems+=("ctest exited $rc"); failed=$((failed + 1)); }
  elif grep -q 'No tests were found' "$log"; then
    problems+=("ctest found no unit tests")
  else
    problems+=("ctest printed no summary (exit $rc)")
    failed=$((failed + 1))
  fi
fi

# Runs one node --test suite and adds its counts. $1 = label, $2 = dir under tests/.
node_suite() {
  local label=$1 dir=$2
  local tap="$work/$label.tap"
  echo "==> $label (node --test tests/$dir)"
  (cd tests && node --test --test-concurrency=1 --test-timeout=600000 \
    --test-reporter=spec --test-reporter-destination=stdout \
    --test-reporter=tap --test-reporter-destination="$tap" "$dir/")
  local rc=$?
  local p f c s
  p=$(grep -E '^# pass [0-9]+' "$tap" 2>/dev/null | tail -n 1 | awk '{print $3}')
  f=$(grep -E '^# fail [0-9]+' "$tap" 2>/dev/null | tail -n 1 | awk '{print $3}')
  c=$(grep -E '^# cancelled [0-9]+' "$tap" 2>/dev/null | tail -n 1 | awk '{print $3}')
  s=$(grep -E '^# skipped [0-9]+' "$tap" 2>/dev/null | tail -n 1 | awk '{print $3}')
  if [[ -z $p ]]; then
    problems+=("$label: node printed no summary (exit $rc)")
    failed=$((failed + 1))
    return
  fi
  passed=$((passed + p))
  failed=$((failed + ${f:-0} + ${c:-0}))
  skipped=$((skipped + ${s:-0}))
  ((${f:-0} + ${c:-0} > 0)) && problems+=("$label: ${f:-0} failed, ${c:-0} cancelled")
  if ((rc != 0 && ${f:-0} + ${c:-0} == 0)); then
    problems+=("$label: node exited $rc")
    failed=$((failed + 1))
  fi
}

if wants api-sqlite; then
  RIFF_TEST_DB=sqlite node_suite api-sqlite api
fi

if wants api-postgres; then
  if [[ -n ${RIFF_TEST_PG_URL:-} ]]; then
    RIFF_TEST_DB=postgres node_suite api-postgres api
  else
    problems+=("api-postgres: no PostgreSQL, not run")
    failed=$((failed + 1))
  fi
fi

if wants e2e; then
  RIFF_TEST_DB=sqlite node_suite e2e e2e
fi

summary
((failed == 0))
