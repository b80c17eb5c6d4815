// The ledger's rules: balanced posting, idempotency, rollback with the
// caller's transaction, overdraft refusal, concurrency, settlements and
// payouts. On SQLite, and on PostgreSQL when RIFF_TEST_PG_URL is set.

#include "riff/ledger/ledger.hpp"

#include <gmock/gmock.h>

#include <atomic>
#include <thread>

#include "riff/ledger/test_support.hpp"
#include "riff/ledger/verify.hpp"

namespace riff::ledger {
namespace {

using testing_support::Backend;
using testing_support::LedgerFixture;

class LedgerTest : public LedgerFixture {};

TEST(LedgerModel, ValidateRefusesUnbalancedAndMalformedSpecs) {
  TransferSpec spec;
  spec.kind = "t";
  spec.idempotency_key = "k";
  spec.debit({"platform_cash", 0, "USD"}, 100).credit({"platform_fees", 0, "USD"}, 99);
  Status st = validate(spec);
  ASSERT_EQ(st.code(), Code::kInvalid);
  EXPECT_NE(st.message().find("differ in USD by 1"), std::string::npos) << st.message();

  // Balanced in total but not per currency.
  TransferSpec mixed;
  mixed.kind = "t";
  mixed.idempotency_key = "k";
  mixed.debit({"platform_cash", 0, "USD"}, 100).credit({"platform_fees", 0, "EUR"}, 100);
  EXPECT_EQ(validate(mixed).code(), Code::kInvalid);

  TransferSpec bad;
  bad.kind = "t";
  bad.idempotency_key = "k";
  bad.debit({"nonsense", 0, "USD"}, 1).credit({"seller_pending", 0, "usd"}, 1);
  st = validate(bad);
  ASSERT_EQ(st.code(), Code::kInvalid);
  std::vector<std::string> pointers;
  for (const auto& f : st.fields()) pointers.push_back(f.pointer);
  EXPECT_THAT(pointers, ::testing::IsSupersetOf({"/entries/0/kind", "/entries/1/owner_id",
                                                 "/entries/1/currency"}));
}

TEST_P(LedgerTest, PostsABalancedTransferAndBalancesFollowTheNormalSide) {
  auto tx = ledger_->post(capture("pay:1", 42, 1000));
  ASSERT_TRUE(tx.is_ok()) << tx.status().message();
  EXPECT_FALSE(tx->replayed);
  EXPECT_EQ(tx->entries.size(), 2u);
  TransferSpec split;
  split.kind = "order_paid";
  split.reference = "order:9";
  split.idempotency_key = "order:9:paid";
  split.debit(owned(kBuyerPayments, 42), 1000)
      .credit(owned(kSellerPending, 7), 850)
      .credit(platform(kPlatformFees), 100)
      .credit(owned(kCreatorPending, 8), 50);
  ASSERT_TRUE(ledger_->post(split).is_ok());

  EXPECT_EQ(balance(platform(kGatewayClearing)), 1000);  // debit-normal: an asset
  EXPECT_EQ(balance(owned(kBuyerPayments, 42)), 0);
  EXPECT_EQ(balance(owned(kSellerPending, 7)), 850);     // credit-normal: owed to the seller
  EXPECT_EQ(balance(platform(kPlatformFees)), 100);
  EXPECT_EQ(balance(owned(kCreatorPending, 8)), 50);
  auto seller = ledger_->accounts_of(7);
  ASSERT_TRUE(seller.is_ok());
  ASSERT_EQ(seller->size(), 1u);
  EXPECT_EQ((*seller)[0].key.kind, kSellerPending);

  auto report = verify(*db_);
  ASSERT_TRUE(report.is_ok());
  EXPECT_TRUE(report->ok()) << format_report(*report);
  EXPECT_EQ(report->transactions, 2);
  EXPECT_EQ(report->entries, 6);
}

TEST_P(LedgerTest, UnbalancedTransferChangesNothing) {
  TransferSpec spec = capture("pay:1", 42, 1000);
  spec.entries[1].amount = -999;
  auto tx = ledger_->post(spec);
  EXPECT_EQ(tx.status().code(), Code::kInvalid);
  auto rows = db_->query("SELECT COUNT(*) FROM ledger_transactions");
  ASSERT_TRUE(rows.is_ok());
  EXPECT_EQ((*rows)[0].i64(0), 0);
  EXPECT_EQ(balance(platform(kGatewayClearing)), 0);
}

TEST_P(LedgerTest, SameIdempotencyKeyReturnsTheFirstTransactionAndPostsOnce) {
  auto first = ledger_->post(capture("pay:1", 42, 1000));
  ASSERT_TRUE(first.is_ok());
  auto again = ledger_->post(capture("pay:1", 42, 1000));
  ASSERT_TRUE(again.is_ok()) << again.status().message();
  EXPECT_TRUE(again->replayed);
  EXPECT_EQ(again->id, first->id);
  EXPECT_EQ(again->entries.size(), 2u);
  EXPECT_EQ(balance(platform(kGatewayClearing)), 1000);

  // The key names one movement: other entries under it are refused.
  auto other = ledger_->post(capture("pay:1", 42, 2000));
  EXPECT_EQ(other.status().code(), Code::kConflict);
  EXPECT_TRUE(other.status().message().starts_with(kKeyReused)) << other.status().message();
  EXPECT_EQ(balance(platform(kGatewayClearing)), 1000);
}

TEST_P(LedgerTest, PostRollsBackWithTheCallersTransaction) {
  Status st = db_->transact([&](db::Conn& c) -> Status {
    RIFF_RETURN_IF_ERROR(ledger_->post(c, capture("pay:1", 42, 1000)).status());
    return Status::conflict("the caller's own state change failed");
  });
  EXPECT_EQ(st.code(), Code::kConflict);
  EXPECT_EQ(balance(platform(kGatewayClearing)), 0);
  // The key is free again: the first post never happened.
  auto tx = ledger_->post(capture("pay:1", 42, 1000));
  ASSERT_TRUE(tx.is_ok());
  EXPECT_FALSE(tx->replayed);
}

TEST_P(LedgerTest, NeverNegativeAccountsRefuseAnOverdraft) {
  TransferSpec topup;
  topup.kind = "ad_topup";
  topup.idempotency_key = "topup:1";
  topup.debit(platform(kGatewayClearing), 500).credit(owned(kAdBudget, 5), 500);
  ASSERT_TRUE(ledger_->post(topup).is_ok());
  auto spend = [&](std::string key, std::int64_t amount) {
    TransferSpec s;
    s.kind = "ad_spend";
    s.idempotency_key = std::move(key);
    s.move(owned(kAdBudget, 5), platform(kAdRevenue), amount);
    return ledger_->post(s);
  };
  ASSERT_TRUE(spend("spend:1", 300).is_ok());
  auto over = spend("spend:2", 201);
  ASSERT_EQ(over.status().code(), Code::kConflict);
  EXPECT_TRUE(over.status().message().starts_with(kInsufficientFunds)) << over.status().message();
  EXPECT_EQ(balance(owned(kAdBudget, 5)), 200);
  EXPECT_EQ(balance(platform(kAdRevenue)), 300);
  EXPECT_TRUE(spend("spend:3", 200).is_ok());
  EXPECT_EQ(balance(owned(kAdBudget, 5)), 0);
}

TEST_P(LedgerTest, ConcurrentPostsToTheSameAccountsKeepBalancesExact) {
  constexpr int kThreads = 8;
  constexpr int kPerThread = 40;
  std::atomic<int> failures{0};
  std::atomic<int> replays{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        // Threads t and t^1 post the same keys: each must land once.
        const int owner = t / 2;
        auto tx = ledger_->post(capture("pay:" + std::to_string(owner) + ":" + std::to_string(i),
                                        100 + owner, 10 + i));
        if (!tx) {
          ++failures;
        } else if (tx->replayed) {
          ++replays;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(replays.load(), kThreads / 2 * kPerThread);
  std::int64_t per_owner = 0;
  for (int i = 0; i < kPerThread; ++i) per_owner += 10 + i;
  EXPECT_EQ(balance(platform(kGatewayClearing)), per_owner * (kThreads / 2));
  for (int owner = 0; owner < kThreads / 2; ++owner) {
    EXPECT_EQ(balance(owned(kBuyerPayments, 100 + owner)), per_owner);
  }
  auto report = verify(*db_);
  ASSERT_TRUE(report.is_ok());
  EXPECT_TRUE(report->ok()) << format_report(*report);
  EXPECT_EQ(report->transactions, kThreads / 2 * kPerThread);
}

TEST_P(LedgerTest, SettlementMovesPendingToAvailableOnceWhenDue) {
  ASSERT_TRUE(ledger_->post(capture("pay:1", 42, 1000)).is_ok());
  TransferSpec split;
  split.kind = "order_paid";
  split.idempotency_key = "order:9:paid";
  split.debit(owned(kBuyerPayments, 42), 1000).credit(owned(kSellerPending, 7), 1000);
  ASSERT_TRUE(ledger_->post(split).is_ok());
  const std::int64_t due = clock_.now_ms() + 7 * 86'400'000LL;
  SettlementSpec spec{owned(kSellerPending, 7), owned(kSellerAvailable, 7), 1000, "order:9",
                      "order:9:settle", due};
  auto scheduled = db_->transact_result([&](db::Conn& c) { return settlements_->schedule(c, spec); });
  ASSERT_TRUE(scheduled.is_ok()) << scheduled.status().message();
  // Scheduling again with the key keeps the first.
  auto again = db_->transact_result([&](db::Conn& c) { return settlements_->schedule(c, spec); });
  ASSERT_TRUE(again.is_ok());
  EXPECT_EQ(again->id, scheduled->id);

  auto n = settlements_->settle_due();
  ASSERT_TRUE(n.is_ok());
  EXPECT_EQ(*n, 0);
  EXPECT_EQ(balance(owned(kSellerAvailable, 7)), 0);
  clock_.set_ms(due);
  n = settlements_->settle_due();
  ASSERT_TRUE(n.is_ok()) << n.status().message();
  EXPECT_EQ(*n, 1);
  EXPECT_EQ(*settlements_->settle_due(), 0);
  EXPECT_EQ(balance(owned(kSellerPending, 7)), 0);
  EXPECT_EQ(balance(owned(kSellerAvailable, 7)), 1000);
  auto stored = settlements_->of_reference("order:9");
  ASSERT_TRUE(stored.is_ok());
  ASSERT_EQ(stored->size(), 1u);
  EXPECT_EQ((*stored)[0].state, SettlementState::kSettled);
  EXPECT_TRUE((*stored)[0].transaction_id.has_value());

  // Payouts: never more than is available.
  PayoutSpec payout{7, std::string(kSellerAvailable), "USD", 1001, "po_1", "payout:1"};
  auto refused = settlements_->payout(payout);
  EXPECT_EQ(refused.status().code(), Code::kConflict);
  payout.amount = 600;
  ASSERT_TRUE(settlements_->payout(payout).is_ok());
  EXPECT_EQ(balance(owned(kSellerAvailable, 7)), 400);
  EXPECT_EQ(balance(owned(kPayouts, 7)), 600);
  auto report = verify(*db_);
  ASSERT_TRUE(report.is_ok());
  EXPECT_TRUE(report->ok()) << format_report(*report);
}

TEST_P(LedgerTest, CancelledSettlementIsNeverPosted) {
  SettlementSpec spec{owned(kSellerPending, 7), owned(kSellerAvailable, 7), 500, "order:3",
                      "order:3:settle", clock_.now_ms()};
  ASSERT_TRUE(db_->transact_result([&](db::Conn& c) { return settlements_->schedule(c, spec); })
                  .is_ok());
  auto cancelled =
      db_->transact_result([&](db::Conn& c) { return settlements_->cancel(c, "order:3"); });
  ASSERT_TRUE(cancelled.is_ok());
  EXPECT_EQ(cancelled->size(), 1u);
  EXPECT_EQ(*settlements_->settle_due(), 0);
  EXPECT_EQ(balance(owned(kSellerAvailable, 7)), 0);
}

TEST_P(LedgerTest, TransactionsPageNewestFirstAndFilterByAccount) {
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(ledger_->post(capture("pay:" + std::to_string(i), 40 + i % 2, 100)).is_ok());
  }
  std::vector<Id> seen;
  std::optional<std::string> cursor;
  do {
    auto page = ledger_->transactions({}, 2, cursor);
    ASSERT_TRUE(page.is_ok()) << page.status().message();
    for (const auto& t : page->items) seen.push_back(t.id);
    cursor = page->next_cursor;
  } while (cursor);
  ASSERT_EQ(seen.size(), 5u);
  EXPECT_TRUE(std::is_sorted(seen.rbegin(), seen.rend()));
  auto buyer = ledger_->account(owned(kBuyerPayments, 41));
  ASSERT_TRUE(buyer.is_ok() && *buyer);
  auto of_buyer = ledger_->transactions({(*buyer)->id, std::nullopt}, 10, std::nullopt);
  ASSERT_TRUE(of_buyer.is_ok());
  EXPECT_EQ(of_buyer->items.size(), 2u);
  EXPECT_EQ(ledger_->transactions({}, 10, "garbage").status().code(), Code::kInvalid);
}

INSTANTIATE_TEST_SUITE_P(Db, LedgerTest, ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         db::testing_support::backend_name);

}  // namespace
}  // namespace riff::ledger
