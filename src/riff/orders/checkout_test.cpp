// Checkout and the order lifecycle against a real database (SQLite, and
// PostgreSQL when RIFF_TEST_PG_URL is set), the simulated gateway and its
// signed webhooks: stock is never oversold, a key makes one order and one
// charge, a declined or timed-out payment frees everything it held, and
// every money movement leaves the ledger balanced.

#include <gtest/gtest.h>

#include <barrier>
#include <thread>

#include "riff/orders/test_support.hpp"

namespace riff::orders {
namespace {

using testing_support::OrdersTest;
using testing_support::Backend;

class CheckoutTest : public OrdersTest {
 protected:
  std::int64_t on_hand(Id v) { return scalar("SELECT on_hand FROM product_variants WHERE id = $1", {v}); }
  std::int64_t reserved(Id v) { return scalar("SELECT reserved FROM product_variants WHERE id = $1", {v}); }
  std::int64_t count(const std::string& table) { return scalar("SELECT COUNT(*) FROM " + table); }
};

TEST_P(CheckoutTest, APaidCheckoutSellsTheStockAndSplitsTheMoney) {
  Id seller = 0;
  const Id v = product("ana", 2000, 5, &seller);
  const Id buyer = user("bo");
  auto placed = checkout_->place(buyer, "key-1", buy(v, 2));
  ASSERT_TRUE(placed.is_ok()) << placed.status().message();
  EXPECT_EQ(placed->state, CheckoutState::kSubmitted);
  ASSERT_EQ(placed->orders.size(), 1u);
  const Order& o = placed->orders[0];
  EXPECT_EQ(o.status, OrderStatus::kUnpaid);
  // 4000 of goods, free shipping, 7.25% California tax = 290; riff's fee 5% of goods = 200.
  EXPECT_EQ(o.subtotal, 4000);
  EXPECT_EQ(o.tax, 290);
  EXPECT_EQ(o.total, 4290);
  EXPECT_EQ(reserved(v), 2);

  EXPECT_GE(deliver_webhooks(), 1);
  auto paid = orders_->get(buyer, o.id);
  ASSERT_TRUE(paid.is_ok());
  EXPECT_EQ(paid->status, OrderStatus::kAwaitingShipment);
  EXPECT_EQ(on_hand(v), 3);
  EXPECT_EQ(reserved(v), 0);
  EXPECT_EQ(balance(ledger::kBuyerPayments, buyer), 0);
  EXPECT_EQ(balance(ledger::kSellerPending, seller), 4290 - 200 - 290);
  EXPECT_EQ(balance(ledger::kPlatformFees, 0), 200);
  EXPECT_EQ(balance(ledger::kTaxPayable, 0), 290);
  EXPECT_EQ(balance(ledger::kGatewayClearing, 0), 4290);
  EXPECT_TRUE(verified());
  // Only the two parties see it.
  EXPECT_TRUE(orders_->get(seller, o.id).is_ok());
  EXPECT_EQ(orders_->get(user("eve"), o.id).status().code(), Code::kNotFound);
}

TEST_P(CheckoutTest, TheSameKeyReturnsTheFirstCheckoutAndAnotherRequestIsRefused) {
  const Id v = product("ana", 1000, 5);
  const Id buyer = user("bo");
  auto first = checkout_->place(buyer, "k", buy(v, 1));
  ASSERT_TRUE(first.is_ok());
  auto again = checkout_->place(buyer, "k", buy(v, 1));
  ASSERT_TRUE(again.is_ok());
  EXPECT_EQ(again->id, first->id);
  EXPECT_EQ(checkout_->place(buyer, "k", buy(v, 2)).status().code(), Code::kConflict);
  EXPECT_EQ(count("orders"), 1);
  EXPECT_EQ(count("gateway_intents"), 1);
  EXPECT_EQ(reserved(v), 1);
}

TEST_P(CheckoutTest, ConcurrentRetriesWithOneKeyMakeOneOrderAndOneCharge) {
  const Id v = product("ana", 1000, 100);
  const Id buyer = user("bo");
  constexpr int kThreads = 16;
  std::barrier start(kThreads);
  std::vector<Id> ids(kThreads, 0);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      start.arrive_and_wait();
      auto r = checkout_->place(buyer, "same-key", buy(v, 3));
      EXPECT_TRUE(r.is_ok()) << r.status().message();
      if (r) ids[i] = r->id;
    });
  }
  for (auto& t : threads) t.join();
  for (Id id : ids) EXPECT_EQ(id, ids[0]);
  deliver_webhooks();
  EXPECT_EQ(count("orders"), 1);
  EXPECT_EQ(count("gateway_intents"), 1);
  EXPECT_EQ(on_hand(v), 97);
  EXPECT_EQ(balance(ledger::kGatewayClearing, 0), 3 * 1000 + 218);  // tax 7.25% of 3000 = 217.5 -> 218
  EXPECT_TRUE(verified());
}

TEST_P(CheckoutTest, AThousandBuyersForFiftyUnitsBuyExactlyFifty) {
  const Id v = product("ana", 500, 50);
  constexpr int kBuyers = 1000;
  std::vector<Id> buyers;
  for (int i = 0; i < kBuyers; ++i) buyers.push_back(user("b" + std::to_string(i)));
  std::barrier start(kBuyers);
  std::atomic<int> sold{0}, refused{0}, other{0};
  std::vector<std::thread> threads;
  threads.reserve(kBuyers);
  for (int i = 0; i < kBuyers; ++i) {
    threads.emplace_back([&, i] {
      start.arrive_and_wait();
      auto r = checkout_->place(buyers[i], "k" + std::to_string(i), buy(v, 1));
      if (r) {
        ++sold;
      } else if (r.status().code() == Code::kConflict &&
                 r.status().message().starts_with(kOutOfStockPrefix)) {
        ++refused;
      } else {
        ++other;
        ADD_FAILURE() << r.status().message();
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(sold.load(), 50);
  EXPECT_EQ(refused.load(), kBuyers - 50);
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(reserved(v), 50);
  EXPECT_EQ(count("orders"), 50);
  deliver_webhooks();
  EXPECT_EQ(on_hand(v), 0);
  EXPECT_EQ(reserved(v), 0);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM orders WHERE status = $1",
                   {static_cast<int>(OrderStatus::kAwaitingShipment)}),
            50);
  EXPECT_TRUE(verified());
}

TEST_P(CheckoutTest, ADeclinedCardCancelsTheOrdersAndFreesTheStock) {
  const Id v = product("ana", 1000, 1);
  const Id buyer = user("bo");
  auto r = checkout_->place(buyer, "k", buy(v, 1, "tok_chargeDeclinedInsufficientFunds"));
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  EXPECT_EQ(r->state, CheckoutState::kDeclined);
  EXPECT_EQ(r->decline_code, "insufficient_funds");
  EXPECT_EQ(r->orders.at(0).status, OrderStatus::kCancelled);
  EXPECT_EQ(reserved(v), 0);
  // The unit is on sale again: another buyer gets it.
  EXPECT_TRUE(checkout_->place(user("cy"), "k", buy(v, 1)).is_ok());
  deliver_webhooks();
  EXPECT_EQ(on_hand(v), 0);
  EXPECT_TRUE(verified());
}

TEST_P(CheckoutTest, TooLittleStockOrABadLineMakesNothing) {
  const Id v = product("ana", 1000, 2);
  const Id w = product("cy", 1000, 5);
  const Id buyer = user("bo");
  CheckoutRequest r = buy(w, 1);
  r.items.push_back({v, 3});
  auto out = checkout_->place(buyer, "k", r);
  EXPECT_EQ(out.status().code(), Code::kConflict);
  EXPECT_TRUE(out.status().message().starts_with(kOutOfStockPrefix)) << out.status().message();
  EXPECT_EQ(count("orders"), 0);
  EXPECT_EQ(count("checkouts"), 0);
  EXPECT_EQ(reserved(v) + reserved(w), 0);
  EXPECT_EQ(flaky_->authorize_calls.load(), 0);
  // An unknown variant and a bad quantity are each named.
  CheckoutRequest bad = buy(999, 0);
  auto invalid = checkout_->place(buyer, "k2", bad);
  ASSERT_EQ(invalid.status().code(), Code::kInvalid);
  EXPECT_EQ(invalid.status().fields().size(), 2u);
  // The seller cannot buy their own product.
  Id seller = 0;
  const Id own = product("di", 1000, 5, &seller);
  EXPECT_EQ(checkout_->place(seller, "k3", buy(own, 1)).status().code(), Code::kInvalid);
}

TEST_P(CheckoutTest, AnUnpaidCheckoutExpiresAndFreesItsStockAndCoupon) {
  Id seller = 0;
  const Id v = product("ana", 1000, 3, &seller);
  Coupon c;
  c.code = "ONCE";
  c.kind = CouponKind::kAmount;
  c.value = 100;
  c.max_uses = 1;
  c.starts_at = clock_.now_ms();
  ASSERT_TRUE(db_->exec("INSERT INTO coupons (id, shop_id, code, kind, value, starts_at, max_uses,"
                        " created_at, updated_at) SELECT $1, id, 'ONCE', 1, 100, $2, 1, 0, 0"
                        " FROM shops WHERE owner_id = $3",
                        {ids_.next(), clock_.now_ms(), seller})
                  .is_ok());
  const Id buyer = user("bo");
  flaky_->down = true;  // the gateway is unreachable: the orders wait, unpaid
  CheckoutRequest r = buy(v, 2);
  r.coupons = {"once"};
  auto placed = checkout_->place(buyer, "k", r);
  EXPECT_EQ(placed.status().code(), Code::kUnavailable);
  EXPECT_EQ(reserved(v), 2);
  EXPECT_EQ(scalar("SELECT uses FROM coupons WHERE code = 'ONCE'"), 1);
  // Nothing expires early.
  EXPECT_EQ(run_jobs(CheckoutService::kExpireJob, [&](auto& ctx) { return checkout_->expire(ctx); }), 0);
  clock_.advance_ms(15 * 60'000 + 1);
  EXPECT_EQ(run_jobs(CheckoutService::kExpireJob, [&](auto& ctx) { return checkout_->expire(ctx); }), 1);
  EXPECT_EQ(reserved(v), 0);
  EXPECT_EQ(scalar("SELECT uses FROM coupons WHERE code = 'ONCE'"), 0);
  EXPECT_EQ(scalar("SELECT status FROM orders"), static_cast<int>(OrderStatus::kCancelled));
  // A retry with the key now finds the expired checkout: it charges nothing.
  flaky_->down = false;
  auto again = checkout_->place(buyer, "k", r);
  ASSERT_TRUE(again.is_ok()) << again.status().message();
  EXPECT_EQ(again->state, CheckoutState::kExpired);
  EXPECT_EQ(count("gateway_intents"), 0);
}

TEST_P(CheckoutTest, ARetryAfterAGatewayOutageChargesOnce) {
  const Id v = product("ana", 1000, 3);
  const Id buyer = user("bo");
  flaky_->down = true;
  EXPECT_EQ(checkout_->place(buyer, "k", buy(v, 1)).status().code(), Code::kUnavailable);
  flaky_->down = false;
  auto r = checkout_->place(buyer, "k", buy(v, 1));
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  EXPECT_EQ(r->state, CheckoutState::kSubmitted);
  ASSERT_TRUE(checkout_->place(buyer, "k", buy(v, 1)).is_ok());
  deliver_webhooks();
  EXPECT_EQ(count("gateway_intents"), 1);
  EXPECT_EQ(count("orders"), 1);
  EXPECT_EQ(on_hand(v), 2);
  EXPECT_TRUE(verified());
}

TEST_P(CheckoutTest, ACouponsPerBuyerLimitHoldsUnderConcurrency) {
  Id seller = 0;
  const Id v = product("ana", 1000, 100, &seller);
  ASSERT_TRUE(db_->exec("INSERT INTO coupons (id, shop_id, code, kind, value, starts_at,"
                        " per_buyer_limit, created_at, updated_at)"
                        " SELECT $1, id, 'HELLO', 0, 20, 0, 1, 0, 0 FROM shops WHERE owner_id = $2",
                        {ids_.next(), seller})
                  .is_ok());
  const Id buyer = user("bo");
  constexpr int kThreads = 12;
  std::barrier start(kThreads);
  std::atomic<int> ok{0}, refused{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      start.arrive_and_wait();
      CheckoutRequest r = buy(v, 1);
      r.coupons = {"HELLO"};
      auto out = checkout_->place(buyer, "k" + std::to_string(i), r);
      if (out) {
        ++ok;
      } else {
        EXPECT_TRUE(out.status().code() == Code::kInvalid || out.status().code() == Code::kConflict)
            << out.status().message();
        ++refused;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 1);
  EXPECT_EQ(refused.load(), kThreads - 1);
  EXPECT_EQ(scalar("SELECT uses FROM coupons WHERE code = 'HELLO'"), 1);
  EXPECT_EQ(scalar("SELECT discount FROM orders"), 200);
}

TEST_P(CheckoutTest, CancellingAPaidOrderRestocksAndRefundsEverything) {
  Id seller = 0;
  const Id v = product("ana", 2500, 4, &seller);
  const Id buyer = user("bo");
  auto placed = checkout_->place(buyer, "k", buy(v, 2));
  ASSERT_TRUE(placed.is_ok());
  deliver_webhooks();
  const Id order = placed->orders.at(0).id;
  EXPECT_EQ(orders_->cancel(user("eve"), order, "").status().code(), Code::kNotFound);
  auto cancelled = orders_->cancel(buyer, order, "changed my mind");
  ASSERT_TRUE(cancelled.is_ok()) << cancelled.status().message();
  EXPECT_EQ(cancelled->status, OrderStatus::kCancelled);
  EXPECT_EQ(cancelled->refunded, cancelled->total);
  EXPECT_EQ(on_hand(v), 4);
  EXPECT_EQ(orders_->cancel(buyer, order, "").status().code(), Code::kConflict);
  EXPECT_EQ(run_jobs(kRefundJob, [&](auto& ctx) { return orders_->refund_job(ctx); }), 1);
  deliver_webhooks();
  EXPECT_EQ(balance(ledger::kSellerPending, seller), 0);
  EXPECT_EQ(balance(ledger::kPlatformFees, 0), 0);
  EXPECT_EQ(balance(ledger::kTaxPayable, 0), 0);
  EXPECT_EQ(balance(ledger::kBuyerPayments, buyer), 0);
  EXPECT_EQ(balance(ledger::kGatewayClearing, 0), 0);
  EXPECT_EQ(scalar("SELECT amount_refunded FROM gateway_intents"), cancelled->total);
  EXPECT_TRUE(verified());
}

TEST_P(CheckoutTest, ShippingDeliveryAndTheReturnWindowSettleTheSeller) {
  Id seller = 0;
  const Id v = product("ana", 1000, 4, &seller);
  const Id buyer = user("bo");
  auto placed = checkout_->place(buyer, "k", buy(v, 1));
  ASSERT_TRUE(placed.is_ok());
  deliver_webhooks();
  const Id order = placed->orders.at(0).id;
  EXPECT_EQ(orders_->deliver(seller, order).status().code(), Code::kConflict);  // not shipped yet
  EXPECT_EQ(orders_->ship(buyer, order, "UPS", "1Z999").status().code(), Code::kForbidden);
  EXPECT_EQ(orders_->ship(seller, order, "UPS", "bad tracking!").status().code(), Code::kInvalid);
  auto shipped = orders_->ship(seller, order, "UPS", "1Z999AA10123456784");
  ASSERT_TRUE(shipped.is_ok()) << shipped.status().message();
  EXPECT_EQ(shipped->status, OrderStatus::kInTransit);
  EXPECT_EQ(orders_->cancel(buyer, order, "").status().code(), Code::kConflict);
  auto delivered = orders_->deliver(buyer, order);
  ASSERT_TRUE(delivered.is_ok()) << delivered.status().message();
  EXPECT_EQ(delivered->status, OrderStatus::kDelivered);
  // The seller is owed the goods less riff's 5% fee; the tax is riff's to remit.
  const std::int64_t pending = balance(ledger::kSellerPending, seller);
  EXPECT_EQ(pending, 1000 - 50);
  clock_.advance_ms(7 * 86'400'000LL + 1);
  ASSERT_TRUE(ledger_->settlements().settle_due().is_ok());
  EXPECT_EQ(balance(ledger::kSellerPending, seller), 0);
  EXPECT_EQ(balance(ledger::kSellerAvailable, seller), pending);
  EXPECT_EQ(run_jobs(OrderService::kCompleteJob, [&](auto& ctx) { return orders_->complete_job(ctx); }), 0);
  clock_.advance_ms(8 * 86'400'000LL);
  EXPECT_EQ(run_jobs(OrderService::kCompleteJob, [&](auto& ctx) { return orders_->complete_job(ctx); }), 1);
  EXPECT_EQ(orders_->get(buyer, order)->status, OrderStatus::kCompleted);
  EXPECT_TRUE(verified());
}

TEST_P(CheckoutTest, MoneyThatArrivesAfterTheBuyerCancelledIsGivenBack) {
  Id seller = 0;
  const Id v = product("ana", 1000, 2, &seller);
  const Id buyer = user("bo");
  auto placed = checkout_->place(buyer, "k", buy(v, 1));
  ASSERT_TRUE(placed.is_ok());
  // The buyer cancels while the gateway's webhook is still on its way.
  auto cancelled = orders_->cancel(buyer, placed->orders.at(0).id, "");
  ASSERT_TRUE(cancelled.is_ok()) << cancelled.status().message();
  EXPECT_EQ(reserved(v), 0);
  deliver_webhooks();
  EXPECT_EQ(orders_->get(buyer, placed->orders.at(0).id)->status, OrderStatus::kCancelled);
  EXPECT_EQ(on_hand(v), 2);
  EXPECT_EQ(balance(ledger::kSellerPending, seller), 0);
  EXPECT_EQ(run_jobs(kRefundJob, [&](auto& ctx) { return orders_->refund_job(ctx); }), 1);
  deliver_webhooks();
  EXPECT_EQ(scalar("SELECT amount_refunded FROM gateway_intents"), placed->amount);
  EXPECT_EQ(balance(ledger::kBuyerPayments, buyer), 0);
  EXPECT_EQ(balance(ledger::kGatewayClearing, 0), 0);
  EXPECT_TRUE(verified());
}

INSTANTIATE_TEST_SUITE_P(Db, CheckoutTest, ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         db::testing_support::backend_name);

}  // namespace
}  // namespace riff::orders
