#pragma once
// A database of its own for one test: a SQLite file in a temp directory, or,
// when RIFF_TEST_PG_URL is set, a PostgreSQL schema of its own (dropped at
// close). Included by *_test.cpp files only.

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <random>
#include <string>

#include "riff/db/database.hpp"

namespace riff::db::testing_support {

enum class Backend { kSqlite, kPostgres };

inline std::string backend_name(const ::testing::TestParamInfo<Backend>& info) {
  return info.param == Backend::kSqlite ? "Sqlite" : "Postgres";
}

struct ScratchDatabase {
  std::filesystem::path dir;  // the temp directory (SQLite's file lives here)
  std::unique_ptr<Database> db;
  std::unique_ptr<Database> admin;  // PostgreSQL: owns the schema
  std::string schema;

  /// Opens it with gtest assertions; skips the test (GTEST_SKIP) on
  /// PostgreSQL without RIFF_TEST_PG_URL. Callers check IsSkipped() and
  /// HasFatalFailure() after.
  void open(Backend backend, const std::string& name, int pg_pool = 10) {
    std::random_device rd;
    const std::string suffix = std::to_string(rd()) + std::to_string(rd());
    dir = std::filesystem::temp_directory_path() / ("riff-" + name + "-test-" + suffix);
    std::filesystem::create_directories(dir);
    if (backend == Backend::kSqlite) {
      auto opened = open_sqlite({.path = (dir / "riff.db").string()});
      ASSERT_TRUE(opened.is_ok()) << opened.status().message();
      db = std::move(opened).value();
      return;
    }
    const char* url = std::getenv("RIFF_TEST_PG_URL");
    if (url == nullptr || *url == '\0') GTEST_SKIP() << "RIFF_TEST_PG_URL is not set";
    auto opened_admin = open_postgres({.url = url, .pool_size = 1});
    ASSERT_TRUE(opened_admin.is_ok()) << opened_admin.status().message();
    admin = std::move(opened_admin).value();
    schema = "riff_" + name + "_test_" + suffix;
    ASSERT_TRUE(admin->exec("CREATE SCHEMA " + schema).is_ok());
    std::string scoped = url;
    scoped += scoped.find('?') == std::string::npos ? '?' : '&';
    scoped += "options=-csearch_path%3D" + schema;
    auto opened = open_postgres({.url = scoped, .pool_size = pg_pool});
    ASSERT_TRUE(opened.is_ok()) << opened.status().message();
    db = std::move(opened).value();
  }

  /// Drops the schema and the directory. `db` must be closed first.
  void close() {
    if (admin) {
      EXPECT_TRUE(admin->exec("DROP SCHEMA " + schema + " CASCADE").is_ok());
    }
    admin.reset();
    std::error_code ec;
    if (!dir.empty()) std::filesystem::remove_all(dir, ec);
  }
};

}  // namespace riff::db::testing_support
