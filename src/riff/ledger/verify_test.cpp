// `riffd ledger verify` finds each corruption that raw SQL can inject, and
// passes on a healthy ledger. On SQLite, and on PostgreSQL when
// RIFF_TEST_PG_URL is set.

#include "riff/ledger/verify.hpp"

#include <sqlite3.h>

#include <set>

#include "riff/ledger/test_support.hpp"

namespace riff::ledger {
namespace {

using testing_support::Backend;
using testing_support::LedgerFixture;

class LedgerVerifyTest : public LedgerFixture {
 protected:
  void SetUp() override {
    LedgerFixture::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    auto tx = ledger_->post(capture("pay:1", 42, 1000));
    ASSERT_TRUE(tx.is_ok()) << tx.status().message();
    tx_ = *tx;
    TransferSpec settle;
    settle.kind = "order_paid";
    settle.idempotency_key = "order:1";
    settle.debit(owned(kBuyerPayments, 42), 1000).credit(owned(kSellerAvailable, 7), 1000);
    ASSERT_TRUE(ledger_->post(settle).is_ok());
    auto report = verify(*db_);
    ASSERT_TRUE(report.is_ok());
    ASSERT_TRUE(report->ok()) << format_report(*report);
  }

  void sql(const std::string& statement, std::initializer_list<db::Param> params = {}) {
    auto r = db_->exec(statement, params);
    ASSERT_TRUE(r.is_ok()) << statement << ": " << r.status().message();
  }

  /// Runs `statement` with foreign keys off (SQLite: a raw connection of
  /// its own; PostgreSQL: the constraint dropped first).
  void without_foreign_keys(const std::string& statement) {
    if (GetParam() == Backend::kSqlite) {
      sqlite3* raw = nullptr;
      ASSERT_EQ(sqlite3_open((scratch_.dir / "riff.db").c_str(), &raw), SQLITE_OK);
      ASSERT_EQ(sqlite3_exec(raw, "PRAGMA busy_timeout = 5000", nullptr, nullptr, nullptr),
                SQLITE_OK);
      char* error = nullptr;
      const int rc = sqlite3_exec(raw, statement.c_str(), nullptr, nullptr, &error);
      EXPECT_EQ(rc, SQLITE_OK) << (error ? error : "");
      sqlite3_free(error);
      sqlite3_close(raw);
      return;
    }
    sql("ALTER TABLE ledger_entries DROP CONSTRAINT ledger_entries_transaction_id_fkey");
    sql(statement);
  }

  /// The invariants the report says failed.
  std::set<std::string> failed() {
    auto report = verify(*db_);
    EXPECT_TRUE(report.is_ok()) << report.status().message();
    std::set<std::string> out;
    if (!report) return out;
    for (const auto& v : report->violations) out.insert(v.invariant);
    EXPECT_FALSE(format_report(*report).find("FAILED") == std::string::npos);
    return out;
  }

  Transaction tx_;
};

TEST_P(LedgerVerifyTest, AnEntryChangedAfterTheFactUnbalancesItsTransaction) {
  sql("UPDATE ledger_entries SET amount = amount + 1 WHERE id = $1", {tx_.entries[0].id});
  EXPECT_EQ(failed(), (std::set<std::string>{"balanced", "cached_balance"}));
}

TEST_P(LedgerVerifyTest, ACachedBalanceThatDriftedFromItsEntries) {
  sql("UPDATE ledger_accounts SET net = net + 5 WHERE id = $1", {tx_.entries[0].account_id});
  EXPECT_EQ(failed(), std::set<std::string>{"cached_balance"});
}

TEST_P(LedgerVerifyTest, ATransactionWithoutEntries) {
  sql("INSERT INTO ledger_transactions (id, kind, reference, idempotency_key, fingerprint,"
      " memo, created_at) VALUES (1, 'x', '', 'lonely', '', '', 0)");
  EXPECT_EQ(failed(), std::set<std::string>{"two_entries"});
}

TEST_P(LedgerVerifyTest, AnEntryWhoseTransactionIsGone) {
  without_foreign_keys("DELETE FROM ledger_transactions WHERE id = " + std::to_string(tx_.id));
  EXPECT_TRUE(failed().contains("orphan_entry"));
}

TEST_P(LedgerVerifyTest, AnIdempotencyKeyUsedTwice) {
  sql("DROP INDEX ledger_transactions_key");
  sql("INSERT INTO ledger_transactions (id, kind, reference, idempotency_key, fingerprint,"
      " memo, created_at) VALUES (1, 'x', '', 'pay:1', '', '', 0)");
  EXPECT_TRUE(failed().contains("idempotency"));
}

TEST_P(LedgerVerifyTest, ANeverNegativeAccountBelowZero) {
  // A balanced pair of raw entries that overdraws the seller's available balance.
  sql("INSERT INTO ledger_transactions (id, kind, reference, idempotency_key, fingerprint,"
      " memo, created_at) VALUES (1, 'x', '', 'raw', '', '', 0)");
  auto seller = ledger_->account(owned(kSellerAvailable, 7));
  auto cash = ledger_->account(platform(kGatewayClearing));
  ASSERT_TRUE(seller.is_ok() && *seller && cash.is_ok() && *cash);
  sql("INSERT INTO ledger_entries (id, transaction_id, account_id, amount) VALUES (1, 1, $1, 1500)",
      {(*seller)->id});
  sql("INSERT INTO ledger_entries (id, transaction_id, account_id, amount) VALUES (2, 1, $1, -1500)",
      {(*cash)->id});
  sql("UPDATE ledger_accounts SET net = net + 1500 WHERE id = $1", {(*seller)->id});
  sql("UPDATE ledger_accounts SET net = net - 1500 WHERE id = $1", {(*cash)->id});
  EXPECT_EQ(failed(), std::set<std::string>{"not_negative"});
}

TEST_P(LedgerVerifyTest, AnAccountOfAnUnknownKind) {
  sql("UPDATE ledger_accounts SET kind = 'bogus' WHERE id = $1", {tx_.entries[0].account_id});
  EXPECT_EQ(failed(), std::set<std::string>{"known_account"});
}

TEST_P(LedgerVerifyTest, AZeroEntry) {
  sql("INSERT INTO ledger_entries (id, transaction_id, account_id, amount) VALUES (1, $1, $2, 0)",
      {tx_.id, tx_.entries[0].account_id});
  EXPECT_EQ(failed(), std::set<std::string>{"zero_amount"});
}

TEST_P(LedgerVerifyTest, ASettlementMarkedSettledWithoutItsTransaction) {
  SettlementSpec spec{owned(kSellerPending, 7), owned(kSellerAvailable, 7), 10, "order:5",
                      "order:5:settle", clock_.now_ms() + 1000};
  ASSERT_TRUE(db_->transact_result([&](db::Conn& c) { return settlements_->schedule(c, spec); })
                  .is_ok());
  sql("UPDATE ledger_settlements SET state = 1");
  EXPECT_EQ(failed(), std::set<std::string>{"settlement"});
}

TEST_P(LedgerVerifyTest, AModulesOwnCheckRunsToo) {
  VerifyCheck check{"custom", [](db::Conn&, std::vector<Violation>& out) {
                      out.push_back({"custom", "always wrong"});
                      return Status::ok();
                    }};
  auto report = verify(*db_, {check});
  ASSERT_TRUE(report.is_ok());
  ASSERT_EQ(report->violations.size(), 1u);
  EXPECT_NE(format_report(*report).find("custom           FAILED (1)"), std::string::npos)
      << format_report(*report);
}

INSTANTIATE_TEST_SUITE_P(Db, LedgerVerifyTest,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         db::testing_support::backend_name);

}  // namespace
}  // namespace riff::ledger
