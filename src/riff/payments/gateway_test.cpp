// The simulated gateway and riff's webhook receiver together: payments,
// declines, partial capture and refunds, idempotent calls, deliveries that
// post to the ledger exactly once, and forged, altered, stale or replayed
// deliveries that change nothing. On SQLite, and on PostgreSQL when
// RIFF_TEST_PG_URL is set.

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "riff/jobs/schema.hpp"
#include "riff/ledger/module.hpp"
#include "riff/ledger/test_support.hpp"
#include "riff/payments/module.hpp"
#include "riff/payments/schema.hpp"
#include "riff/payments/signature.hpp"

namespace riff::payments {
namespace {

using ledger::testing_support::Backend;
constexpr std::string_view kSecret = "whsec_unit_test_secret_42";

class GatewayTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    scratch_.open(GetParam(), "payments", 8);
    if (IsSkipped() || HasFatalFailure()) return;
    db_ = std::move(scratch_.db);
    std::vector<db::Migration> m = jobs::migrations();
    for (auto& x : ledger::migrations()) m.push_back(std::move(x));
    for (auto& x : migrations()) m.push_back(std::move(x));
    Status st = db_->migrate(m);
    ASSERT_TRUE(st.is_ok()) << st.message();
    queue_ = std::make_unique<jobs::JobQueue>(*db_, ids_, clock_);
    ledger_ = std::make_unique<ledger::LedgerModule>(*db_, ids_, clock_);
    gateway_ = std::make_unique<SimulatedGateway>(*db_, ids_, clock_, *queue_, std::string(kSecret));
    receiver_ = std::make_unique<WebhookReceiver>(*db_, clock_, std::string(kSecret), 300);
    post_gateway_events_to_ledger(*receiver_, ledger_->ledger());
    ledger_->add_check(gateway_match_check());
  }
  void TearDown() override {
    receiver_.reset();
    gateway_.reset();
    ledger_.reset();
    queue_.reset();
    db_.reset();
    scratch_.close();
  }

  /// Runs every queued delivery job once, handing events to the receiver.
  int deliver_all() {
    int delivered = 0;
    std::atomic<bool> stopping{false};
    for (;;) {
      auto job = queue_->claim(SimulatedGateway::kDeliveryJob);
      EXPECT_TRUE(job.is_ok());
      if (!job || !*job) return delivered;
      jobs::JobContext ctx(*queue_, **job, stopping);
      auto outcome = gateway_->deliver(ctx, [&](const std::string& header, const std::string& body) {
        last_header_ = header;
        last_body_ = body;
        auto r = receiver_->receive(header, body);
        if (!r) return r.status();
        return r->outcome == WebhookOutcome::kProcessed || r->outcome == WebhookOutcome::kReplayed
                   ? Status::ok()
                   : Status::invalid("", r->detail);
      });
      EXPECT_EQ(outcome.kind, jobs::JobOutcome::Kind::kDone) << outcome.error;
      EXPECT_TRUE(queue_->complete(**job).is_ok());
      ++delivered;
    }
  }

  std::int64_t balance(std::string_view kind, Id owner) {
    auto a = ledger_->ledger().account({std::string(kind), owner, "USD"});
    return a.is_ok() && *a ? (*a)->balance() : 0;
  }
  std::int64_t count(std::string_view table) {
    auto rows = db_->query("SELECT COUNT(*) FROM " + std::string(table));
    return rows.is_ok() ? (*rows)[0].i64(0) : -1;
  }
  bool verified() {
    auto report = ledger_->verify();
    EXPECT_TRUE(report.is_ok());
    if (report && !report->ok()) ADD_FAILURE() << ledger::format_report(*report);
    return report && report->ok();
  }

  AuthorizeRequest pay(std::string key, std::int64_t amount, std::string token = "tok_visa") {
    return {amount, "USD", std::move(token), false, 42, "order:1", std::move(key)};
  }

  db::testing_support::ScratchDatabase scratch_;
  std::unique_ptr<db::Database> db_;
  ManualClock clock_{1'750'000'000'000};
  IdGenerator ids_{clock_};
  std::unique_ptr<jobs::JobQueue> queue_;
  std::unique_ptr<ledger::LedgerModule> ledger_;
  std::unique_ptr<SimulatedGateway> gateway_;
  std::unique_ptr<WebhookReceiver> receiver_;
  std::string last_header_, last_body_;
};

TEST_P(GatewayTest, ACapturedPaymentReachesTheLedgerOnceThroughItsWebhook) {
  auto intent = gateway_->authorize(pay("k1", 2500));
  ASSERT_TRUE(intent.is_ok()) << intent.status().message();
  EXPECT_EQ(intent->status, IntentStatus::kSucceeded);
  EXPECT_EQ(intent->amount_captured, 2500);
  // Retried with its key: the same intent, no second event.
  auto again = gateway_->authorize(pay("k1", 2500));
  ASSERT_TRUE(again.is_ok());
  EXPECT_EQ(again->id, intent->id);
  EXPECT_EQ(count("gateway_events"), 1);
  EXPECT_EQ(balance(ledger::kGatewayClearing, 0), 0);  // booked on the webhook, not the call
  EXPECT_EQ(deliver_all(), 1);
  EXPECT_EQ(balance(ledger::kGatewayClearing, 0), 2500);
  EXPECT_EQ(balance(ledger::kBuyerPayments, 42), 2500);
  EXPECT_TRUE(verified());
}

TEST_P(GatewayTest, DeclinedCardsFailWithTheirCodeAndBookNothing) {
  auto declined = gateway_->authorize(pay("k1", 100, "tok_chargeDeclined"));
  ASSERT_TRUE(declined.is_ok());
  EXPECT_EQ(declined->status, IntentStatus::kFailed);
  EXPECT_EQ(declined->decline_code, "card_declined");
  auto broke = gateway_->authorize(pay("k2", 100, "tok_chargeDeclinedInsufficientFunds"));
  ASSERT_TRUE(broke.is_ok());
  EXPECT_EQ(broke->decline_code, "insufficient_funds");
  EXPECT_EQ(gateway_->authorize(pay("k3", 100, "tok_bogus")).status().code(), Code::kInvalid);
  EXPECT_EQ(deliver_all(), 2);
  EXPECT_EQ(count("ledger_transactions"), 0);
  EXPECT_TRUE(verified());
}

TEST_P(GatewayTest, AuthorizeThenCapturePartRefundInPartsAndVoid) {
  AuthorizeRequest later = pay("k1", 5000);
  later.capture_later = true;
  auto intent = gateway_->authorize(later);
  ASSERT_TRUE(intent.is_ok());
  EXPECT_EQ(intent->status, IntentStatus::kRequiresCapture);
  EXPECT_EQ(gateway_->refund(intent->id, 10, "r0").status().code(), Code::kConflict);
  EXPECT_EQ(gateway_->capture(intent->id, 5001, "c1").status().code(), Code::kInvalid);
  auto captured = gateway_->capture(intent->id, 4000, "c1");
  ASSERT_TRUE(captured.is_ok()) << captured.status().message();
  EXPECT_EQ(captured->amount_captured, 4000);
  EXPECT_EQ(gateway_->capture(intent->id, 4000, "c1")->amount_captured, 4000);  // keyed retry
  EXPECT_EQ(gateway_->capture(intent->id, 1000, "c2").status().code(), Code::kConflict);
  ASSERT_TRUE(gateway_->refund(intent->id, 1500, "r1").is_ok());
  ASSERT_TRUE(gateway_->refund(intent->id, 1500, "r1").is_ok());  // keyed retry: one refund
  ASSERT_TRUE(gateway_->refund(intent->id, 500, "r2").is_ok());
  EXPECT_EQ(gateway_->refund(intent->id, 2001, "r3").status().code(), Code::kInvalid);
  EXPECT_EQ(gateway_->intent(intent->id)->amount_refunded, 2000);
  EXPECT_EQ(count("gateway_refunds"), 2);

  AuthorizeRequest other = pay("k2", 700);
  other.capture_later = true;
  auto held = gateway_->authorize(other);
  ASSERT_TRUE(held.is_ok());
  auto voided = gateway_->void_authorization(held->id, "v1");
  ASSERT_TRUE(voided.is_ok());
  EXPECT_EQ(voided->status, IntentStatus::kCanceled);
  EXPECT_EQ(gateway_->capture(held->id, std::nullopt, "c3").status().code(), Code::kConflict);

  deliver_all();
  EXPECT_EQ(balance(ledger::kGatewayClearing, 0), 2000);  // 4000 captured, 2000 refunded
  EXPECT_EQ(balance(ledger::kBuyerPayments, 42), 2000);
  EXPECT_TRUE(verified());
}

TEST_P(GatewayTest, ForgedAlteredStaleAndReplayedDeliveriesChangeNothing) {
  ASSERT_TRUE(gateway_->authorize(pay("k1", 900)).is_ok());
  ASSERT_EQ(deliver_all(), 1);
  const std::int64_t events = count("payments_webhook_events");
  const std::int64_t txs = count("ledger_transactions");

  // Replay: the captured request sent again.
  auto replay = receiver_->receive(last_header_, last_body_);
  ASSERT_TRUE(replay.is_ok());
  EXPECT_EQ(replay->outcome, WebhookOutcome::kReplayed);

  // A new event id with a forged signature.
  std::string body = last_body_;
  body.replace(body.find("evt_"), 4, "evt_9");
  const std::int64_t now = clock_.now_ms() / 1000;
  auto forged = receiver_->receive(sign_webhook("whsec_attacker_guess_000", now, body), body);
  ASSERT_TRUE(forged.is_ok());
  EXPECT_EQ(forged->outcome, WebhookOutcome::kBadSignature);
  // The genuine signature over other bytes (a bigger amount).
  std::string altered = last_body_;
  altered.replace(altered.find("\"amount_captured\":900"), 21, "\"amount_captured\":901");
  auto changed = receiver_->receive(last_header_, altered);
  ASSERT_TRUE(changed.is_ok());
  EXPECT_EQ(changed->outcome, WebhookOutcome::kBadSignature);
  // A validly signed new event, held back beyond the tolerance.
  const std::string old = sign_webhook(kSecret, now, body);
  clock_.advance_ms(301'000);
  auto stale = receiver_->receive(old, body);
  ASSERT_TRUE(stale.is_ok());
  EXPECT_EQ(stale->outcome, WebhookOutcome::kStale);

  EXPECT_EQ(count("payments_webhook_events"), events);
  EXPECT_EQ(count("ledger_transactions"), txs);
  EXPECT_EQ(balance(ledger::kGatewayClearing, 0), 900);
  EXPECT_TRUE(verified());
}

TEST_P(GatewayTest, VerifyFindsACaptureTheLedgerNeverBooked) {
  ASSERT_TRUE(gateway_->authorize(pay("k1", 300)).is_ok());
  // Delivery still queued: not a violation yet.
  EXPECT_TRUE(verified());
  // The delivery given up for good: the capture is missing from the ledger.
  ASSERT_TRUE(db_->exec("UPDATE jobs SET state = 3").is_ok());
  auto report = ledger_->verify();
  ASSERT_TRUE(report.is_ok());
  ASSERT_EQ(report->violations.size(), 1u);
  EXPECT_EQ(report->violations[0].invariant, "gateway_match");
}

INSTANTIATE_TEST_SUITE_P(Db, GatewayTest, ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         db::testing_support::backend_name);

}  // namespace
}  // namespace riff::payments
