// Row conversions, Database defaults, driver dispatch and shared driver helpers.

#include "riff/db/database.hpp"

#include <algorithm>
#include <cassert>
#include <charconv>
#include <chrono>
#include <cmath>
#include <limits>
#include <random>
#include <thread>

#include "riff/db/driver_support.hpp"

namespace riff::db {
using detail::parse_f64;
using detail::parse_i64;

// NULL reads as 0, 0.0 or "" so that nullable aggregates stay convenient; use
// is_null() or the opt_* accessors to tell NULL apart.
std::int64_t Row::i64(std::size_t i) const {
  const Value& v = cells_.at(i);
  if (const auto* n = std::get_if<std::int64_t>(&v)) return *n;
  if (const auto* d = std::get_if<double>(&v)) {
    // 2^63 itself is out of range, hence the strict upper bound.
    const bool integral = std::trunc(*d) == *d && *d >= -0x1p63 && *d < 0x1p63;
    // A fractional or huge double read as an integer is a schema/code mismatch.
    assert(integral && "Row::i64 on a non-integral double");
    return integral ? static_cast<std::int64_t>(*d) : 0;
  }
  if (const auto* s = std::get_if<std::string>(&v)) {
    const auto parsed = parse_i64(*s);
    // Text that is not a decimal integer read as an integer is a code mismatch.
    assert(parsed && "Row::i64 on text that is not a decimal integer");
    return parsed.value_or(0);
  }
  return 0;
}

double Row::f64(std::size_t i) const {
  const Value& v = cells_.at(i);
  if (const auto* d = std::get_if<double>(&v)) return *d;
  if (const auto* n = std::get_if<std::int64_t>(&v)) return static_cast<double>(*n);
  if (const auto* s = std::get_if<std::string>(&v)) {
    const auto parsed = parse_f64(*s);
    // Text that is not a number read as a double is a code mismatch.
    assert(parsed && "Row::f64 on text that is not a number");
    return parsed.value_or(0.0);
  }
  return 0.0;
}

std::string Row::str(std::size_t i) const {
  const Value& v = cells_.at(i);
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  if (const auto* n = std::get_if<std::int64_t>(&v)) return std::to_string(*n);
  if (const auto* d = std::get_if<double>(&v)) return detail::format_double(*d);
  return {};
}

std::optional<std::int64_t> Row::opt_i64(std::size_t i) const {
  if (is_null(i)) return std::nullopt;
  return i64(i);
}

std::optional<std::string> Row::opt_str(std::size_t i) const {
  if (is_null(i)) return std::nullopt;
  return str(i);
}

Result<std::int64_t> Database::exec(std::string_view sql, std::initializer_list<Param> params) {
  return exec(sql, std::vector<Param>(params));
}

Result<std::int64_t> Database::exec(std::string_view sql, const std::vector<Param>& params) {
  std::int64_t changed = 0;
  Status st = transact([&](Conn& c) -> Status {
    auto r = c.exec(sql, params);
    if (r.is_ok()) changed = *r;
    return r.status();
  });
  if (!st.is_ok()) return st;
  return changed;
}

Result<std::unique_ptr<Database>> open_database(const std::string& db_url,
                                                const std::string& sqlite_path, int pool,
                                                int sqlite_cache_mib) {
  if (db_url.starts_with("postgres://") || db_url.starts_with("postgresql://")) {
    return open_postgres(PostgresOptions{.url = db_url, .pool_size = pool});
  }
  return open_sqlite(SqliteOptions{
      .path = sqlite_path, .reader_connections = pool, .cache_mib = sqlite_cache_mib});
}

namespace detail {

namespace {
constexpr std::string_view kCreateMigrationsTable =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    "version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)";
}  // namespace

void backoff(int attempt) {
  thread_local std::minstd_rand rng(
      static_cast<unsigned>(std::hash<std::thread::id>{}(std::this_thread::get_id())));
  const int base_us = 500 << std::min(attempt, 7);  // 0.5 ms .. 64 ms
  std::uniform_int_distribution<int> jitter(0, base_us);
  std::this_thread::sleep_for(std::chrono::microseconds(base_us + jitter(rng)));
}

std::int64_t wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string format_double(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  char buf[32];
  auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, d);
  // 32 bytes hold any shortest double representation.
  assert(ec == std::errc());
  return std::string(buf, ptr);
}

std::optional<std::int64_t> parse_i64(std::string_view s) {
  std::int64_t v = 0;
  const char* last = s.data() + s.size();
  auto [ptr, ec] = std::from_chars(s.data(), last, v);
  if (ec != std::errc() || ptr != last || s.empty()) return std::nullopt;
  return v;
}

std::optional<double> parse_f64(std::string_view s) {
  double v = 0;
  const char* last = s.data() + s.size();
  auto [ptr, ec] = std::from_chars(s.data(), last, v);
  if (ec != std::errc() || ptr != last || s.empty()) return std::nullopt;
  return v;
}

std::string sql_excerpt(std::string_view driver, std::string_view sql) {
  constexpr std::size_t kMax = 80;
  std::string out(sql.substr(0, kMax));
  for (char& c : out) {
    if (c == '\n' || c == '\t' || c == '\r') c = ' ';
  }
  if (sql.size() > kMax) out += "...";
  return std::string(driver) + " \"" + out + "\"";
}

namespace {
thread_local const void* t_current_db = nullptr;
}  // namespace

TransactionScope::TransactionScope(const void* db) : db_(db), previous_(t_current_db) {
  t_current_db = db_;
}

TransactionScope::~TransactionScope() {
  t_current_db = previous_;
}

bool TransactionScope::active(const void* db) {
  return t_current_db == db;
}

Status nested_transaction_error() {
  return Status::internal(
      "transact() called inside a transaction of the same database; pass the Conn down instead");
}

namespace {

Result<std::vector<const Migration*>> ordered_migrations(const std::vector<Migration>& all) {
  std::vector<const Migration*> out;
  out.reserve(all.size());
  for (const Migration& m : all) out.push_back(&m);
  std::sort(out.begin(), out.end(),
            [](const Migration* a, const Migration* b) { return a->version < b->version; });
  for (std::size_t i = 1; i < out.size(); ++i) {
    if (out[i]->version == out[i - 1]->version) {
      return Status::internal("migrations " + out[i - 1]->name + " and " + out[i]->name +
                              " share version " + std::to_string(out[i]->version));
    }
  }
  return out;
}

}  // namespace

Status run_migrations(Database& db, const std::vector<Migration>& all, const ApplyScript& apply,
                      std::string_view lock_sql) {
  RIFF_ASSIGN_OR_RETURN(std::vector<const Migration*> ordered, ordered_migrations(all));
  Status st = db.transact([&](Conn& c) -> Status {
    if (!lock_sql.empty()) RIFF_RETURN_IF_ERROR(c.query(lock_sql).status());
    return c.exec(kCreateMigrationsTable).status();
  });
  if (!st.is_ok()) return st.with_context("create schema_migrations");

  auto applied_rows = db.query("SELECT version FROM schema_migrations");
  if (!applied_rows.is_ok()) return applied_rows.status().with_context("read schema_migrations");
  std::vector<std::int64_t> applied;
  for (const Row& r : *applied_rows) applied.push_back(r.i64(0));
  std::sort(applied.begin(), applied.end());

  for (const Migration* m : ordered) {
    if (std::binary_search(applied.begin(), applied.end(), std::int64_t{m->version})) continue;
    st = db.transact([&](Conn& c) -> Status {
      if (!lock_sql.empty()) RIFF_RETURN_IF_ERROR(c.query(lock_sql).status());
      // Another node may have applied it while we were not holding the lock.
      RIFF_ASSIGN_OR_RETURN(Rows seen, c.query("SELECT 1 FROM schema_migrations WHERE version = $1",
                                               {std::int64_t{m->version}}));
      if (!seen.empty()) return Status::ok();
      RIFF_RETURN_IF_ERROR(apply(c, *m));
      return c
          .exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
                {std::int64_t{m->version}, m->name, wall_ms()})
          .status();
    });
    if (!st.is_ok()) {
      return st.with_context("migration " + std::to_string(m->version) + " (" + m->name + ")");
    }
  }
  return Status::ok();
}

}  // namespace detail
}  // namespace riff::db
