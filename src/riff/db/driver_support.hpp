#pragma once
// Pieces shared by the SQLite and PostgreSQL drivers. Internal to riff/db.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "riff/core/status.hpp"
#include "riff/db/database.hpp"

namespace riff::db::detail {

/// How many times transact() runs a callback that keeps failing with kRetry.
inline constexpr int kMaxAttempts = 10;

/// Sleeps a little longer after each failed attempt (with jitter, so that
/// competing threads do not retry in lockstep). Thread-safe.
void backoff(int attempt);

/// Milliseconds since the epoch, for schema_migrations.applied_at.
std::int64_t wall_ms();

/// The shortest text that reads back as the same double ("0.1", "1e+300").
std::string format_double(double d);

/// The whole of `s` as a decimal integer / a number; nullopt otherwise.
std::optional<std::int64_t> parse_i64(std::string_view s);
std::optional<double> parse_f64(std::string_view s);

/// A short one-line form of a statement for error messages: `sqlite "SELECT ..."`.
std::string sql_excerpt(std::string_view driver, std::string_view sql);

/// Marks the calling thread as running a transaction of `db` for the guard's
/// lifetime, so that a nested transact() on the same database (which would
/// deadlock on SQLite's writer lock) is refused instead.
class TransactionScope {
 public:
  explicit TransactionScope(const void* db);
  ~TransactionScope();
  TransactionScope(const TransactionScope&) = delete;
  TransactionScope& operator=(const TransactionScope&) = delete;

  /// True when the calling thread is already inside a transaction of `db`.
  static bool active(const void* db);

 private:
  const void* db_;
  const void* previous_;
};

/// The error transact() returns for a transaction nested in another one.
Status nested_transaction_error();

/// Runs a multi-statement migration script on the connection of a transaction.
using ApplyScript = std::function<Status(Conn&, const Migration&)>;

/// The migrate() algorithm both drivers share: creates schema_migrations,
/// then applies each unrecorded migration in version order, each in its own
/// transaction together with its schema_migrations row. `lock_sql`, when not
/// empty, runs first in every one of those transactions (PostgreSQL's
/// advisory lock), and the version is checked again under it.
Status run_migrations(Database& db, const std::vector<Migration>& all, const ApplyScript& apply,
                      std::string_view lock_sql);

}  // namespace riff::db::detail
