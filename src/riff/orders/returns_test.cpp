// Returns and refunds: requests only within the window of a delivered
// order, one open at a time, partial and full refunds through the ledger
// and the gateway, rejection with a note, approval by deadline, and a
// refund after the seller's settlement taken from their available balance.

#include <gtest/gtest.h>

#include "riff/orders/test_support.hpp"

namespace riff::orders {
namespace {

using testing_support::Backend;
using testing_support::OrdersTest;

class ReturnsTest : public OrdersTest {
 protected:
  /// A delivered order of `quantity` units at 1000 each; returns its id.
  Id delivered(Id* seller_out, Id* buyer_out, std::int64_t quantity = 2) {
    const Id v = product("ana", 1000, 10, seller_out);
    *buyer_out = user("bo");
    auto placed = checkout_->place(*buyer_out, "k", buy(v, quantity));
    EXPECT_TRUE(placed.is_ok()) << placed.status().message();
    deliver_webhooks();
    const Id order = placed->orders.at(0).id;
    EXPECT_TRUE(orders_->ship(*seller_out, order, "UPS", "1Z1").is_ok());
    EXPECT_TRUE(orders_->deliver(*buyer_out, order).is_ok());
    return order;
  }
  void refunds_reach_the_gateway() {
    run_jobs(kRefundJob, [&](auto& ctx) { return orders_->refund_job(ctx); });
    deliver_webhooks();
  }
};

TEST_P(ReturnsTest, APartialRefundThenTheRestEachGoThroughTheLedgerAndTheGateway) {
  Id seller = 0, buyer = 0;
  const Id order = delivered(&seller, &buyer);
  const std::int64_t total = orders_->get(buyer, order)->total;  // 2000 + 7.25% tax = 2145
  EXPECT_EQ(orders_->request_return(seller, order, std::nullopt, "why", false).status().code(),
            Code::kForbidden);
  EXPECT_EQ(orders_->request_return(buyer, order, total + 1, "too much", false).status().code(),
            Code::kInvalid);
  EXPECT_EQ(orders_->request_return(buyer, order, 500, "", false).status().code(), Code::kInvalid);
  auto first = orders_->request_return(buyer, order, 500, "one mug arrived chipped", false);
  ASSERT_TRUE(first.is_ok()) << first.status().message();
  EXPECT_EQ(first->state, ReturnState::kRequested);
  EXPECT_EQ(orders_->request_return(buyer, order, 100, "again", false).status().code(),
            Code::kConflict);
  EXPECT_EQ(orders_->approve_return(buyer, first->id).status().code(), Code::kForbidden);
  EXPECT_EQ(orders_->approve_return(user("eve"), first->id).status().code(), Code::kNotFound);
  auto approved = orders_->approve_return(seller, first->id);
  ASSERT_TRUE(approved.is_ok()) << approved.status().message();
  EXPECT_EQ(approved->state, ReturnState::kApproved);
  EXPECT_EQ(orders_->approve_return(seller, first->id).status().code(), Code::kConflict);
  EXPECT_EQ(orders_->get(buyer, order)->refunded, 500);
  refunds_reach_the_gateway();
  EXPECT_EQ(scalar("SELECT amount_refunded FROM gateway_intents"), 500);
  EXPECT_TRUE(verified());

  // The rest, by default.
  auto second = orders_->request_return(buyer, order, std::nullopt, "the other one too", true);
  ASSERT_TRUE(second.is_ok()) << second.status().message();
  EXPECT_EQ(second->amount, total - 500);
  ASSERT_TRUE(orders_->approve_return(seller, second->id).is_ok());
  refunds_reach_the_gateway();
  EXPECT_EQ(scalar("SELECT amount_refunded FROM gateway_intents"), total);
  EXPECT_EQ(balance(ledger::kSellerPending, seller), 0);
  EXPECT_EQ(balance(ledger::kPlatformFees, 0), 0);
  EXPECT_EQ(balance(ledger::kTaxPayable, 0), 0);
  EXPECT_EQ(orders_->request_return(buyer, order, std::nullopt, "more", false).status().code(),
            Code::kInvalid);  // nothing is left to refund
  EXPECT_TRUE(verified());
  // The settlement that was scheduled at delivery moved nothing once all was refunded.
  clock_.advance_ms(8 * 86'400'000LL);
  ASSERT_TRUE(ledger_->settlements().settle_due().is_ok());
  EXPECT_EQ(balance(ledger::kSellerAvailable, seller), 0);
  EXPECT_TRUE(verified());
}

TEST_P(ReturnsTest, ARejectionNeedsANoteAndAnUndecidedRequestIsApprovedAtTheDeadline) {
  Id seller = 0, buyer = 0;
  const Id order = delivered(&seller, &buyer);
  auto r = orders_->request_return(buyer, order, 300, "not as described", false);
  ASSERT_TRUE(r.is_ok());
  EXPECT_EQ(orders_->reject_return(seller, r->id, "").status().code(), Code::kInvalid);
  auto rejected = orders_->reject_return(seller, r->id, "the photos show no damage");
  ASSERT_TRUE(rejected.is_ok()) << rejected.status().message();
  EXPECT_EQ(rejected->state, ReturnState::kRejected);
  EXPECT_EQ(orders_->get(buyer, order)->refunded, 0);

  auto again = orders_->request_return(buyer, order, 300, "here are better photos", false);
  ASSERT_TRUE(again.is_ok()) << again.status().message();
  auto deadline = [&] {
    return run_jobs(OrderService::kReturnDeadlineJob,
                    [&](auto& ctx) { return orders_->return_deadline_job(ctx); });
  };
  EXPECT_EQ(deadline(), 0);  // the seller still has time
  clock_.advance_ms(2 * 86'400'000LL + 1);
  EXPECT_EQ(deadline(), 2);  // the rejected request's job finds nothing left to do
  auto after = orders_->return_request(buyer, again->id);
  ASSERT_TRUE(after.is_ok());
  EXPECT_EQ(after->state, ReturnState::kApproved);
  EXPECT_TRUE(after->auto_approved);
  EXPECT_EQ(orders_->get(buyer, order)->refunded, 300);
  refunds_reach_the_gateway();
  EXPECT_TRUE(verified());
}

TEST_P(ReturnsTest, OnlyDeliveredOrdersInTheWindowAndARefundAfterSettlementComesFromAvailable) {
  Id seller = 0, buyer = 0;
  const Id v = product("cy", 1000, 5, &seller);
  buyer = user("bo");
  auto placed = checkout_->place(buyer, "k", buy(v, 1));
  ASSERT_TRUE(placed.is_ok());
  deliver_webhooks();
  const Id order = placed->orders.at(0).id;
  EXPECT_EQ(orders_->request_return(buyer, order, std::nullopt, "early", false).status().code(),
            Code::kConflict);  // not delivered: cancel instead
  ASSERT_TRUE(orders_->ship(seller, order, "UPS", "1Z1").is_ok());
  ASSERT_TRUE(orders_->deliver(seller, order).is_ok());
  const std::int64_t share = balance(ledger::kSellerPending, seller);
  clock_.advance_ms(7 * 86'400'000LL + 1);  // settled, still inside the 15-day window
  ASSERT_TRUE(ledger_->settlements().settle_due().is_ok());
  EXPECT_EQ(balance(ledger::kSellerAvailable, seller), share);
  auto r = orders_->request_return(buyer, order, std::nullopt, "broke in a week", true);
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  ASSERT_TRUE(orders_->approve_return(seller, r->id).is_ok());
  EXPECT_EQ(balance(ledger::kSellerAvailable, seller), 0);
  EXPECT_EQ(balance(ledger::kSellerPending, seller), 0);
  refunds_reach_the_gateway();
  EXPECT_TRUE(verified());
  // The window closes: the order completes, and no more requests are taken.
  clock_.advance_ms(8 * 86'400'000LL);
  run_jobs(OrderService::kCompleteJob, [&](auto& ctx) { return orders_->complete_job(ctx); });
  EXPECT_EQ(orders_->get(buyer, order)->status, OrderStatus::kCompleted);
  EXPECT_EQ(orders_->request_return(buyer, order, 1, "late", false).status().code(),
            Code::kConflict);
}

TEST_P(ReturnsTest, AnOpenRequestHoldsTheOrderOpenPastTheWindow) {
  Id seller = 0, buyer = 0;
  const Id order = delivered(&seller, &buyer);
  clock_.advance_ms(15 * 86'400'000LL - 1000);  // the last second of the window
  ASSERT_TRUE(orders_->request_return(buyer, order, 100, "last minute", false).is_ok());
  clock_.advance_ms(2000);
  auto complete = [&] {
    return run_jobs(OrderService::kCompleteJob, [&](auto& ctx) { return orders_->complete_job(ctx); });
  };
  EXPECT_EQ(complete(), 1);  // ran, but put itself off until the request is decided
  EXPECT_EQ(orders_->get(buyer, order)->status, OrderStatus::kDelivered);
  clock_.advance_ms(2 * 86'400'000LL + 2);
  run_jobs(OrderService::kReturnDeadlineJob, [&](auto& ctx) { return orders_->return_deadline_job(ctx); });
  EXPECT_EQ(complete(), 1);
  EXPECT_EQ(orders_->get(buyer, order)->status, OrderStatus::kCompleted);
}

INSTANTIATE_TEST_SUITE_P(Db, ReturnsTest, ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         db::testing_support::backend_name);

}  // namespace
}  // namespace riff::orders
