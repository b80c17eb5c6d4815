// Subscriptions: the state machine (purchase, renewal, cancellation, expiry,
// refund), the plan it gives at a moment, and the stored rows with their
// account tokens on SQLite and PostgreSQL (when RIFF_TEST_PG_URL is set).

#include "riff/music/subscriptions.hpp"

#include <gtest/gtest.h>

#include "riff/accounts/schema.hpp"
#include "riff/db/test_support.hpp"
#include "riff/music/test_support.hpp"
#include "riff/jobs/schema.hpp"
#include "riff/music/schema.hpp"
#include "riff/video/schema.hpp"

namespace riff::music {
namespace {

constexpr std::int64_t kNow = 1'800'000'000'000;
constexpr std::int64_t kDay = 86'400'000;
using K = SubEvent::Kind;

SubEvent event(K kind, std::optional<std::int64_t> end = std::nullopt) {
  SubEvent e;
  e.kind = kind;
  e.source = SubSource::kAppStore;
  e.period_end_ms = end;
  e.original_transaction_id = "1000";
  return e;
}

std::optional<Subscription> purchased(std::int64_t end = kNow + 30 * kDay) {
  return apply_event(std::nullopt, event(K::kPurchase, end), kNow);
}

TEST(MusicSubscriptionRules, NoSubscriptionIsFree) {
  EXPECT_EQ(effective_plan(std::nullopt, kNow), Plan::kFree);
  EXPECT_EQ(apply_event(std::nullopt, event(K::kRefund), kNow), std::nullopt)
      << "a refund without a purchase makes nothing";
  auto early = apply_event(std::nullopt, event(K::kRenew, kNow + kDay), kNow);
  EXPECT_EQ(effective_plan(early, kNow), Plan::kPremium) << "a renewal seen before its purchase";
}

TEST(MusicSubscriptionRules, APurchaseIsPremiumUntilThePeriodEnd) {
  auto s = purchased();
  ASSERT_TRUE(s);
  EXPECT_EQ(s->status, SubStatus::kActive);
  EXPECT_TRUE(s->auto_renew);
  EXPECT_EQ(effective_plan(s, kNow), Plan::kPremium);
  EXPECT_EQ(effective_plan(s, kNow + 30 * kDay - 1), Plan::kPremium);
  EXPECT_EQ(effective_plan(s, kNow + 30 * kDay), Plan::kFree) << "no grace period";
  EXPECT_EQ(effective_status(*s, kNow + 30 * kDay), SubStatus::kExpired);
}

TEST(MusicSubscriptionRules, ARenewalExtendsAndNeverShortens) {
  auto s = apply_event(purchased(), event(K::kRenew, kNow + 60 * kDay), kNow + 29 * kDay);
  EXPECT_EQ(s->period_end_ms, kNow + 60 * kDay);
  EXPECT_EQ(effective_plan(s, kNow + 45 * kDay), Plan::kPremium);
  auto stale = apply_event(s, event(K::kRenew, kNow + 30 * kDay), kNow + 29 * kDay);
  EXPECT_EQ(stale->period_end_ms, kNow + 60 * kDay) << "an out-of-order renewal";
}

TEST(MusicSubscriptionRules, CancellingKeepsPremiumToThePeriodEnd) {
  auto s = apply_event(purchased(), event(K::kAutoRenewOff), kNow + kDay);
  EXPECT_EQ(s->status, SubStatus::kCancelled);
  EXPECT_FALSE(s->auto_renew);
  EXPECT_EQ(effective_plan(s, kNow + 29 * kDay), Plan::kPremium);
  EXPECT_EQ(effective_plan(s, kNow + 30 * kDay), Plan::kFree);
  auto back = apply_event(s, event(K::kAutoRenewOn), kNow + 2 * kDay);
  EXPECT_EQ(back->status, SubStatus::kActive);
  EXPECT_TRUE(back->auto_renew);
}

TEST(MusicSubscriptionRules, ARefundEndsPremiumAtOnce) {
  auto s = apply_event(purchased(), event(K::kRefund), kNow + kDay);
  EXPECT_EQ(s->status, SubStatus::kRefunded);
  EXPECT_EQ(s->period_end_ms, kNow + kDay);
  EXPECT_EQ(effective_plan(s, kNow + kDay), Plan::kFree);
  auto cancelled_after = apply_event(s, event(K::kAutoRenewOff), kNow + 2 * kDay);
  EXPECT_EQ(cancelled_after->status, SubStatus::kRefunded) << "a late cancel does not revive it";
  EXPECT_EQ(effective_plan(apply_event(s, event(K::kAutoRenewOn), kNow + kDay), kNow + kDay),
            Plan::kFree);
}

TEST(MusicSubscriptionRules, AnExpiryEndsPremiumAndARenewalRevivesIt) {
  auto s = apply_event(purchased(), event(K::kExpire), kNow + 5 * kDay);
  EXPECT_EQ(s->status, SubStatus::kExpired);
  EXPECT_EQ(effective_plan(s, kNow + 5 * kDay), Plan::kFree);
  auto renewed = apply_event(s, event(K::kRenew, kNow + 40 * kDay), kNow + 6 * kDay);
  EXPECT_EQ(effective_plan(renewed, kNow + 6 * kDay), Plan::kPremium);
}

TEST(MusicSubscriptionRules, AnAdminGrantWithoutDaysHasNoEnd) {
  SubEvent grant;
  grant.kind = K::kPurchase;
  auto s = apply_event(std::nullopt, grant, kNow);
  EXPECT_EQ(s->source, SubSource::kAdmin);
  EXPECT_FALSE(s->auto_renew);
  EXPECT_EQ(effective_plan(s, kNow + 10'000 * kDay), Plan::kPremium);
}

using db::testing_support::Backend;

class MusicSubscriptionsTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    scratch_.open(GetParam(), "subs", 4);
    if (IsSkipped() || HasFatalFailure()) return;
    db_ = std::move(scratch_.db);
    std::vector<db::Migration> m = testing_support::music_test_migrations();
    Status st = db_->migrate(m);
    ASSERT_TRUE(st.is_ok()) << st.message();
    for (Id id : {1, 2}) {
      const std::string sid = std::to_string(id);
      ASSERT_TRUE(db_->exec("INSERT INTO users (id, handle, email, password_hash, created_at,"
                            " updated_at) VALUES ($1, $2, $3, 'x', 0, 0)",
                            {id, "u" + sid, "u" + sid + "@example.com"})
                      .is_ok());
    }
    subs_ = std::make_unique<Subscriptions>(*db_, clock_);
  }

  void TearDown() override {
    subs_.reset();
    db_.reset();
    scratch_.close();
  }

  Status apply(Id user, const SubEvent& e) {
    return db_->transact([&](db::Conn& c) { return subs_->apply(c, user, e).status(); });
  }

  db::testing_support::ScratchDatabase scratch_;
  std::unique_ptr<db::Database> db_;
  ManualClock clock_{kNow};
  std::unique_ptr<Subscriptions> subs_;
};

TEST_P(MusicSubscriptionsTest, StoredEventsDecideThePlanAsTheClockMoves) {
  EXPECT_EQ(subs_->effective_plan(1).value(), Plan::kFree);
  ASSERT_TRUE(apply(1, event(K::kPurchase, kNow + 30 * kDay)).is_ok());
  EXPECT_EQ(subs_->effective_plan(1).value(), Plan::kPremium);
  EXPECT_EQ(subs_->effective_plan(2).value(), Plan::kFree);
  clock_.advance_ms(30 * kDay);
  EXPECT_EQ(subs_->effective_plan(1).value(), Plan::kFree);
  ASSERT_TRUE(apply(1, event(K::kRenew, kNow + 60 * kDay)).is_ok());
  EXPECT_EQ(subs_->effective_plan(1).value(), Plan::kPremium);
  ASSERT_TRUE(apply(1, event(K::kRefund)).is_ok());
  EXPECT_EQ(subs_->effective_plan(1).value(), Plan::kFree);
  auto row = subs_->get(1).value();
  ASSERT_TRUE(row);
  EXPECT_EQ(row->status, SubStatus::kRefunded);
  EXPECT_EQ(row->original_transaction_id, "1000");
}

TEST_P(MusicSubscriptionsTest, ListenersCancelOnlyTheirOwnAdminSubscriptions) {
  EXPECT_EQ(subs_->cancel(1).status().code(), Code::kNotFound);
  ASSERT_TRUE(subs_->admin_set(1, Plan::kPremium, kNow + 10 * kDay).is_ok());
  auto cancelled = subs_->cancel(1);
  ASSERT_TRUE(cancelled.is_ok()) << cancelled.status().message();
  EXPECT_EQ(cancelled.value().status, SubStatus::kCancelled);
  EXPECT_EQ(subs_->effective_plan(1).value(), Plan::kPremium);
  clock_.advance_ms(10 * kDay);
  EXPECT_EQ(subs_->effective_plan(1).value(), Plan::kFree);

  ASSERT_TRUE(apply(2, event(K::kPurchase, kNow + 40 * kDay)).is_ok());
  EXPECT_EQ(subs_->cancel(2).status().code(), Code::kConflict) << "store-billed";
  EXPECT_EQ(subs_->effective_plan(2).value(), Plan::kPremium);
}

TEST_P(MusicSubscriptionsTest, AccountTokensAreStableAndFindTheirListener) {
  const std::string t1 = subs_->account_token(1).value();
  EXPECT_EQ(t1.size(), 36u);
  EXPECT_EQ(t1[14], '4');
  EXPECT_EQ(subs_->account_token(1).value(), t1);
  EXPECT_NE(subs_->account_token(2).value(), t1);
  ASSERT_TRUE(db_->transact([&](db::Conn& c) -> Status {
                   EXPECT_EQ(subs_->user_for_token(c, t1).value(), Id{1});
                   EXPECT_EQ(subs_->user_for_token(c, "nope").value(), std::nullopt);
                   return Status::ok();
                 })
                  .is_ok());
}

INSTANTIATE_TEST_SUITE_P(Db, MusicSubscriptionsTest,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         db::testing_support::backend_name);

}  // namespace
}  // namespace riff::music
