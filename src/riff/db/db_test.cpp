// The same behaviour proved against SQLite (file and :memory:) and, when
// RIFF_TEST_PG_URL is set, PostgreSQL (each test in a schema of its own).

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <random>
#include <stdexcept>
#include <thread>

#include "riff/db/database.hpp"

namespace riff::db {
namespace {

enum class Backend { kSqliteFile, kSqliteMemory, kPostgres };

std::string backend_name(const testing::TestParamInfo<Backend>& info) {
  switch (info.param) {
    case Backend::kSqliteFile:
      return "SqliteFile";
    case Backend::kSqliteMemory:
      return "SqliteMemory";
    case Backend::kPostgres:
      return "Postgres";
  }
  return "Unknown";
}

std::string random_suffix() {
  std::random_device rd;
  std::uniform_int_distribution<std::uint64_t> dist;
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(dist(rd)));
  return buf;
}

#define ASSERT_OK(expr)                                         \
  do {                                                          \
    const ::riff::Status st_ = (expr);                          \
    ASSERT_TRUE(st_.is_ok()) << #expr << ": " << st_.message(); \
  } while (0)

template <class T>
T unwrap(Result<T> r) {
  EXPECT_TRUE(r.is_ok()) << r.status().message();
  if (!r.is_ok()) throw std::runtime_error(r.status().message());
  return std::move(r).value();
}

/// Portable test tables; the bytes column is BLOB on SQLite, BYTEA on PostgreSQL.
std::vector<Migration> base_migrations() {
  return {
      {1, "create_things",
       "CREATE TABLE things (id BIGINT PRIMARY KEY, i BIGINT, f DOUBLE PRECISION, s TEXT, "
       "b BLOB, n TEXT);"
       "CREATE TABLE users (id BIGINT PRIMARY KEY, handle TEXT NOT NULL UNIQUE);"
       "CREATE TABLE counter (id BIGINT PRIMARY KEY, n BIGINT NOT NULL);"
       "INSERT INTO counter (id, n) VALUES (1, 0)",
       "CREATE TABLE things (id BIGINT PRIMARY KEY, i BIGINT, f DOUBLE PRECISION, s TEXT, "
       "b BYTEA, n TEXT);"
       "CREATE TABLE users (id BIGINT PRIMARY KEY, handle TEXT NOT NULL UNIQUE);"
       "CREATE TABLE counter (id BIGINT PRIMARY KEY, n BIGINT NOT NULL);"
       "INSERT INTO counter (id, n) VALUES (1, 0)"},
  };
}

class DbTest : public testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    switch (GetParam()) {
      case Backend::kSqliteFile: {
        dir_ = std::filesystem::temp_directory_path() / ("riff-db-test-" + random_suffix());
        std::filesystem::create_directories(dir_);
        db_ = unwrap(open_sqlite({.path = (dir_ / "riff.db").string()}));
        break;
      }
      case Backend::kSqliteMemory:
        db_ = unwrap(open_sqlite({.path = ":memory:"}));
        break;
      case Backend::kPostgres: {
        const char* url = std::getenv("RIFF_TEST_PG_URL");
        if (url == nullptr || *url == '\0') GTEST_SKIP() << "RIFF_TEST_PG_URL is not set";
        admin_ = unwrap(open_postgres({.url = url, .pool_size = 1}));
        schema_ = "riff_test_" + random_suffix();
        ASSERT_OK(admin_->exec("CREATE SCHEMA " + schema_).status());
        std::string scoped = url;
        scoped += scoped.find('?') == std::string::npos ? '?' : '&';
        scoped += "options=-csearch_path%3D" + schema_ + "&application_name=" + schema_;
        db_ = unwrap(open_postgres({.url = scoped}));
        break;
      }
    }
    ASSERT_OK(db_->migrate(base_migrations()));
  }

  void TearDown() override {
    db_.reset();
    if (admin_) {
      EXPECT_TRUE(admin_->exec("DROP SCHEMA " + schema_ + " CASCADE").is_ok());
    }
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  std::int64_t count(const std::string& table) {
    return unwrap(db_->query("SELECT COUNT(*) FROM " + table))[0].i64(0);
  }

  std::unique_ptr<Database> db_;
  std::unique_ptr<Database> admin_;
  std::string schema_;
  std::filesystem::path dir_;
};

TEST_P(DbTest, RoundTripsEveryTypeIncludingNull) {
  const std::int64_t big = std::int64_t{1} << 62;
  const std::string unicode = "héllo wörld 🎵 日本語";
  const std::string bytes("\0\x01\xff\xfe\0abc\0", 9);
  ASSERT_OK(db_->exec("INSERT INTO things (id, i, f, s, b, n) VALUES ($1, $2, $3, $4, $5, $6)",
                      {1, big, 0.1, unicode, bytes, nullptr})
                .status());
  ASSERT_OK(db_->exec("INSERT INTO things (id, i, f, s, b, n) VALUES ($1, $2, $3, $4, $5, $6)",
                      {2, std::numeric_limits<std::int64_t>::min(), -1e300, "", std::string(),
                       std::optional<std::string>()})
                .status());

  Rows rows = unwrap(db_->query("SELECT id, i, f, s, b, n FROM things ORDER BY id"));
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows.columns, (std::vector<std::string>{"id", "i", "f", "s", "b", "n"}));
  const Row& r = rows[0];
  EXPECT_EQ(r.i64(0), 1);
  EXPECT_EQ(r.i64(1), big);
  EXPECT_EQ(r.f64(2), 0.1);
  EXPECT_EQ(r.str(3), unicode);
  EXPECT_EQ(r.str(4), bytes);
  EXPECT_TRUE(r.is_null(5));
  EXPECT_EQ(r.opt_str(5), std::nullopt);
  EXPECT_EQ(r.opt_i64(1), big);
  EXPECT_EQ(r.str(1), "4611686018427387904");  // an integer read as text gives its decimal form

  const Row& r2 = rows[1];
  EXPECT_EQ(r2.i64(1), std::numeric_limits<std::int64_t>::min());
  EXPECT_EQ(r2.f64(2), -1e300);
  EXPECT_EQ(r2.str(3), "");
  EXPECT_FALSE(r2.is_null(3));
  EXPECT_EQ(r2.str(4), "");
  EXPECT_TRUE(r2.is_null(5));

  // The same values, found by parameter, inside a transaction.
  Status st = db_->transact([&](Conn& c) -> Status {
    auto found =
        c.query("SELECT id FROM things WHERE s = $1 AND b = $2 AND i = $3", {unicode, bytes, big});
    if (!found.is_ok()) return found.status();
    EXPECT_EQ(found->size(), 1u);
    return Status::ok();
  });
  ASSERT_OK(st);
}

TEST_P(DbTest, TextHoldingAnIntegerReadsAsInteger) {
  ASSERT_OK(
      db_->exec("INSERT INTO things (id, s) VALUES ($1, $2)", {1, "-1234567890123"}).status());
  Rows rows = unwrap(db_->query("SELECT s, id FROM things"));
  EXPECT_EQ(rows[0].i64(0), -1234567890123);
  EXPECT_EQ(rows[0].f64(1), 1.0);
  EXPECT_TRUE(rows[0].boolean(1));
}

TEST_P(DbTest, PlaceholdersBindByNumberNotByPosition) {
  ASSERT_OK(db_->exec("INSERT INTO things (s, id, i) VALUES ($2, $1, $1)", {7, "seven"}).status());
  Rows rows =
      unwrap(db_->query("SELECT id, s, i FROM things WHERE s = $2 AND id = $1", {7, "seven"}));
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].i64(0), 7);
  EXPECT_EQ(rows[0].str(1), "seven");
  EXPECT_EQ(rows[0].i64(2), 7);
}

TEST_P(DbTest, WrongParameterCountIsAnError) {
  EXPECT_FALSE(db_->query("SELECT id FROM things WHERE id = $1").is_ok());
  EXPECT_FALSE(db_->query("SELECT id FROM things WHERE id = $1", {1, 2}).is_ok());
}

TEST_P(DbTest, SeveralStatementsInOneCallAreRefused) {
  auto r = db_->exec("INSERT INTO users (id, handle) VALUES (1, 'a'); DELETE FROM users");
  EXPECT_FALSE(r.is_ok());
  EXPECT_EQ(count("users"), 0);
}

TEST_P(DbTest, UniqueViolationIsConflictAndRollsBackTheTransaction) {
  ASSERT_OK(db_->exec("INSERT INTO users (id, handle) VALUES ($1, $2)", {1, "bob"}).status());
  Status st = db_->transact([](Conn& c) -> Status {
    RIFF_RETURN_IF_ERROR(
        c.exec("INSERT INTO users (id, handle) VALUES ($1, $2)", {2, "alice"}).status());
    return c.exec("INSERT INTO users (id, handle) VALUES ($1, $2)", {3, "bob"}).status();
  });
  EXPECT_EQ(st.code(), Code::kConflict);
  EXPECT_TRUE(st.message().starts_with(kUniqueViolation)) << st.message();
  EXPECT_EQ(count("users"), 1);

  auto dup_key = db_->exec("INSERT INTO users (id, handle) VALUES ($1, $2)", {1, "carol"});
  EXPECT_EQ(dup_key.status().code(), Code::kConflict);
  EXPECT_TRUE(dup_key.status().message().starts_with(kUniqueViolation));
}

TEST_P(DbTest, OtherConstraintViolationsAreConflictsToo) {
  auto r = db_->exec("INSERT INTO users (id, handle) VALUES ($1, $2)", {1, nullptr});
  EXPECT_EQ(r.status().code(), Code::kConflict);
  EXPECT_TRUE(r.status().message().starts_with(kConstraintViolation)) << r.status().message();
}

TEST_P(DbTest, TransactRollsBackWhenTheCallbackFails) {
  Status st = db_->transact([](Conn& c) -> Status {
    RIFF_RETURN_IF_ERROR(c.exec("INSERT INTO users (id, handle) VALUES (1, 'x')").status());
    RIFF_RETURN_IF_ERROR(c.exec("UPDATE counter SET n = 99").status());
    return Status::invalid("/handle", "nope");
  });
  EXPECT_EQ(st.code(), Code::kInvalid);
  EXPECT_EQ(st.message(), "nope");
  EXPECT_EQ(count("users"), 0);
  EXPECT_EQ(unwrap(db_->query("SELECT n FROM counter"))[0].i64(0), 0);
}

TEST_P(DbTest, TransactRollsBackWhenTheCallbackThrows) {
  EXPECT_THROW(db_->transact([](Conn& c) -> Status {
    (void)c.exec("INSERT INTO users (id, handle) VALUES (1, 'x')");
    throw std::runtime_error("request ended");
  }),
               std::runtime_error);
  EXPECT_EQ(count("users"), 0);
  ASSERT_OK(db_->exec("INSERT INTO users (id, handle) VALUES (2, 'y')").status());
  EXPECT_EQ(count("users"), 1);
}

TEST_P(DbTest, AFailedStatementPoisonsTheRestOfTheTransaction) {
  // PostgreSQL aborts a transaction at its first error; SQLite is made to agree.
  Status st = db_->transact([](Conn& c) -> Status {
    EXPECT_TRUE(c.exec("INSERT INTO users (id, handle) VALUES (1, 'a')").is_ok());
    EXPECT_FALSE(c.exec("INSERT INTO users (id, handle) VALUES (1, 'b')").is_ok());
    EXPECT_FALSE(c.exec("INSERT INTO users (id, handle) VALUES (2, 'c')").is_ok());
    return Status::ok();  // ignoring the errors does not commit anything
  });
  EXPECT_EQ(st.code(), Code::kConflict);
  EXPECT_EQ(count("users"), 0);
}

TEST_P(DbTest, NestedTransactIsRefused) {
  Status inner;
  Status outer = db_->transact([&](Conn&) -> Status {
    inner = db_->transact([](Conn&) { return Status::ok(); });
    return Status::ok();
  });
  ASSERT_OK(outer);
  EXPECT_EQ(inner.code(), Code::kInternal);
}

TEST_P(DbTest, ExecReportsChangedRowsAndReturningWorks) {
  for (int i = 1; i <= 3; ++i) {
    ASSERT_OK(db_->exec("INSERT INTO things (id, i) VALUES ($1, $2)", {i, i * 10}).status());
  }
  EXPECT_EQ(unwrap(db_->exec("UPDATE things SET i = i + 1 WHERE id >= $1", {2})), 2);
  EXPECT_EQ(unwrap(db_->exec("UPDATE things SET i = 0 WHERE id = $1", {42})), 0);
  EXPECT_EQ(unwrap(db_->exec("CREATE TABLE extra (id BIGINT PRIMARY KEY)")), 0);
  EXPECT_EQ(unwrap(db_->exec("INSERT INTO things (id) VALUES ($1) ON CONFLICT DO NOTHING", {1})),
            0);

  auto returned = db_->transact_result([](Conn& c) {
    return c.query("INSERT INTO users (id, handle) VALUES ($1, $2) RETURNING id, handle",
                   {5, "eve"});
  });
  ASSERT_TRUE(returned.is_ok()) << returned.status().message();
  ASSERT_EQ(returned->size(), 1u);
  EXPECT_EQ((*returned)[0].i64(0), 5);
  EXPECT_EQ((*returned)[0].str(1), "eve");

  Rows sum = unwrap(db_->query("SELECT SUM(i), COUNT(*) FROM things"));
  EXPECT_EQ(sum[0].i64(0), 10 + 21 + 31);
  EXPECT_EQ(sum[0].i64(1), 3);
}

TEST_P(DbTest, PortableIdiomsWorkOnBoth) {
  for (int i = 1; i <= 5; ++i) {
    ASSERT_OK(db_->exec("INSERT INTO things (id, i) VALUES ($1, $2)", {i, i}).status());
  }
  Rows page = unwrap(db_->query("SELECT id FROM things ORDER BY id LIMIT $1 OFFSET $2", {2, 1}));
  ASSERT_EQ(page.size(), 2u);
  EXPECT_EQ(page[0].i64(0), 2);

  // An optional filter: the parameter's type is spelled out for PostgreSQL.
  const std::optional<std::int64_t> none;
  EXPECT_EQ(unwrap(db_->query("SELECT id FROM things WHERE CAST($1 AS BIGINT) IS NULL OR id = $1",
                              {none}))
                .size(),
            5u);
  EXPECT_EQ(unwrap(db_->query("SELECT id FROM things WHERE CAST($1 AS BIGINT) IS NULL OR id = $1",
                              {std::optional<std::int64_t>(3)}))
                .size(),
            1u);

  ASSERT_OK(db_->exec("INSERT INTO things (id, i) VALUES ($1, $2) "
                      "ON CONFLICT (id) DO UPDATE SET i = things.i + excluded.i",
                      {1, 100})
                .status());
  EXPECT_EQ(unwrap(db_->query("SELECT i FROM things WHERE id = 1"))[0].i64(0), 101);
  Rows agg = unwrap(db_->query("SELECT MAX(i), MIN(s), COUNT(s) FROM things"));
  EXPECT_EQ(agg[0].i64(0), 101);
  EXPECT_TRUE(agg[0].is_null(1));
  EXPECT_EQ(agg[0].i64(2), 0);
}

TEST_P(DbTest, LikeIsCaseSensitiveOnBothAndLowerMakesItInsensitive) {
  ASSERT_OK(db_->exec("INSERT INTO users (id, handle) VALUES (1, 'BobRoss')").status());
  EXPECT_EQ(unwrap(db_->query("SELECT id FROM users WHERE handle LIKE $1", {"bob%"})).size(), 0u);
  EXPECT_EQ(unwrap(db_->query("SELECT id FROM users WHERE lower(handle) LIKE lower($1)", {"bob%"}))
                .size(),
            1u);
}

TEST_P(DbTest, ConcurrentIncrementsAreNotLost) {
  constexpr int kThreads = 8;
  constexpr int kPerThread = 200;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kPerThread; ++i) {
        Status st = db_->transact(
            [](Conn& c) { return c.exec("UPDATE counter SET n = n + 1 WHERE id = 1").status(); });
        if (!st.is_ok()) failures++;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(unwrap(db_->query("SELECT n FROM counter WHERE id = 1"))[0].i64(0), 1600);
}

TEST_P(DbTest, ReadThenWriteUnderForUpdateIsNotLost) {
  constexpr int kThreads = 8;
  constexpr int kPerThread = 200;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kPerThread; ++i) {
        Status st = db_->transact([](Conn& c) -> Status {
          RIFF_ASSIGN_OR_RETURN(Rows rows,
                                c.query("SELECT n FROM counter WHERE id = $1 FOR UPDATE", {1}));
          return c.exec("UPDATE counter SET n = $1 WHERE id = $2", {rows[0].i64(0) + 1, 1})
              .status();
        });
        if (!st.is_ok()) failures++;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(unwrap(db_->query("SELECT n FROM counter WHERE id = 1"))[0].i64(0), 1600);
}

TEST_P(DbTest, SkipLockedAndOtherLockClausesRun) {
  ASSERT_OK(db_->transact([](Conn& c) -> Status {
    RIFF_RETURN_IF_ERROR(
        c.query("SELECT id FROM counter WHERE n >= $1 ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED",
                {0})
            .status());
    RIFF_RETURN_IF_ERROR(c.query("SELECT id FROM counter c FOR UPDATE OF c NOWAIT").status());
    return c.query("select n from counter for share").status();
  }));
}

TEST_P(DbTest, ReadersSeeCommittedDataOnly) {
  // Memory databases block readers during a write (no WAL), so only check after.
  const bool check_during = GetParam() != Backend::kSqliteMemory;
  Status st = db_->transact([&](Conn& c) -> Status {
    RIFF_RETURN_IF_ERROR(c.exec("INSERT INTO users (id, handle) VALUES (1, 'a')").status());
    if (check_during) {
      std::int64_t seen = -1;
      std::thread reader([&] { seen = count("users"); });
      reader.join();
      EXPECT_EQ(seen, 0);
    }
    return Status::ok();
  });
  ASSERT_OK(st);
  EXPECT_EQ(count("users"), 1);
  Rows rows = unwrap(db_->read([](Conn& c) { return c.query("SELECT handle FROM users"); }));
  EXPECT_EQ(rows[0].str(0), "a");
}

TEST_P(DbTest, MigrateAppliesInVersionOrderAndIsIdempotent) {
  std::vector<Migration> more = {
      {11, "fill_tags", "INSERT INTO tags (id, name) VALUES (1, 'first')", std::nullopt},
      {10, "create_tags", "CREATE TABLE tags (id BIGINT PRIMARY KEY, name TEXT NOT NULL)",
       std::nullopt},
  };
  auto all = base_migrations();
  all.insert(all.end(), more.begin(), more.end());
  ASSERT_OK(db_->migrate(all));
  ASSERT_OK(db_->migrate(all));  // a second run applies nothing (the insert would conflict)

  Rows applied = unwrap(db_->query("SELECT version, name FROM schema_migrations ORDER BY version"));
  ASSERT_EQ(applied.size(), 3u);
  EXPECT_EQ(applied[1].i64(0), 10);
  EXPECT_EQ(applied[1].str(1), "create_tags");
  EXPECT_EQ(applied[2].i64(0), 11);
  EXPECT_EQ(count("tags"), 1);
}

TEST_P(DbTest, AFailingMigrationLeavesNoTrace) {
  std::vector<Migration> all = base_migrations();
  all.push_back({20, "half_broken",
                 "CREATE TABLE half (id BIGINT PRIMARY KEY); INSERT INTO missing VALUES (1)",
                 std::nullopt});
  Status st = db_->migrate(all);
  ASSERT_FALSE(st.is_ok());
  EXPECT_NE(st.message().find("20"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("half_broken"), std::string::npos) << st.message();
  EXPECT_FALSE(db_->query("SELECT COUNT(*) FROM half").is_ok());
  EXPECT_EQ(count("schema_migrations"), 1);

  all.back().sql = "CREATE TABLE half (id BIGINT PRIMARY KEY)";
  ASSERT_OK(db_->migrate(all));
  EXPECT_EQ(count("half"), 0);
  EXPECT_EQ(count("schema_migrations"), 2);
}

TEST_P(DbTest, ConcurrentMigrateAppliesOnce) {
  std::vector<Migration> all = base_migrations();
  all.push_back({30, "once", "INSERT INTO users (id, handle) VALUES (30, 'once')", std::nullopt});
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] {
      if (!db_->migrate(all).is_ok()) failures++;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(count("users"), 1);
}

TEST_P(DbTest, DuplicateMigrationVersionsAreRefused) {
  std::vector<Migration> all = {{5, "a", "SELECT 1", std::nullopt},
                                {5, "b", "SELECT 1", std::nullopt}};
  EXPECT_FALSE(db_->migrate(all).is_ok());
}

TEST_P(DbTest, Ping) {
  ASSERT_OK(db_->ping());
}

TEST_P(DbTest, ConnectionsKilledByTheServerAreReplaced) {
  if (GetParam() != Backend::kPostgres) GTEST_SKIP() << "PostgreSQL only";
  // Fill the pool with several idle connections, then have the server end them all.
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] { EXPECT_TRUE(db_->ping().is_ok()); });
  }
  for (auto& t : threads) t.join();
  Rows killed = unwrap(admin_->query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1",
      {schema_}));
  ASSERT_GE(killed.size(), 1u);

  EXPECT_EQ(count("users"), 0);
  ASSERT_OK(
      admin_
          ->query(
              "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1",
              {schema_})
          .status());
  ASSERT_OK(db_->exec("INSERT INTO users (id, handle) VALUES (1, 'back')").status());
  EXPECT_EQ(count("users"), 1);

  // Killed in the middle of a transaction: the whole callback runs again.
  int runs = 0;
  ASSERT_OK(db_->transact([&](Conn& c) -> Status {
    ++runs;
    RIFF_RETURN_IF_ERROR(c.exec("INSERT INTO users (id, handle) VALUES (2, 'again')").status());
    if (runs == 1) {
      RIFF_RETURN_IF_ERROR(c.query("SELECT pg_terminate_backend(pg_backend_pid())").status());
    }
    return Status::ok();
  }));
  EXPECT_EQ(runs, 2);
  EXPECT_EQ(count("users"), 2);
}

TEST_P(DbTest, DialectIsReported) {
  EXPECT_EQ(db_->dialect(),
            GetParam() == Backend::kPostgres ? Dialect::kPostgres : Dialect::kSqlite);
}

INSTANTIATE_TEST_SUITE_P(Drivers, DbTest,
                         testing::Values(Backend::kSqliteFile, Backend::kSqliteMemory,
                                         Backend::kPostgres),
                         backend_name);

TEST(SqliteDatabase, CommittedDataSurvivesReopen) {
  const auto dir = std::filesystem::temp_directory_path() / ("riff-db-test-" + random_suffix());
  const std::string path = (dir / "nested" / "riff.db").string();  // parents are created
  {
    auto db = unwrap(open_database("", path));
    ASSERT_OK(db->migrate(base_migrations()));
    ASSERT_OK(db->exec("INSERT INTO users (id, handle) VALUES (1, 'kept')").status());
  }
  {
    auto db = unwrap(open_database("", path));
    EXPECT_EQ(db->dialect(), Dialect::kSqlite);
    Rows rows = unwrap(db->query("SELECT handle FROM users"));
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0].str(0), "kept");
    Rows mode = unwrap(db->query("PRAGMA journal_mode"));
    EXPECT_EQ(mode[0].str(0), "wal");
  }
  std::filesystem::remove_all(dir);
}

TEST(SqliteDatabase, EveryConnectionHasTheConfiguredPageCache) {
  const auto dir = std::filesystem::temp_directory_path() / ("riff-db-test-" + random_suffix());
  const std::string path = (dir / "riff.db").string();
  auto db = unwrap(open_database("", path, 2, 48));
  // Negative: KiB rather than pages.
  EXPECT_EQ(unwrap(db->query("PRAGMA cache_size"))[0].i64(0), -48 * 1024) << "a reader";
  std::int64_t writer = 0;
  ASSERT_OK(db->transact([&](Conn& c) -> Status {
    RIFF_ASSIGN_OR_RETURN(Rows rows, c.query("PRAGMA cache_size"));
    writer = rows[0].i64(0);
    return Status::ok();
  }));
  EXPECT_EQ(writer, -48 * 1024) << "the writer";
  db.reset();
  EXPECT_EQ(unwrap(unwrap(open_database("", path))->query("PRAGMA cache_size"))[0].i64(0),
            -32 * 1024)
      << "the default";
  std::filesystem::remove_all(dir);
}

TEST(SqliteDatabase, CommittedDataSurvivesAKilledProcess) {
  const auto dir = std::filesystem::temp_directory_path() / ("riff-db-test-" + random_suffix());
  const std::string path = (dir / "riff.db").string();
  const pid_t child = fork();
  ASSERT_NE(child, -1);
  if (child == 0) {
    // The child commits, then dies without closing anything.
    auto db = open_sqlite({.path = path});
    if (!db.is_ok() || !(*db)->migrate(base_migrations()).is_ok()) _exit(1);
    for (int i = 1; i <= 50; ++i) {
      if (!(*db)
               ->exec("INSERT INTO users (id, handle) VALUES ($1, $2)", {i, std::to_string(i)})
               .is_ok()) {
        _exit(1);
      }
    }
    raise(SIGKILL);
  }
  int wstatus = 0;
  ASSERT_EQ(waitpid(child, &wstatus, 0), child);
  ASSERT_TRUE(WIFSIGNALED(wstatus)) << "child failed before it was killed";
  auto db = unwrap(open_sqlite({.path = path}));
  EXPECT_EQ(unwrap(db->query("SELECT COUNT(*) FROM users"))[0].i64(0), 50);
  db.reset();
  std::filesystem::remove_all(dir);
}

TEST(SqliteDatabase, TwoDatabasesOnOneFileSerialiseTheirWriters) {
  // As two processes would: each has its own writer lock; the file lock and
  // busy_timeout order them.
  const auto dir = std::filesystem::temp_directory_path() / ("riff-db-test-" + random_suffix());
  const std::string path = (dir / "riff.db").string();
  auto a = unwrap(open_sqlite({.path = path}));
  ASSERT_OK(a->migrate(base_migrations()));
  auto b = unwrap(open_sqlite({.path = path}));
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    Database* db = t % 2 == 0 ? a.get() : b.get();
    threads.emplace_back([&failures, db] {
      for (int i = 0; i < 100; ++i) {
        Status st = db->transact([](Conn& c) -> Status {
          RIFF_ASSIGN_OR_RETURN(Rows rows, c.query("SELECT n FROM counter WHERE id = 1"));
          return c.exec("UPDATE counter SET n = $1 WHERE id = 1", {rows[0].i64(0) + 1}).status();
        });
        if (!st.is_ok()) failures++;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(unwrap(b->query("SELECT n FROM counter"))[0].i64(0), 800);
  a.reset();
  b.reset();
  std::filesystem::remove_all(dir);
}

TEST(SqliteDatabase, ReadConnectionsCannotWrite) {
  auto db = unwrap(open_sqlite({.path = ":memory:"}));
  ASSERT_OK(db->migrate(base_migrations()));
  auto r = db->read([](Conn& c) -> Result<Rows> {
    RIFF_RETURN_IF_ERROR(c.exec("DELETE FROM counter").status());
    return Rows{};
  });
  EXPECT_FALSE(r.is_ok());
  EXPECT_EQ(unwrap(db->query("SELECT COUNT(*) FROM counter"))[0].i64(0), 1);
}

TEST(SqliteDatabase, ReadInsideATransactionOfAMemoryDatabaseFailsFast) {
  auto db = unwrap(open_sqlite({.path = ":memory:"}));
  ASSERT_OK(db->migrate(base_migrations()));
  Status inner;
  ASSERT_OK(db->transact([&](Conn& c) -> Status {
    RIFF_RETURN_IF_ERROR(c.exec("UPDATE counter SET n = 1").status());
    inner = db->query("SELECT n FROM counter").status();
    return Status::ok();
  }));
  EXPECT_EQ(inner.code(), Code::kInternal);
}

TEST(SqliteDatabase, OtherPlaceholderStylesAreRefused) {
  auto db = unwrap(open_sqlite({.path = ":memory:"}));
  EXPECT_FALSE(db->query("SELECT ?", {1}).is_ok());
  EXPECT_FALSE(db->query("SELECT :name", {1}).is_ok());
}

TEST(PostgresDatabase, UnreachableServerIsUnavailable) {
  auto db = open_postgres({.url = "postgres://nobody@127.0.0.1:1/none?connect_timeout=2"});
  ASSERT_FALSE(db.is_ok());
  EXPECT_EQ(db.status().code(), Code::kUnavailable);
}

TEST(DbRow, ConvertsWhereLossless) {
  Row r({Value{std::int64_t{42}}, Value{2.5}, Value{std::string("17")}, Value{nullptr},
         Value{std::string("0.25")}, Value{3.0}});
  EXPECT_EQ(r.str(0), "42");
  EXPECT_EQ(r.f64(0), 42.0);
  EXPECT_EQ(r.str(1), "2.5");
  EXPECT_EQ(r.i64(2), 17);
  EXPECT_EQ(r.f64(4), 0.25);
  EXPECT_EQ(r.i64(5), 3);
  EXPECT_TRUE(r.is_null(3));
  EXPECT_EQ(r.opt_i64(3), std::nullopt);
  EXPECT_EQ(r.opt_str(3), std::nullopt);
  EXPECT_EQ(r.opt_i64(0), 42);
  EXPECT_EQ(r.opt_str(2), "17");
}

}  // namespace
}  // namespace riff::db
