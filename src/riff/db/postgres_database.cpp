// The PostgreSQL driver: a lazily grown pool of libpq connections, each with
// its own cache of prepared statements; text parameters (binary for bytea).

#include <libpq-fe.h>

#include <charconv>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <unordered_map>

#include "riff/db/database.hpp"
#include "riff/db/driver_support.hpp"

namespace riff::db {
namespace {

struct PgConnCloser {
  void operator()(PGconn* c) const { PQfinish(c); }
};
using PgConnPtr = std::unique_ptr<PGconn, PgConnCloser>;

struct PgResultClear {
  void operator()(PGresult* r) const { PQclear(r); }
};
using PgResultPtr = std::unique_ptr<PGresult, PgResultClear>;

struct PgFree {
  void operator()(unsigned char* p) const { PQfreemem(p); }
};

struct SqlHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

// Type OIDs from pg_type.h (stable across versions).
constexpr Oid kBoolOid = 16;
constexpr Oid kByteaOid = 17;
constexpr Oid kInt8Oid = 20;
constexpr Oid kInt2Oid = 21;
constexpr Oid kInt4Oid = 23;
constexpr Oid kOidOid = 26;
constexpr Oid kFloat4Oid = 700;
constexpr Oid kFloat8Oid = 701;
constexpr Oid kNumericOid = 1700;

constexpr std::size_t kMaxCachedStatements = 256;
/// How long a caller waits for a free connection before giving up.
constexpr auto kCheckoutTimeout = std::chrono::seconds(30);
/// The advisory lock that serialises migrate() across nodes ("riffmigr").
constexpr std::string_view kMigrationLockSql = "SELECT pg_advisory_xact_lock(7595444411424533362)";

std::string trimmed(const char* s) {
  std::string out = s != nullptr ? s : "";
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

std::string sql_excerpt(std::string_view sql) {
  return detail::sql_excerpt("postgres", sql);
}

/// Maps a failed libpq call to a Status. `r` may be null (no result at all).
Status pg_error(PGconn* conn, const PGresult* r, std::string_view what) {
  if (PQstatus(conn) != CONNECTION_OK) {
    return Status::unavailable(std::string(what) +
                               ": connection lost: " + trimmed(PQerrorMessage(conn)));
  }
  const char* state = r != nullptr ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  const char* primary = r != nullptr ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
  const char* detail = r != nullptr ? PQresultErrorField(r, PG_DIAG_MESSAGE_DETAIL) : nullptr;
  std::string msg = primary != nullptr ? primary : trimmed(PQerrorMessage(conn));
  if (detail != nullptr) msg += std::string(" (") + detail + ")";
  const std::string_view s = state != nullptr ? state : "";
  if (s == "23505") return Status::conflict(std::string(kUniqueViolation) + ": " + msg);
  if (s.starts_with("23")) return Status::conflict(std::string(kConstraintViolation) + ": " + msg);
  if (s == "40001" || s == "40P01" || s == "55P03")
    return Status::retry(std::string(what) + ": " + msg);
  if (s.starts_with("08") || s.starts_with("53") || s.starts_with("57P")) {
    return Status::unavailable(std::string(what) + ": " + msg);
  }
  if (s.starts_with("22")) return Status(Code::kInvalid, "invalid data: " + msg);
  return Status::internal(std::string(what) + ": " + msg +
                          (s.empty() ? "" : " [" + std::string(s) + "]"));
}

using detail::parse_f64;
using detail::parse_i64;

/// A text-format result cell, converted by its column type.
Value cell_value(const PGresult* r, int row, int col) {
  if (PQgetisnull(r, row, col) != 0) return nullptr;
  const char* p = PQgetvalue(r, row, col);
  const std::string_view text(p, static_cast<std::size_t>(PQgetlength(r, row, col)));
  switch (PQftype(r, col)) {
    case kBoolOid:
      return std::int64_t{text == "t" ? 1 : 0};
    case kInt2Oid:
    case kInt4Oid:
    case kInt8Oid:
    case kOidOid:
      if (auto v = parse_i64(text)) return *v;
      break;
    case kFloat4Oid:
    case kFloat8Oid:
      if (auto v = parse_f64(text)) return *v;
      break;
    case kNumericOid:
      // SUM(bigint) is numeric: keep whole numbers as integers.
      if (auto v = parse_i64(text)) return *v;
      if (auto v = parse_f64(text)) return *v;
      break;
    case kByteaOid: {
      std::size_t n = 0;
      std::unique_ptr<unsigned char, PgFree> bytes(
          PQunescapeBytea(reinterpret_cast<const unsigned char*>(p), &n));
      if (bytes) return std::string(reinterpret_cast<const char*>(bytes.get()), n);
      break;
    }
    default:
      break;
  }
  return std::string(text);
}

void ignore_notice(void*, const char*) {}

/// One libpq connection with its statement cache. Used by one thread at a
/// time, while leased from the pool.
class PgSession final : public Conn {
 public:
  static Result<std::unique_ptr<PgSession>> connect(const std::string& url) {
    // Later keywords win, so settings inside the URL override these defaults.
    const char* keys[] = {"connect_timeout", "application_name", "client_encoding", "dbname",
                          nullptr};
    const char* values[] = {"10", "riffd", "UTF8", url.c_str(), nullptr};
    PgConnPtr conn(PQconnectdbParams(keys, values, 1));
    if (!conn) return Status::unavailable("connect to postgres: out of memory");
    if (PQstatus(conn.get()) != CONNECTION_OK) {
      return Status::unavailable("connect to postgres: " + trimmed(PQerrorMessage(conn.get())));
    }
    PQsetNoticeProcessor(conn.get(), ignore_notice, nullptr);
    return std::make_unique<PgSession>(std::move(conn));
  }

  explicit PgSession(PgConnPtr conn) : conn_(std::move(conn)) {}

  bool healthy() const { return PQstatus(conn_.get()) == CONNECTION_OK; }
  bool idle() const { return PQtransactionStatus(conn_.get()) == PQTRANS_IDLE; }

  void begin_use(bool in_transaction) {
    in_transaction_ = in_transaction;
    failed_ = Status::ok();
  }
  const Status& failed() const { return failed_; }

  /// Runs SQL without parameters; it may hold several statements. Returns
  /// the command tag of the last one ("COMMIT", "ROLLBACK", ...).
  Result<std::string> simple(const std::string& sql) {
    PgResultPtr r(PQexec(conn_.get(), sql.c_str()));
    const ExecStatusType st = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK && st != PGRES_EMPTY_QUERY) {
      return pg_error(conn_.get(), r.get(), sql_excerpt(sql));
    }
    return std::string(PQcmdStatus(r.get()));
  }

 protected:
  Result<Rows> query_impl(std::string_view sql, const Param* p, std::size_t n) override {
    auto r = checked_execute(sql, p, n);
    if (!r.is_ok()) return r.status();
    const PGresult* res = r->get();
    Rows rows;
    const int cols = PQnfields(res);
    const int count = PQntuples(res);
    for (int c = 0; c < cols; ++c) rows.columns.emplace_back(PQfname(res, c));
    rows.rows.reserve(static_cast<std::size_t>(count));
    for (int i = 0; i < count; ++i) {
      std::vector<Value> cells;
      cells.reserve(static_cast<std::size_t>(cols));
      for (int c = 0; c < cols; ++c) cells.push_back(cell_value(res, i, c));
      rows.rows.emplace_back(std::move(cells));
    }
    return rows;
  }

  Result<std::int64_t> exec_impl(std::string_view sql, const Param* p, std::size_t n) override {
    auto r = checked_execute(sql, p, n);
    if (!r.is_ok()) return r.status();
    return parse_i64(PQcmdTuples(r->get())).value_or(0);
  }

 private:
  struct Prepared {
    std::string name;
    std::vector<Oid> param_types;
  };

  Result<PgResultPtr> checked_execute(std::string_view sql, const Param* p, std::size_t n) {
    if (!failed_.is_ok()) return failed_.with_context("transaction aborted by an earlier error");
    auto r = execute(sql, p, n);
    if (!r.is_ok() && in_transaction_) failed_ = r.status();
    return r;
  }

  Result<PgResultPtr> execute(std::string_view sql, const Param* p, std::size_t n) {
    auto prepared = prepare(sql);
    if (!prepared.is_ok()) return prepared.status();
    const Prepared& ps = **prepared;
    if (ps.param_types.size() != n) {
      return Status::internal(sql_excerpt(sql) + ": has " + std::to_string(ps.param_types.size()) +
                              " placeholders but got " + std::to_string(n) + " parameters");
    }
    std::vector<std::string> texts(n);
    std::vector<const char*> values(n, nullptr);
    std::vector<int> lengths(n, 0);
    std::vector<int> formats(n, 0);
    for (std::size_t i = 0; i < n; ++i) {
      const Param::Value& v = p[i].value();
      if (std::holds_alternative<std::nullptr_t>(v)) continue;
      if (const auto* iv = std::get_if<std::int64_t>(&v)) {
        texts[i] = std::to_string(*iv);
      } else if (const auto* dv = std::get_if<double>(&v)) {
        texts[i] = detail::format_double(*dv);
      } else {
        const std::string_view s = std::get<std::string_view>(v);
        if (ps.param_types[i] == kByteaOid) {
          // Binary format: bytes travel as they are, NULs included.
          values[i] = s.empty() ? "" : s.data();
          lengths[i] = static_cast<int>(s.size());
          formats[i] = 1;
          continue;
        }
        if (s.find('\0') != std::string_view::npos) {
          return Status(Code::kInvalid, "invalid data: text parameter $" + std::to_string(i + 1) +
                                            " contains a NUL byte");
        }
        texts[i] = std::string(s);
      }
      values[i] = texts[i].c_str();
    }
    PgResultPtr r(PQexecPrepared(conn_.get(), ps.name.c_str(), static_cast<int>(n), values.data(),
                                 lengths.data(), formats.data(), 0));
    const ExecStatusType st = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) return r;
    const char* primary = r ? PQresultErrorField(r.get(), PG_DIAG_MESSAGE_PRIMARY) : nullptr;
    if (primary != nullptr &&
        std::string_view(primary).starts_with("cached plan must not change result type")) {
      // A migration changed a table under this statement. Forget it (the
      // server copy goes with the connection); the retry prepares afresh.
      if (auto it = cache_.find(sql); it != cache_.end()) cache_.erase(it);
      return Status::retry(sql_excerpt(sql) + ": statement invalidated by a schema change");
    }
    return pg_error(conn_.get(), r.get(), sql_excerpt(sql));
  }

  Result<const Prepared*> prepare(std::string_view sql) {
    if (auto it = cache_.find(sql); it != cache_.end()) return &it->second;
    if (cache_.size() >= kMaxCachedStatements && simple("DEALLOCATE ALL").is_ok()) cache_.clear();

    Prepared ps;
    ps.name = "s" + std::to_string(next_statement_++);
    const std::string text(sql);
    PgResultPtr r(PQprepare(conn_.get(), ps.name.c_str(), text.c_str(), 0, nullptr));
    if (!r || PQresultStatus(r.get()) != PGRES_COMMAND_OK) {
      return pg_error(conn_.get(), r.get(), sql_excerpt(sql));
    }
    // The server inferred the parameter types; bytea ones are sent as binary.
    PgResultPtr d(PQdescribePrepared(conn_.get(), ps.name.c_str()));
    if (!d || PQresultStatus(d.get()) != PGRES_COMMAND_OK) {
      return pg_error(conn_.get(), d.get(), sql_excerpt(sql));
    }
    for (int i = 0; i < PQnparams(d.get()); ++i) ps.param_types.push_back(PQparamtype(d.get(), i));
    auto [it, inserted] = cache_.emplace(text, std::move(ps));
    return &it->second;
  }

  PgConnPtr conn_;
  std::unordered_map<std::string, Prepared, SqlHash, std::equal_to<>> cache_;
  std::uint64_t next_statement_ = 0;
  bool in_transaction_ = false;
  Status failed_;
};

/// Connections, opened on demand up to `size`. acquire() blocks while all are
/// in use. A connection that broke is dropped together with the idle ones
/// (after a server restart they are all stale) and replaced on demand.
class PgPool {
 public:
  class Lease {
   public:
    Lease(PgPool* pool, std::unique_ptr<PgSession> s) : pool_(pool), s_(std::move(s)) {}
    Lease(Lease&& o) noexcept = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease() {
      if (s_) pool_->release(std::move(s_));
    }
    PgSession& operator*() const { return *s_; }
    PgSession* operator->() const { return s_.get(); }

   private:
    PgPool* pool_;
    std::unique_ptr<PgSession> s_;
  };

  PgPool(std::string url, int size) : url_(std::move(url)), size_(std::max(1, size)) {}

  Result<Lease> acquire() {
    std::unique_lock lock(mu_);
    if (!cv_.wait_for(lock, kCheckoutTimeout, [&] { return !idle_.empty() || open_ < size_; })) {
      return Status::unavailable("postgres: no free connection after 30 s (pool of " +
                                 std::to_string(size_) + ")");
    }
    if (!idle_.empty()) {
      auto s = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(s));
    }
    ++open_;
    lock.unlock();
    auto s = PgSession::connect(url_);
    if (!s.is_ok()) {
      lock.lock();
      --open_;
      lock.unlock();
      cv_.notify_one();
      return s.status();
    }
    return Lease(this, std::move(*s));
  }

 private:
  void release(std::unique_ptr<PgSession> s) {
    // A callback that threw may leave a transaction open.
    if (s->healthy() && !s->idle()) (void)s->simple("ROLLBACK");
    std::vector<std::unique_ptr<PgSession>> dropped;
    {
      std::lock_guard lock(mu_);
      if (s->healthy() && s->idle()) {
        idle_.push_back(std::move(s));
      } else {
        dropped = std::move(idle_);
        idle_.clear();
        open_ -= static_cast<int>(dropped.size()) + 1;
        dropped.push_back(std::move(s));
      }
    }
    cv_.notify_all();
    // `dropped` closes its connections here, outside the lock.
  }

  const std::string url_;
  const int size_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<PgSession>> idle_;
  int open_ = 0;
};

class PostgresDatabase final : public Database {
 public:
  PostgresDatabase(std::string url, int pool_size) : pool_(std::move(url), pool_size) {}

  Dialect dialect() const override { return Dialect::kPostgres; }

  Status transact(const std::function<Status(Conn&)>& fn) override {
    if (detail::TransactionScope::active(this)) return detail::nested_transaction_error();
    detail::TransactionScope scope(this);
    Status st;
    for (int attempt = 0; attempt < detail::kMaxAttempts; ++attempt) {
      if (attempt > 0) detail::backoff(attempt);
      auto lease = pool_.acquire();
      if (!lease.is_ok()) return lease.status();
      PgSession& s = **lease;
      s.begin_use(false);
      auto begin = s.simple("BEGIN ISOLATION LEVEL READ COMMITTED");
      if (!begin.is_ok()) {
        st = begin.status();
        // Nothing ran yet, so a stale pooled connection is safe to retry.
        if (st.code() == Code::kUnavailable || st.code() == Code::kRetry) continue;
        return st;
      }
      st = run_transaction(s, fn);
      if (st.code() != Code::kRetry) return st;
    }
    return st.with_context("gave up after " + std::to_string(detail::kMaxAttempts) + " attempts");
  }

  Result<Rows> read(const std::function<Result<Rows>(Conn&)>& fn) override {
    for (int attempt = 0;; ++attempt) {
      if (attempt > 0) detail::backoff(attempt);
      auto lease = pool_.acquire();
      if (!lease.is_ok()) return lease.status();
      PgSession& s = **lease;
      s.begin_use(false);
      Result<Rows> r = fn(s);
      if (r.is_ok() || attempt + 1 >= detail::kMaxAttempts) return r;
      const bool transient = r.status().code() == Code::kRetry ||
                             (r.status().code() == Code::kUnavailable && !s.healthy());
      if (!transient) return r;
    }
  }

  Status migrate(const std::vector<Migration>& migrations) override {
    return detail::run_migrations(
        *this, migrations,
        [](Conn& c, const Migration& m) {
          return static_cast<PgSession&>(c).simple(m.postgres_sql.value_or(m.sql)).status();
        },
        kMigrationLockSql);
  }

  Status ping() override { return query("SELECT 1").status(); }

  /// Opens one connection now so that a bad URL fails at start-up.
  Status warm_up() {
    auto lease = pool_.acquire();
    return lease.status();
  }

 private:
  static Status run_transaction(PgSession& s, const std::function<Status(Conn&)>& fn) {
    s.begin_use(true);
    // If fn throws, the lease's release rolls the transaction back.
    Status st = fn(s);
    if (st.is_ok() && !s.failed().is_ok()) st = s.failed();
    s.begin_use(false);
    if (!st.is_ok()) {
      if (st.code() == Code::kUnavailable && !s.healthy()) {
        // The connection died before COMMIT was sent: the server rolled the
        // transaction back, so running it again on a fresh connection is safe.
        return Status::retry(st.message());
      }
      (void)s.simple("ROLLBACK");
      return st;
    }
    auto tag = s.simple("COMMIT");
    if (!tag.is_ok()) {
      if (tag.status().code() == Code::kUnavailable) {
        return tag.status().with_context("commit outcome unknown");
      }
      return tag.status();
    }
    if (*tag != "COMMIT") return Status::internal("postgres rolled the transaction back at commit");
    return Status::ok();
  }

  PgPool pool_;
};

}  // namespace

Result<std::unique_ptr<Database>> open_postgres(const PostgresOptions& options) {
  auto db = std::make_unique<PostgresDatabase>(options.url, options.pool_size);
  RIFF_RETURN_IF_ERROR(db->warm_up());
  return std::unique_ptr<Database>(std::move(db));
}

}  // namespace riff::db
