// The SQLite driver: one writer connection behind a mutex, a pool of
// query_only reader connections, WAL, and prepared statements cached per
// connection.

#include <sqlite3.h>

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <unordered_map>

#include "riff/db/database.hpp"
#include "riff/db/driver_support.hpp"
#include "riff/db/sql_rewrite.hpp"

namespace riff::db {
namespace {

struct SqliteCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using SqlitePtr = std::unique_ptr<sqlite3, SqliteCloser>;

struct StmtFinalizer {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};
using StmtPtr = std::unique_ptr<sqlite3_stmt, StmtFinalizer>;

/// Hash and equality that let the statement cache be searched by string_view.
struct SqlHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

/// Dynamically built SQL could grow a cache forever; past this it starts over.
constexpr std::size_t kMaxCachedStatements = 256;

/// Maps an SQLite result code (extended codes are on) to a Status.
Status sqlite_error(int rc, const std::string& msg, std::string_view what) {
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Status::retry(std::string(what) + ": " + msg);
    case SQLITE_CONSTRAINT:
      if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY) {
        return Status::conflict(std::string(kUniqueViolation) + ": " + msg);
      }
      return Status::conflict(std::string(kConstraintViolation) + ": " + msg);
    default:
      return Status::internal(std::string(what) + ": " + msg);
  }
}

Status sqlite_error(int rc, sqlite3* db, std::string_view what) {
  return sqlite_error(rc, db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc), what);
}

std::string sql_excerpt(std::string_view sql) {
  return detail::sql_excerpt("sqlite", sql);
}

/// SQLite text must be UTF-8 without NUL; anything else is bound as a blob so
/// that it reads back byte for byte.
bool is_plain_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == 0) return false;
    std::size_t len = c < 0x80           ? 1
                      : (c >> 5) == 0x6  ? 2
                      : (c >> 4) == 0xe  ? 3
                      : (c >> 3) == 0x1e ? 4
                                         : 0;
    if (len == 0 || i + len > s.size()) return false;
    for (std::size_t k = 1; k < len; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xc0) != 0x80) return false;
    }
    i += len;
  }
  return true;
}

Value column_value(sqlite3_stmt* s, int i) {
  switch (sqlite3_column_type(s, i)) {
    case SQLITE_INTEGER:
      return std::int64_t{sqlite3_column_int64(s, i)};
    case SQLITE_FLOAT:
      return sqlite3_column_double(s, i);
    case SQLITE_TEXT: {
      const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s, i));
      return std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(s, i)));
    }
    case SQLITE_BLOB: {
      const auto* p = static_cast<const char*>(sqlite3_column_blob(s, i));
      const auto n = static_cast<std::size_t>(sqlite3_column_bytes(s, i));
      return n == 0 ? std::string() : std::string(p, n);
    }
    default:
      return nullptr;
  }
}

/// One SQLite connection with its statement cache. Used by one thread at a
/// time: the writer under the writer mutex, a reader while leased.
class SqliteSession final : public Conn {
 public:
  static Result<std::unique_ptr<SqliteSession>> open(const std::string& name, int flags,
                                                     const std::vector<std::string>& pragmas) {
    sqlite3* raw = nullptr;
    const int rc = sqlite3_open_v2(name.c_str(), &raw, flags | SQLITE_OPEN_NOMUTEX, nullptr);
    SqlitePtr db(raw);
    if (rc != SQLITE_OK) return sqlite_error(rc, raw, "open " + name);
    sqlite3_extended_result_codes(raw, 1);
    auto session = std::make_unique<SqliteSession>(std::move(db));
    for (const std::string& p : pragmas) {
      RIFF_RETURN_IF_ERROR(session->exec_script(p).with_context("open " + name));
    }
    return session;
  }

  explicit SqliteSession(SqlitePtr db) : db_(std::move(db)) {}

  /// Starts a use of the connection; in a transaction a failed statement
  /// poisons the rest of it, as on PostgreSQL.
  void begin_use(bool in_transaction) {
    in_transaction_ = in_transaction;
    failed_ = Status::ok();
  }
  const Status& failed() const { return failed_; }

  /// Runs SQL that may hold several statements, without parameters.
  Status exec_script(const std::string& sql) {
    char* err = nullptr;
    const int rc = sqlite3_exec(db_.get(), sql.c_str(), nullptr, nullptr, &err);
    if (rc == SQLITE_OK) return Status::ok();
    const std::string msg = err != nullptr ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    return sqlite_error(rc, msg, sql_excerpt(sql));
  }

  /// Runs a transaction-control statement (BEGIN, COMMIT) from the cache.
  Status control(std::string_view sql) {
    return run(sql, nullptr, 0, [](sqlite3_stmt*) {}).status();
  }

  /// Rolls back the open transaction, if any. Never fails the caller: an
  /// automatic rollback by SQLite (after e.g. SQLITE_FULL) leaves none open.
  void rollback() {
    if (sqlite3_get_autocommit(db_.get()) == 0) {
      sqlite3_exec(db_.get(), "ROLLBACK", nullptr, nullptr, nullptr);
    }
  }

 protected:
  Result<Rows> query_impl(std::string_view sql, const Param* p, std::size_t n) override {
    Rows rows;
    auto r = checked_run(
        sql, p, n,
        [&](sqlite3_stmt* s) {
          const int cols = sqlite3_column_count(s);
          std::vector<Value> cells;
          cells.reserve(static_cast<std::size_t>(cols));
          for (int i = 0; i < cols; ++i) cells.push_back(column_value(s, i));
          rows.rows.emplace_back(std::move(cells));
        },
        &rows.columns);
    if (!r.is_ok()) return r.status();
    return rows;
  }

  Result<std::int64_t> exec_impl(std::string_view sql, const Param* p, std::size_t n) override {
    return checked_run(sql, p, n, [](sqlite3_stmt*) {});
  }

 private:
  struct Cached {
    StmtPtr stmt;
    std::vector<int> number_of_index;  // parameter index (1-based) - 1 -> its $n
    int max_number = 0;
  };

  /// Like run(), but refuses to run once the transaction has failed.
  template <class OnRow>
  Result<std::int64_t> checked_run(std::string_view sql, const Param* p, std::size_t n,
                                   OnRow&& on_row, std::vector<std::string>* columns = nullptr) {
    if (!failed_.is_ok()) {
      return failed_.with_context("transaction aborted by an earlier error");
    }
    auto r = run(sql, p, n, std::forward<OnRow>(on_row), columns);
    if (!r.is_ok() && in_transaction_) failed_ = r.status();
    return r;
  }

  /// Prepares (or finds) `sql`, binds, steps to the end calling `on_row` for
  /// each row, and returns the number of rows changed.
  template <class OnRow>
  Result<std::int64_t> run(std::string_view sql, const Param* p, std::size_t n, OnRow&& on_row,
                           std::vector<std::string>* columns = nullptr) {
    auto cached = prepare(sql);
    if (!cached.is_ok()) return cached.status();
    Cached& c = **cached;
    sqlite3_stmt* s = c.stmt.get();
    if (static_cast<std::size_t>(c.max_number) != n) {
      return Status::internal(sql_excerpt(sql) + ": has " + std::to_string(c.max_number) +
                              " placeholders but got " + std::to_string(n) + " parameters");
    }
    // Reset and unbind however this ends, so the cached statement holds no
    // locks and no pointers into the caller's parameters.
    struct Reset {
      sqlite3_stmt* s;
      ~Reset() {
        sqlite3_reset(s);
        sqlite3_clear_bindings(s);
      }
    } reset{s};
    for (std::size_t idx = 0; idx < c.number_of_index.size(); ++idx) {
      const int rc = bind(s, static_cast<int>(idx + 1), p[c.number_of_index[idx] - 1]);
      if (rc != SQLITE_OK) return sqlite_error(rc, db_.get(), sql_excerpt(sql));
    }
    if (columns != nullptr) {
      const int cols = sqlite3_column_count(s);
      for (int i = 0; i < cols; ++i) columns->emplace_back(sqlite3_column_name(s, i));
    }
    const sqlite3_int64 total_before = sqlite3_total_changes64(db_.get());
    for (;;) {
      const int rc = sqlite3_step(s);
      if (rc == SQLITE_ROW) {
        on_row(s);
        continue;
      }
      if (rc == SQLITE_DONE) break;
      return sqlite_error(rc, db_.get(), sql_excerpt(sql));
    }
    // sqlite3_changes64 keeps the count of the last INSERT/UPDATE/DELETE, so
    // only trust it when this statement changed something.
    if (sqlite3_total_changes64(db_.get()) == total_before) return std::int64_t{0};
    return std::int64_t{sqlite3_changes64(db_.get())};
  }

  static int bind(sqlite3_stmt* s, int idx, const Param& param) {
    return std::visit(
        [&](const auto& v) -> int {
          using T = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<T, std::nullptr_t>) {
            return sqlite3_bind_null(s, idx);
          } else if constexpr (std::is_same_v<T, std::int64_t>) {
            return sqlite3_bind_int64(s, idx, v);
          } else if constexpr (std::is_same_v<T, double>) {
            return sqlite3_bind_double(s, idx, v);
          } else {
            // An empty view may have a null data pointer, which SQLite would bind as NULL.
            const char* data = v.empty() ? "" : v.data();
            if (is_plain_utf8(v)) {
              return sqlite3_bind_text64(s, idx, data, v.size(), SQLITE_STATIC, SQLITE_UTF8);
            }
            return sqlite3_bind_blob64(s, idx, data, v.size(), SQLITE_STATIC);
          }
        },
        param.value());
  }

  Result<Cached*> prepare(std::string_view sql) {
    if (auto it = cache_.find(sql); it != cache_.end()) return &it->second;
    if (cache_.size() >= kMaxCachedStatements) cache_.clear();

    const std::string text = strip_row_locks(sql);
    sqlite3_stmt* raw = nullptr;
    const char* tail = nullptr;
    const int rc = sqlite3_prepare_v3(db_.get(), text.data(), static_cast<int>(text.size()),
                                      SQLITE_PREPARE_PERSISTENT, &raw, &tail);
    StmtPtr stmt(raw);
    if (rc != SQLITE_OK) return sqlite_error(rc, db_.get(), sql_excerpt(sql));
    if (!stmt) return Status::internal(sql_excerpt(sql) + ": no statement");
    const std::string_view rest(tail, static_cast<std::size_t>(text.data() + text.size() - tail));
    if (!is_blank_sql(rest)) {
      return Status::internal(sql_excerpt(sql) +
                              ": holds several statements; only migrations may do that");
    }
    Cached c;
    const int count = sqlite3_bind_parameter_count(stmt.get());
    for (int idx = 1; idx <= count; ++idx) {
      const char* name = sqlite3_bind_parameter_name(stmt.get(), idx);
      const auto number = placeholder_number(name != nullptr ? name : "?");
      if (!number) {
        return Status::internal(sql_excerpt(sql) + ": placeholders must be $1..$N, not " +
                                (name != nullptr ? name : "?"));
      }
      c.number_of_index.push_back(*number);
      c.max_number = std::max(c.max_number, *number);
    }
    c.stmt = std::move(stmt);
    auto [it, inserted] = cache_.emplace(std::string(sql), std::move(c));
    return &it->second;
  }

  SqlitePtr db_;  // declared first: the statements below are finalized before it closes
  std::unordered_map<std::string, Cached, SqlHash, std::equal_to<>> cache_;
  bool in_transaction_ = false;
  Status failed_;
};

/// Reader connections, handed out one per read() call.
class ReaderPool {
 public:
  void add(std::unique_ptr<SqliteSession> s) { idle_.push_back(std::move(s)); }

  std::unique_ptr<SqliteSession> acquire() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return !idle_.empty(); });
    auto s = std::move(idle_.back());
    idle_.pop_back();
    return s;
  }

  void release(std::unique_ptr<SqliteSession> s) {
    {
      std::lock_guard lock(mu_);
      idle_.push_back(std::move(s));
    }
    cv_.notify_one();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<SqliteSession>> idle_;
};

class SqliteDatabase final : public Database {
 public:
  SqliteDatabase(bool in_memory, std::unique_ptr<SqliteSession> writer,
                 std::vector<std::unique_ptr<SqliteSession>> readers)
      : in_memory_(in_memory), writer_(std::move(writer)) {
    for (auto& r : readers) readers_.add(std::move(r));
  }

  Dialect dialect() const override { return Dialect::kSqlite; }

  Status transact(const std::function<Status(Conn&)>& fn) override {
    if (detail::TransactionScope::active(this)) return detail::nested_transaction_error();
    detail::TransactionScope scope(this);
    Status st;
    for (int attempt = 0; attempt < detail::kMaxAttempts; ++attempt) {
      if (attempt > 0) detail::backoff(attempt);
      {
        std::lock_guard lock(writer_mu_);
        st = transact_once(fn);
      }
      if (st.code() != Code::kRetry) return st;
    }
    return st.with_context("gave up after " + std::to_string(detail::kMaxAttempts) + " attempts");
  }

  Result<Rows> read(const std::function<Result<Rows>(Conn&)>& fn) override {
    if (in_memory_ && detail::TransactionScope::active(this)) {
      // memdb readers wait for the writer to finish, which is this very thread.
      return Status::internal(
          "read() inside a transaction of an in-memory database would deadlock; "
          "query through the transaction's Conn");
    }
    for (int attempt = 0;; ++attempt) {
      if (attempt > 0) detail::backoff(attempt);
      auto session = readers_.acquire();
      struct Lease {
        ReaderPool& pool;
        std::unique_ptr<SqliteSession>& s;
        ~Lease() { pool.release(std::move(s)); }
      } lease{readers_, session};
      session->begin_use(false);
      Result<Rows> r = fn(*session);
      if (r.is_ok() || r.status().code() != Code::kRetry || attempt + 1 >= detail::kMaxAttempts) {
        return r;
      }
    }
  }

  Status migrate(const std::vector<Migration>& migrations) override {
    return detail::run_migrations(*this, migrations,
                                  [](Conn& c, const Migration& m) {
                                    return static_cast<SqliteSession&>(c).exec_script(m.sql);
                                  },
                                  {});
  }

  Status ping() override { return query("SELECT 1").status(); }

 private:
  Status transact_once(const std::function<Status(Conn&)>& fn) {
    SqliteSession& w = *writer_;
    w.begin_use(false);
    RIFF_RETURN_IF_ERROR(w.control("BEGIN IMMEDIATE"));
    // Rolls back on every way out that is not a commit, exceptions included.
    struct Rollback {
      SqliteSession* s;
      ~Rollback() {
        if (s != nullptr) s->rollback();
      }
    } rollback{&w};
    w.begin_use(true);
    Status st = fn(w);
    if (st.is_ok() && !w.failed().is_ok()) st = w.failed();
    if (!st.is_ok()) return st;
    w.begin_use(false);
    RIFF_RETURN_IF_ERROR(w.control("COMMIT"));
    rollback.s = nullptr;
    return Status::ok();
  }

  const bool in_memory_;
  std::mutex writer_mu_;
  std::unique_ptr<SqliteSession> writer_;
  ReaderPool readers_;
};

std::atomic<int> g_memory_db_counter{0};

/// Turns off SQLite's memory statistics before its first use. With them on,
/// every allocation of every connection takes one process-wide mutex: a
/// request's reader then waits whenever an event batch (at a lower CPU
/// priority, RouteOptions::background) is preempted while holding it. riff
/// reads no SQLite memory statistics and sets no soft heap limit.
void configure_sqlite_once() {
  static std::once_flag once;
  std::call_once(once, [] {
    // SQLITE_MISUSE when something in this process already used SQLite: the
    // statistics then stay on, which is slower but not wrong.
    (void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  });
}

}  // namespace

Result<std::unique_ptr<Database>> open_sqlite(const SqliteOptions& options) {
  configure_sqlite_once();
  const bool in_memory = options.path == ":memory:";
  std::string name = options.path;
  int flags = SQLITE_OPEN_READWRITE;
  std::vector<std::string> common = {
      "PRAGMA busy_timeout = " + std::to_string(options.busy_timeout_ms),
      "PRAGMA foreign_keys = ON",
      // PostgreSQL's LIKE is case-sensitive; make SQLite agree.
      "PRAGMA case_sensitive_like = ON",
      "PRAGMA cache_size = -" + std::to_string(std::max(1, options.cache_mib) * 1024),
  };
  std::vector<std::string> writer_pragmas = common;
  if (in_memory) {
    // The memdb VFS shares a database named "/..." between the connections of
    // this process and, unlike a shared cache, takes ordinary locks that honour
    // busy_timeout. It is freed when the last connection closes.
    name = "file:/riffmem" + std::to_string(g_memory_db_counter.fetch_add(1)) + "?vfs=memdb";
    flags |= SQLITE_OPEN_URI;
  } else {
    const auto parent = std::filesystem::path(options.path).parent_path();
    std::error_code ec;
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
    if (ec) return Status::internal("create " + parent.string() + ": " + ec.message());
    // NORMAL in WAL mode loses nothing committed when the process dies; only
    // an OS crash or power cut may drop the last transactions.
    writer_pragmas.push_back("PRAGMA journal_mode = WAL");
    writer_pragmas.push_back("PRAGMA synchronous = NORMAL");
  }
  auto writer = SqliteSession::open(name, flags | SQLITE_OPEN_CREATE, writer_pragmas);
  if (!writer.is_ok()) return writer.status();

  std::vector<std::string> reader_pragmas = common;
  reader_pragmas.push_back("PRAGMA query_only = ON");
  std::vector<std::unique_ptr<SqliteSession>> readers;
  for (int i = 0; i < std::max(1, options.reader_connections); ++i) {
    auto r = SqliteSession::open(name, flags, reader_pragmas);
    if (!r.is_ok()) return r.status();
    readers.push_back(std::move(*r));
  }
  return std::unique_ptr<Database>(
      std::make_unique<SqliteDatabase>(in_memory, std::move(*writer), std::move(readers)));
}

}  // namespace riff::db
