#pragma once
// The storage interface every domain module codes against.
//
// One SQL text serves both drivers: `$1`-style placeholders, parameters only,
// BIGINT for ids, counters and times (ms since the epoch), INTEGER 0/1 for
// booleans, TEXT for strings. What differs between SQLite and PostgreSQL is
// handled here in the drivers (e.g. `FOR UPDATE` is dropped on SQLite, whose
// single writer already serialises transactions) or in a migration variant.
//
// Thread safety: a Database is safe for concurrent use from any number of
// threads. A Conn handed to a transaction belongs to that call only.
//
// Portable SQL, as both drivers run it:
//   - placeholders are `$1..$N` only; each number may appear several times and
//     in any order; the parameter count must equal the highest number.
//   - `RETURNING`, `ON CONFLICT (...) DO NOTHING / DO UPDATE SET x = excluded.x`,
//     `LIMIT $n OFFSET $m`, `COUNT/SUM/MIN/MAX`, `||`, `lower()` work on both.
//   - `LIKE` is case-sensitive on both; write `lower(x) LIKE lower($1)`.
//   - where PostgreSQL cannot infer a parameter's type (`$1 IS NULL`, a bare
//     `SELECT $1`), write `CAST($1 AS BIGINT)` / `CAST($1 AS TEXT)`.
//   - ids are app-generated BIGINTs (`BIGINT PRIMARY KEY`, no SERIAL/AUTOINCREMENT).
//   - bytes: BLOB on SQLite, BYTEA on PostgreSQL (a migration with `postgres_sql`);
//     bound as a string parameter, read back as a std::string of the bytes.
//     Text parameters must not contain NUL bytes (PostgreSQL refuses them).
//
// Errors: a unique violation is Code::kConflict with a message starting with
// kUniqueViolation; any other constraint (NOT NULL, FOREIGN KEY, CHECK) is
// kConflict starting with kConstraintViolation; busy, serialization failure
// and deadlock are kRetry (transact() retries them); a lost server is
// kUnavailable; bad data for a column type on PostgreSQL is kInvalid; the
// rest, including SQL errors, is kInternal with the statement for context.

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "riff/core/status.hpp"

namespace riff::db {

enum class Dialect { kSqlite, kPostgres };

/// A bound parameter. Strings are viewed, not copied: they must outlive the call.
class Param {
 public:
  Param(std::nullptr_t) : v_(nullptr) {}
  Param(bool b) : v_(std::int64_t{b ? 1 : 0}) {}
  Param(int i) : v_(std::int64_t{i}) {}
  Param(long i) : v_(std::int64_t{i}) {}
  Param(long long i) : v_(std::int64_t{i}) {}
  Param(unsigned u) : v_(std::int64_t{u}) {}
  Param(double d) : v_(d) {}
  Param(const char* s) : v_(std::string_view(s)) {}
  Param(std::string_view s) : v_(s) {}
  Param(const std::string& s) : v_(std::string_view(s)) {}
  template <class T>
  Param(const std::optional<T>& o) : Param(o ? Param(*o) : Param(nullptr)) {}

  using Value = std::variant<std::nullptr_t, std::int64_t, double, std::string_view>;
  const Value& value() const { return v_; }

 private:
  Value v_;
};

/// A cell of a result: NULL, a 64-bit integer, a double or text/bytes.
using Value = std::variant<std::nullptr_t, std::int64_t, double, std::string>;

/// One row of a result. Accessors convert where it is lossless (an integer
/// column read as text gives its decimal form, text holding a decimal integer
/// reads as an integer) and throw std::out_of_range on a bad column index.
/// NULL reads as 0, 0.0 or ""; use is_null() or opt_* to tell it apart.
/// A lossy conversion (text "abc" or 1.5 read by i64) is a programming error:
/// it asserts in debug builds and gives 0 otherwise.
class Row {
 public:
  explicit Row(std::vector<Value> cells) : cells_(std::move(cells)) {}
  std::size_t size() const { return cells_.size(); }
  bool is_null(std::size_t i) const { return cells_.at(i).index() == 0; }
  std::int64_t i64(std::size_t i) const;
  double f64(std::size_t i) const;
  bool boolean(std::size_t i) const { return i64(i) != 0; }
  std::string str(std::size_t i) const;
  std::optional<std::int64_t> opt_i64(std::size_t i) const;
  std::optional<std::string> opt_str(std::size_t i) const;
  const Value& at(std::size_t i) const { return cells_.at(i); }

 private:
  std::vector<Value> cells_;
};

/// A fully read result set.
struct Rows {
  std::vector<std::string> columns;
  std::vector<Row> rows;

  bool empty() const { return rows.empty(); }
  std::size_t size() const { return rows.size(); }
  const Row& operator[](std::size_t i) const { return rows[i]; }
  auto begin() const { return rows.begin(); }
  auto end() const { return rows.end(); }
};

/// A connection inside a transaction (or a read). Not thread-safe; valid only
/// during the callback it was passed to.
///
/// Inside a transaction the first failed statement aborts it, on SQLite as on
/// PostgreSQL: later statements fail too and transact() rolls back and returns
/// that first error even if the callback returns ok. Avoid expected errors
/// with `ON CONFLICT ... DO NOTHING` rather than by catching them. One call
/// runs one statement; several `;`-separated statements are refused.
class Conn {
 public:
  virtual ~Conn() = default;
  Result<Rows> query(std::string_view sql, std::initializer_list<Param> params = {}) {
    return query_impl(sql, params.begin(), params.size());
  }
  Result<Rows> query(std::string_view sql, const std::vector<Param>& params) {
    return query_impl(sql, params.data(), params.size());
  }
  /// Runs a statement and returns the number of rows it changed.
  Result<std::int64_t> exec(std::string_view sql, std::initializer_list<Param> params = {}) {
    return exec_impl(sql, params.begin(), params.size());
  }
  Result<std::int64_t> exec(std::string_view sql, const std::vector<Param>& params) {
    return exec_impl(sql, params.data(), params.size());
  }

 protected:
  virtual Result<Rows> query_impl(std::string_view sql, const Param* p, std::size_t n) = 0;
  virtual Result<std::int64_t> exec_impl(std::string_view sql, const Param* p, std::size_t n) = 0;
};

/// A schema change. `sql` may hold several statements separated by ';'.
/// `postgres_sql`, when set, replaces `sql` on PostgreSQL.
struct Migration {
  int version;  // unique and increasing; each module owns a range (accounts 100-199, ...)
  std::string name;
  std::string sql;
  std::optional<std::string> postgres_sql;
};

class Database {
 public:
  virtual ~Database() = default;
  virtual Dialect dialect() const = 0;

  /// A read on a pooled connection; sees committed data.
  Result<Rows> query(std::string_view sql, std::initializer_list<Param> params = {}) {
    return read([&](Conn& c) { return c.query(sql, params); });
  }
  Result<Rows> query(std::string_view sql, const std::vector<Param>& params) {
    return read([&](Conn& c) { return c.query(sql, params); });
  }
  /// One write statement in its own transaction, retried when transient.
  Result<std::int64_t> exec(std::string_view sql, std::initializer_list<Param> params = {});
  Result<std::int64_t> exec(std::string_view sql, const std::vector<Param>& params);

  /// Runs `fn` in one transaction: commits when it returns ok, rolls back
  /// otherwise (also when `fn` throws; the exception then propagates).
  /// Re-runs `fn` from the start on transient failures (busy,
  /// serialization failure, deadlock) a bounded number of times, so `fn`
  /// must have no effects outside the database. Transactions are READ
  /// COMMITTED on PostgreSQL (lock rows with `SELECT ... FOR UPDATE`) and
  /// serial on SQLite (one writer; `FOR UPDATE` is dropped there). Calling
  /// transact() again from inside `fn` is refused with kInternal: pass the
  /// Conn down instead.
  virtual Status transact(const std::function<Status(Conn&)>& fn) = 0;

  /// transact() for a callback that produces a value.
  template <class Fn>
  auto transact_result(Fn&& fn) -> decltype(fn(std::declval<Conn&>())) {
    using R = decltype(fn(std::declval<Conn&>()));
    std::optional<R> out;
    Status st = transact([&](Conn& c) -> Status {
      out.emplace(fn(c));
      return out->status();
    });
    if (!st.is_ok()) return st;
    return std::move(*out);
  }

  /// Runs `fn` with a read connection (no transaction is held on SQLite
  /// readers beyond the statement; PostgreSQL uses autocommit). SQLite read
  /// connections are query_only, so writes belong in transact(). `fn` may be
  /// re-run on transient failures. A read from inside a transact() callback
  /// does not see that transaction's writes (and is refused on an in-memory
  /// SQLite database, where it would wait for itself): use the Conn.
  virtual Result<Rows> read(const std::function<Result<Rows>(Conn&)>& fn) = 0;

  /// Applies the migrations not yet recorded in `schema_migrations`, in
  /// version order, each in its own transaction. Safe to call from several
  /// nodes at once (PostgreSQL takes an advisory lock). A failing migration
  /// leaves no trace and its error names the version and name; later ones
  /// are not attempted. Scripts must not contain BEGIN/COMMIT, nor
  /// statements that cannot run in a transaction (CREATE INDEX CONCURRENTLY).
  virtual Status migrate(const std::vector<Migration>& migrations) = 0;

  /// A cheap round trip, for /readyz.
  virtual Status ping() = 0;
};

/// SQLite in WAL mode with synchronous=NORMAL (a killed process loses no
/// committed transaction), foreign_keys=ON and case_sensitive_like=ON. Parent
/// directories of `path` are created. ":memory:" gives a private in-process
/// database (no WAL; readers wait while a transaction is open) for tests.
struct SqliteOptions {
  std::string path;        // a file path, or ":memory:" for tests
  int reader_connections = 4;
  int busy_timeout_ms = 5000;
  // Each connection's page cache. Pages it misses are read with pread from
  // the OS's cache: For You reads a few hundred scattered rows a page, and
  // SQLite's default (2 MiB) made that a fifth of its CPU.
  int cache_mib = 32;
};
Result<std::unique_ptr<Database>> open_sqlite(const SqliteOptions& options);

/// Connections open on demand up to `pool_size`; a caller waits up to 30 s for
/// a free one, then gets kUnavailable. Connections the server dropped are
/// replaced. open_postgres() connects once to fail fast on a bad URL.
struct PostgresOptions {
  std::string url;         // postgres://user:pass@host:port/db or a libpq conninfo
  int pool_size = 8;
};
Result<std::unique_ptr<Database>> open_postgres(const PostgresOptions& options);

/// Opens PostgreSQL when `db_url` starts with postgres:// or postgresql://,
/// else SQLite at `sqlite_path`. `pool` is the connections per node:
/// PostgreSQL's pool, or SQLite's readers (SQLite has one writer besides);
/// `sqlite_cache_mib` is each SQLite connection's page cache.
Result<std::unique_ptr<Database>> open_database(const std::string& db_url,
                                                const std::string& sqlite_path, int pool = 8,
                                                int sqlite_cache_mib = 32);

/// True when a database error message means a unique constraint was violated.
/// Drivers map such errors to Code::kConflict with this prefix in the message.
inline constexpr std::string_view kUniqueViolation = "unique violation";
/// The message prefix of the other constraint violations (also kConflict).
inline constexpr std::string_view kConstraintViolation = "constraint violation";

}  // namespace riff::db
