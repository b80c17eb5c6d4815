#pragma once
// A ledger on a scratch database (SQLite, or PostgreSQL when
// RIFF_TEST_PG_URL is set) for the ledger's tests. Included by *_test.cpp only.

#include <gtest/gtest.h>

#include <memory>

#include "riff/core/clock.hpp"
#include "riff/db/test_support.hpp"
#include "riff/ledger/ledger.hpp"
#include "riff/ledger/schema.hpp"
#include "riff/ledger/settlements.hpp"

namespace riff::ledger::testing_support {

using db::testing_support::Backend;

class LedgerFixture : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    scratch_.open(GetParam(), "ledger", 12);
    if (IsSkipped() || HasFatalFailure()) return;
    db_ = std::move(scratch_.db);
    Status st = db_->migrate(migrations());
    ASSERT_TRUE(st.is_ok()) << st.message();
    ledger_ = std::make_unique<Ledger>(*db_, ids_, clock_);
    settlements_ = std::make_unique<Settlements>(*db_, ids_, clock_, *ledger_);
  }

  void TearDown() override {
    settlements_.reset();
    ledger_.reset();
    db_.reset();
    scratch_.close();
  }

  static AccountKey platform(std::string_view kind, std::string currency = "USD") {
    return {std::string(kind), 0, std::move(currency)};
  }
  static AccountKey owned(std::string_view kind, Id owner, std::string currency = "USD") {
    return {std::string(kind), owner, std::move(currency)};
  }
  /// A buyer's captured payment: clearing debited, the buyer's payments credited.
  static TransferSpec capture(std::string key, Id buyer, std::int64_t amount) {
    TransferSpec spec;
    spec.kind = "payment_captured";
    spec.reference = key;
    spec.idempotency_key = std::move(key);
    spec.debit(platform(kGatewayClearing), amount).credit(owned(kBuyerPayments, buyer), amount);
    return spec;
  }
  std::int64_t balance(const AccountKey& key) {
    auto a = ledger_->account(key);
    EXPECT_TRUE(a.is_ok()) << a.status().message();
    return a.is_ok() && *a ? (*a)->balance() : 0;
  }

  db::testing_support::ScratchDatabase scratch_;
  std::unique_ptr<db::Database> db_;
  ManualClock clock_{1'750'000'000'000};  // after IdGenerator's epoch
  IdGenerator ids_{clock_};
  std::unique_ptr<Ledger> ledger_;
  std::unique_ptr<Settlements> settlements_;
};

}  // namespace riff::ledger::testing_support
