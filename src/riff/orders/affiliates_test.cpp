// Affiliate plans: which rate applies (targeted over open, a product's own
// plan over shop-wide, only in their period), the commission fixed at
// checkout from the last tap, its settlement and its reversal by a refund.

#include <gtest/gtest.h>

#include "riff/orders/affiliates.hpp"
#include "riff/orders/test_support.hpp"

namespace riff::orders {
namespace {

using testing_support::Backend;
using testing_support::OrdersTest;

class AffiliateTest : public OrdersTest {
 protected:
  void SetUp() override {
    OrdersTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    affiliates_ = std::make_unique<AffiliateService>(*db_, ids_, clock_);
  }
  void TearDown() override {
    affiliates_.reset();
    OrdersTest::TearDown();
  }
  Id product_of(Id variant) {
    return scalar("SELECT product_id FROM product_variants WHERE id = $1", {variant});
  }
  std::int64_t rate(Id seller, Id variant, Id creator) {
    const Id shop = scalar("SELECT id FROM shops WHERE owner_id = $1", {seller});
    std::int64_t out = -1;
    EXPECT_TRUE(db_->transact([&](db::Conn& c) -> Status {
                     RIFF_ASSIGN_OR_RETURN(out, AffiliateService::rate_for(c, shop, product_of(variant),
                                                                            creator, clock_.now_ms()));
                     return Status::ok();
                   }).is_ok());
    return out;
  }
  void tap(Id buyer, Id variant, Id creator) {
    ASSERT_TRUE(db_->exec("INSERT INTO product_taps (id, user_id, product_id, creator_id, source,"
                          " created_at) VALUES ($1, $2, $3, $4, 1, $5)",
                          {ids_.next(), buyer, product_of(variant), creator, clock_.now_ms()})
                    .is_ok());
  }
  std::unique_ptr<AffiliateService> affiliates_;
};

TEST_P(AffiliateTest, TargetedBeatsOpenAndAProductsPlanBeatsShopWide) {
  Id seller = 0;
  const Id v = product("ana", 1000, 5, &seller);
  const Id cy = user("cy");
  const Id di = user("di");
  EXPECT_EQ(rate(seller, v, cy), 0);
  AffiliatePlan open;
  open.rate_bps = 1000;
  ASSERT_TRUE(affiliates_->create(seller, open).is_ok());
  AffiliatePlan product_open;
  product_open.product_id = product_of(v);
  product_open.rate_bps = 500;
  ASSERT_TRUE(affiliates_->create(seller, product_open).is_ok());
  EXPECT_EQ(rate(seller, v, cy), 500);  // the product's own plan, though lower
  AffiliatePlan targeted;
  targeted.creator_id = cy;
  targeted.rate_bps = 2000;
  targeted.ends_at = clock_.now_ms() + 86'400'000;
  auto t = affiliates_->create(seller, targeted);
  ASSERT_TRUE(t.is_ok()) << t.status().message();
  EXPECT_EQ(rate(seller, v, cy), 2000);
  EXPECT_EQ(rate(seller, v, di), 500);
  clock_.advance_ms(86'400'000);  // the targeted period is over
  EXPECT_EQ(rate(seller, v, cy), 500);
  // Bad plans are refused, each naming its field.
  AffiliatePlan bad;
  bad.rate_bps = 9000;
  EXPECT_EQ(affiliates_->create(seller, bad).status().code(), Code::kInvalid);
  bad.rate_bps = 1000;
  bad.product_id = product_of(product("eve", 1000, 1));
  EXPECT_EQ(affiliates_->create(seller, bad).status().code(), Code::kInvalid);
  EXPECT_EQ(affiliates_->create(user("nobody"), open).status().code(), Code::kNotFound);
}

TEST_P(AffiliateTest, TheLastTapEarnsTheCommissionWhichSettlesAndARefundReverses) {
  Id seller = 0;
  const Id v = product("ana", 2000, 5, &seller);
  const Id cy = user("cy");
  const Id di = user("di");
  AffiliatePlan open;
  open.rate_bps = 1500;
  ASSERT_TRUE(affiliates_->create(seller, open).is_ok());
  const Id buyer = user("bo");
  tap(buyer, v, di);
  clock_.advance_ms(1000);
  tap(buyer, v, cy);  // the last tap wins
  auto placed = checkout_->place(buyer, "k", buy(v, 1));
  ASSERT_TRUE(placed.is_ok()) << placed.status().message();
  const Order& o = placed->orders.at(0);
  ASSERT_EQ(o.items.size(), 1u);
  EXPECT_EQ(o.items[0].creator_id, cy);
  EXPECT_EQ(o.items[0].commission_bps, 1500);
  EXPECT_EQ(o.items[0].commission, 300);
  deliver_webhooks();
  EXPECT_EQ(balance(ledger::kCreatorPending, cy), 300);
  EXPECT_EQ(balance(ledger::kCreatorPending, di), 0);
  // The commission comes out of the seller's share: goods 2000 - fee 100 - commission 300.
  EXPECT_EQ(balance(ledger::kSellerPending, seller), 2000 - 100 - 300);
  auto e = affiliates_->earnings(cy, 10, std::nullopt);
  ASSERT_TRUE(e.is_ok()) << e.status().message();
  ASSERT_EQ(e->items.size(), 1u);
  EXPECT_EQ(e->items[0].status, "pending");
  EXPECT_EQ(e->pending, 300);
  auto report = affiliates_->report(seller);
  ASSERT_TRUE(report.is_ok()) << report.status().message();
  ASSERT_EQ(report->size(), 1u);
  EXPECT_EQ((*report)[0].creator_id, cy);
  EXPECT_EQ((*report)[0].commission, 300);

  // Ship, deliver, settle: the commission becomes available.
  ASSERT_TRUE(orders_->ship(seller, o.id, "UPS", "1Z1").is_ok());
  ASSERT_TRUE(orders_->deliver(buyer, o.id).is_ok());
  clock_.advance_ms(7 * 86'400'000LL + 1);
  ASSERT_TRUE(ledger_->settlements().settle_due().is_ok());
  EXPECT_EQ(balance(ledger::kCreatorAvailable, cy), 300);
  e = affiliates_->earnings(cy, 10, std::nullopt);
  EXPECT_EQ(e->items.at(0).status, "available");
  EXPECT_EQ(e->available, 300);
  EXPECT_TRUE(verified());

  // A second sale, cancelled before shipping: the commission is reversed.
  tap(buyer, v, cy);
  auto second = checkout_->place(buyer, "k2", buy(v, 2));
  ASSERT_TRUE(second.is_ok());
  deliver_webhooks();
  EXPECT_EQ(balance(ledger::kCreatorPending, cy), 600);
  ASSERT_TRUE(orders_->cancel(seller, second->orders.at(0).id, "out of stock at the warehouse").is_ok());
  EXPECT_EQ(balance(ledger::kCreatorPending, cy), 0);
  e = affiliates_->earnings(cy, 1, std::nullopt);
  ASSERT_EQ(e->items.size(), 1u);
  EXPECT_EQ(e->items[0].status, "reversed");
  ASSERT_TRUE(e->next_cursor);
  auto next = affiliates_->earnings(cy, 1, e->next_cursor);
  ASSERT_EQ(next->items.size(), 1u);
  EXPECT_EQ(next->items[0].order_id, o.id);
  EXPECT_FALSE(next->next_cursor);
  EXPECT_EQ(run_jobs(kRefundJob, [&](auto& ctx) { return orders_->refund_job(ctx); }), 1);
  deliver_webhooks();
  EXPECT_TRUE(verified());
}

TEST_P(AffiliateTest, CreatorsFindProductsWithTheirBestRate) {
  Id seller = 0;
  const Id v = product("ana", 1000, 5, &seller);
  const Id cy = user("cy");
  AffiliatePlan open;
  open.rate_bps = 800;
  ASSERT_TRUE(affiliates_->create(seller, open).is_ok());
  AffiliatePlan targeted;
  targeted.creator_id = cy;
  targeted.rate_bps = 1200;
  ASSERT_TRUE(affiliates_->create(seller, targeted).is_ok());
  auto for_cy = affiliates_->promotable(cy, 10);
  ASSERT_TRUE(for_cy.is_ok()) << for_cy.status().message();
  ASSERT_EQ(for_cy->size(), 1u);
  EXPECT_EQ((*for_cy)[0].product_id, product_of(v));
  EXPECT_EQ((*for_cy)[0].rate_bps, 1200);
  EXPECT_TRUE((*for_cy)[0].targeted);
  auto for_other = affiliates_->promotable(user("di"), 10);
  EXPECT_EQ(for_other->at(0).rate_bps, 800);
  EXPECT_TRUE(affiliates_->promotable(seller, 10)->empty());  // not their own products
}

INSTANTIATE_TEST_SUITE_P(Db, AffiliateTest, ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         db::testing_support::backend_name);

}  // namespace
}  // namespace riff::orders
