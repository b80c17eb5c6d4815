#pragma once
// Shared set-up for the accounts tests: a migrated SQLite database in a temp
// directory, a manual clock, the module with test-speed password hashing and
// a publisher that records what it was asked to push. Included by *_test.cpp only.

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "riff/accounts/module.hpp"
#include "riff/core/clock.hpp"
#include "riff/core/ids.hpp"
#include "riff/db/database.hpp"
#include "riff/db/test_support.hpp"

namespace riff::accounts::testing_support {

/// Records every publish() call. Thread-safe.
class RecordingPublisher final : public UserPublisher {
 public:
  void publish(Id user_id, std::string json_text) override {
    std::lock_guard lock(mu_);
    messages_.emplace_back(user_id, std::move(json_text));
  }
  std::vector<std::pair<Id, std::string>> messages() const {
    std::lock_guard lock(mu_);
    return messages_;
  }

 private:
  mutable std::mutex mu_;
  std::vector<std::pair<Id, std::string>> messages_;
};

template <class T>
T unwrap(Result<T> r) {
  if (!r) {
    ADD_FAILURE() << "unexpected error: " << r.status().message();
    throw std::runtime_error(r.status().message());
  }
  return std::move(r).value();
}

using db::testing_support::Backend;
using db::testing_support::backend_name;

/// Runs a fixture's tests on SQLite (a file) and on PostgreSQL when
/// RIFF_TEST_PG_URL is set (each test in a schema of its own).
#define RIFF_ACCOUNTS_ON_EVERY_BACKEND(Suite)                                   \
  INSTANTIATE_TEST_SUITE_P(                                                     \
      Db, Suite,                                                                \
      ::testing::Values(::riff::accounts::testing_support::Backend::kSqlite,    \
                        ::riff::accounts::testing_support::Backend::kPostgres), \
      ::riff::accounts::testing_support::backend_name)

class AccountsTest : public ::testing::TestWithParam<Backend> {
 protected:
  static constexpr std::int64_t kStartMs = 1'790'000'000'000;  // 2026-09-21

  void SetUp() override {
    scratch_.open(GetParam(), "accounts");
    if (IsSkipped() || HasFatalFailure()) return;
    dir_ = scratch_.dir;
    db_ = std::move(scratch_.db);
    Status st = db_->migrate(migrations());
    ASSERT_TRUE(st.is_ok()) << st.message();
    build(options());
  }

  void TearDown() override {
    module_.reset();
    db_.reset();
    scratch_.close();
  }

  /// The options a test starts from: cheap hashing, default throttles.
  AccountsModuleOptions options() const {
    AccountsModuleOptions o;
    o.accounts.passwords = PasswordOptions::minimum();
    o.accounts.media_dir = dir_ / "media";
    return o;
  }

  /// (Re)builds the module, e.g. with other throttle limits.
  void build(AccountsModuleOptions o) {
    module_.reset();
    module_ = std::make_unique<AccountsModule>(*db_, ids_, clock_, std::move(o), &publisher_);
  }

  AccountService& accounts() { return module_->accounts(); }
  SocialService& social() { return module_->social(); }
  NotificationService& notifications() { return module_->notifications(); }

  /// Signs up `handle` with email <handle>@example.com and password "password-<handle>".
  IssuedSession signup(const std::string& handle, const std::string& ip = "198.51.100.1") {
    return unwrap(accounts().signup(
        {handle, handle + "@example.com", "password-" + handle, std::nullopt}, {ip, "test"}));
  }
  /// A user without a session (faster to make many of).
  User make_user(const std::string& handle) {
    return unwrap(accounts().create_user(
        {handle, handle + "@example.com", "password-" + handle, std::nullopt}, Role::kUser));
  }
  User reload(Id id) { return unwrap(accounts().user(id)); }

  std::int64_t count(const std::string& table) {
    auto rows = db_->query("SELECT COUNT(*) FROM " + table);
    return rows ? (*rows)[0].i64(0) : -1;
  }

  std::filesystem::path dir_;
  ManualClock clock_{kStartMs};
  IdGenerator ids_{clock_};
  db::testing_support::ScratchDatabase scratch_;
  std::unique_ptr<db::Database> db_;
  RecordingPublisher publisher_;
  std::unique_ptr<AccountsModule> module_;
};

}  // namespace riff::accounts::testing_support
