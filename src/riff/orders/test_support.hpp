#pragma once
// A scratch database with every table checkout touches, a manual clock, the
// shop, ledger and payments services and the orders services, for the
// module's unit tests. On SQLite, and on PostgreSQL when RIFF_TEST_PG_URL is
// set. Included by *_test.cpp files only.

#include <gtest/gtest.h>

#include <atomic>
#include <memory>

#include "riff/accounts/notifications.hpp"
#include "riff/accounts/schema.hpp"
#include "riff/db/test_support.hpp"
#include "riff/jobs/queue.hpp"
#include "riff/jobs/schema.hpp"
#include "riff/jobs/worker.hpp"
#include "riff/ledger/module.hpp"
#include "riff/ledger/schema.hpp"
#include "riff/orders/checkout.hpp"
#include "riff/orders/money.hpp"
#include "riff/orders/orders.hpp"
#include "riff/orders/schema.hpp"
#include "riff/payments/module.hpp"
#include "riff/payments/schema.hpp"
#include "riff/shop/links.hpp"
#include "riff/shop/catalog.hpp"
#include "riff/shop/shops.hpp"
#include "riff/shop/stock.hpp"
#include "riff/video/engagement_schema.hpp"
#include "riff/video/schema.hpp"
#include "riff/shop/schema.hpp"

namespace riff::orders::testing_support {

using db::testing_support::Backend;

inline constexpr std::string_view kSecret = "whsec_orders_unit_test_secret";

/// The simulated gateway behind a switch that makes authorize() fail as an
/// unreachable gateway would (before it did anything), to test outages.
class FlakyGateway final : public payments::PaymentGateway {
 public:
  explicit FlakyGateway(payments::PaymentGateway& real) : real_(real) {}
  std::atomic<bool> down{false};
  std::atomic<int> authorize_calls{0};

  Result<payments::PaymentIntent> authorize(const payments::AuthorizeRequest& r) override {
    ++authorize_calls;
    if (down) return Status::unavailable("gateway unreachable");
    return real_.authorize(r);
  }
  Result<payments::PaymentIntent> capture(std::string_view id, std::optional<std::int64_t> amount,
                                          std::string_view key) override {
    return real_.capture(id, amount, key);
  }
  Result<payments::Refund> refund(std::string_view id, std::int64_t amount,
                                  std::string_view key) override {
    return real_.refund(id, amount, key);
  }
  Result<payments::PaymentIntent> void_authorization(std::string_view id,
                                                     std::string_view key) override {
    return real_.void_authorization(id, key);
  }
  Result<payments::PaymentIntent> intent(std::string_view id) override { return real_.intent(id); }

 private:
  payments::PaymentGateway& real_;
};

class OrdersTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    scratch_.open(GetParam(), "orders", 32);
    if (IsSkipped() || HasFatalFailure()) return;
    db_ = std::move(scratch_.db);
    std::vector<db::Migration> m = accounts::migrations();
    for (auto& x : video::migrations()) m.push_back(std::move(x));
    for (auto& x : video::engagement_migrations()) m.push_back(std::move(x));
    for (auto& x : jobs::migrations()) m.push_back(std::move(x));
    for (auto& x : ledger::migrations()) m.push_back(std::move(x));
    for (auto& x : payments::migrations()) m.push_back(std::move(x));
    for (auto& x : shop::migrations()) m.push_back(std::move(x));
    for (auto& x : migrations()) m.push_back(std::move(x));
    Status st = db_->migrate(m);
    ASSERT_TRUE(st.is_ok()) << st.message();
    const auto media = scratch_.dir / "media";
    shops_ = std::make_unique<shop::ShopService>(*db_, ids_, clock_, media);
    products_ = std::make_unique<shop::ProductService>(*db_, ids_, clock_, media);
    stock_ = std::make_unique<shop::StockService>(*db_, clock_);
    links_ = std::make_unique<shop::LinkService>(*db_, ids_, clock_, 7 * 86'400'000LL);
    queue_ = std::make_unique<jobs::JobQueue>(*db_, ids_, clock_);
    ledger_ = std::make_unique<ledger::LedgerModule>(*db_, ids_, clock_);
    gateway_ = std::make_unique<payments::SimulatedGateway>(*db_, ids_, clock_, *queue_,
                                                            std::string(kSecret));
    flaky_ = std::make_unique<FlakyGateway>(*gateway_);
    receiver_ = std::make_unique<payments::WebhookReceiver>(*db_, clock_, std::string(kSecret), 300);
    payments::post_gateway_events_to_ledger(*receiver_, ledger_->ledger());
    ledger_->add_check(payments::gateway_match_check());
    notifications_ = std::make_unique<accounts::NotificationService>(*db_, ids_, clock_, nullptr);
    CheckoutOptions options;
    options.payment_timeout_ms = 15 * 60'000;
    options.platform_fee_bps = 500;
    options.tax = *TaxTable::parse("US-CA:725");
    checkout_ = std::make_unique<CheckoutService>(*db_, ids_, clock_, *queue_, *stock_, *links_,
                                                  *flaky_, ledger_->ledger(), *notifications_,
                                                  options);
    orders_ = std::make_unique<OrderService>(*db_, ids_, clock_, *queue_, *stock_, *gateway_,
                                             ledger_->ledger(), ledger_->settlements(),
                                             *notifications_, LifecycleOptions{});
    receiver_->on("payment_intent.succeeded", [this](db::Conn& c, const payments::WebhookEvent& e) {
      return checkout_->payment_succeeded(c, e);
    });
  }

  void TearDown() override {
    orders_.reset();
    checkout_.reset();
    notifications_.reset();
    receiver_.reset();
    flaky_.reset();
    gateway_.reset();
    ledger_.reset();
    queue_.reset();
    links_.reset();
    stock_.reset();
    products_.reset();
    shops_.reset();
    db_.reset();
    scratch_.close();
  }

  /// A user row (no password); returns its id.
  Id user(const std::string& handle) {
    const Id id = ids_.next();
    EXPECT_TRUE(db_->exec("INSERT INTO users (id, handle, email, password_hash, created_at,"
                          " updated_at) VALUES ($1, $2, $3, 'x', 0, 0)",
                          {id, handle, handle + "@example.com"})
                    .is_ok());
    return id;
  }

  /// A seller with a USD shop and one product of one variant; returns the variant id.
  Id product(const std::string& handle, std::int64_t price, std::int64_t on_hand,
             Id* seller_out = nullptr) {
    const Id seller = user(handle);
    shop::ShopFields f;
    f.name = "Shop " + handle;
    f.handle = handle + "-shop";
    f.currency = "USD";
    EXPECT_TRUE(shops_->open(seller, f).is_ok());
    shop::ProductDraft d;
    d.title = "Thing of " + handle;
    d.status = shop::ProductStatus::kActive;
    shop::Variant variant;
    variant.sku = handle + "-sku";
    variant.price = price;
    variant.on_hand = on_hand;
    d.variants.push_back(variant);
    auto p = products_->create(seller, d);
    EXPECT_TRUE(p.is_ok()) << p.status().message();
    if (seller_out) *seller_out = seller;
    return p.is_ok() ? p->variants.at(0).id : 0;
  }

  static CheckoutRequest buy(Id variant, std::int64_t quantity, std::string token = "tok_visa") {
    CheckoutRequest r;
    r.items = {{variant, quantity}};
    r.address = ShippingAddress{"Ana", "1 Main St", "", "Springfield", "CA", "90001", "US", ""};
    r.payment_method = std::move(token);
    return r;
  }

  /// Runs every due job of `kind` once with `run`.
  template <class Fn>
  int run_jobs(std::string_view kind, Fn run) {
    int n = 0;
    std::atomic<bool> stopping{false};
    for (;;) {
      auto job = queue_->claim(kind);
      EXPECT_TRUE(job.is_ok());
      if (!job || !*job) return n;
      jobs::JobContext ctx(*queue_, **job, stopping);
      const jobs::JobOutcome outcome = run(ctx);
      EXPECT_EQ(outcome.kind, jobs::JobOutcome::Kind::kDone) << kind << ": " << outcome.error;
      EXPECT_TRUE(queue_->complete(**job).is_ok());
      ++n;
    }
  }

  /// Delivers every queued gateway event to the receiver.
  int deliver_webhooks() {
    return run_jobs(payments::SimulatedGateway::kDeliveryJob, [this](jobs::JobContext& ctx) {
      return gateway_->deliver(ctx, [this](const std::string& header, const std::string& body) {
        auto r = receiver_->receive(header, body);
        if (!r) return r.status();
        return r->outcome == payments::WebhookOutcome::kProcessed ||
                       r->outcome == payments::WebhookOutcome::kReplayed
                   ? Status::ok()
                   : Status::invalid("", r->detail);
      });
    });
  }

  std::int64_t balance(std::string_view kind, Id owner) {
    auto a = ledger_->ledger().account({std::string(kind), owner, "USD"});
    return a.is_ok() && *a ? (*a)->balance() : 0;
  }
  std::int64_t scalar(const std::string& sql, std::initializer_list<db::Param> params = {}) {
    auto rows = db_->query(sql, params);
    EXPECT_TRUE(rows.is_ok()) << rows.status().message();
    return rows.is_ok() && !rows->empty() ? (*rows)[0].i64(0) : -1;
  }
  bool verified() {
    auto report = ledger_->verify();
    EXPECT_TRUE(report.is_ok());
    if (report && !report->ok()) ADD_FAILURE() << ledger::format_report(*report);
    return report && report->ok();
  }

  db::testing_support::ScratchDatabase scratch_;
  std::unique_ptr<db::Database> db_;
  ManualClock clock_{1'800'000'000'000};
  IdGenerator ids_{clock_};
  std::unique_ptr<shop::ShopService> shops_;
  std::unique_ptr<shop::ProductService> products_;
  std::unique_ptr<shop::StockService> stock_;
  std::unique_ptr<shop::LinkService> links_;
  std::unique_ptr<jobs::JobQueue> queue_;
  std::unique_ptr<ledger::LedgerModule> ledger_;
  std::unique_ptr<payments::SimulatedGateway> gateway_;
  std::unique_ptr<FlakyGateway> flaky_;
  std::unique_ptr<payments::WebhookReceiver> receiver_;
  std::unique_ptr<accounts::NotificationService> notifications_;
  std::unique_ptr<CheckoutService> checkout_;
  std::unique_ptr<OrderService> orders_;
};

}  // namespace riff::orders::testing_support
