// Flash deals: the deal price while live, never more units than the deal
// holds nor more per buyer than its limit, even under concurrency, and a
// cancelled order giving its units back to the deal.

#include <gtest/gtest.h>

#include <barrier>
#include <thread>

#include "riff/orders/deals.hpp"
#include "riff/orders/test_support.hpp"

namespace riff::orders {
namespace {

using testing_support::Backend;
using testing_support::OrdersTest;

class DealsTest : public OrdersTest {
 protected:
  void SetUp() override {
    OrdersTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    deals_ = std::make_unique<FlashDealService>(*db_, ids_, clock_);
  }
  void TearDown() override {
    deals_.reset();
    OrdersTest::TearDown();
  }
  FlashDeal deal(Id seller, Id variant, std::int64_t price, std::int64_t quantity,
                 std::int64_t per_buyer) {
    FlashDeal d;
    d.variant_id = variant;
    d.deal_price = price;
    d.quantity = quantity;
    d.per_buyer_limit = per_buyer;
    d.ends_at = clock_.now_ms() + 3'600'000;
    auto made = deals_->create(seller, d);
    EXPECT_TRUE(made.is_ok()) << made.status().message();
    return made.is_ok() ? *made : FlashDeal{};
  }
  std::int64_t sold(Id deal) { return scalar("SELECT sold FROM flash_deals WHERE id = $1", {deal}); }
  std::unique_ptr<FlashDealService> deals_;
};

TEST_P(DealsTest, ALiveDealPricesTheLineAndEndsWhenSoldOutOrOver) {
  Id seller = 0;
  const Id v = product("ana", 2000, 100, &seller);
  const FlashDeal d = deal(seller, v, 1200, 3, 0);
  EXPECT_EQ(deals_->create(seller, FlashDeal{0, 0, 0, v, "", "", 0, 2500, 5, 0, 0, 0,
                                             clock_.now_ms() + 1000, true, 0})
                .status()
                .code(),
            Code::kInvalid);  // not below the regular price, and overlapping
  const Id buyer = user("bo");
  auto r = checkout_->place(buyer, "k1", buy(v, 2));
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  EXPECT_EQ(r->orders[0].items[0].unit_price, 1200);
  EXPECT_EQ(r->orders[0].items[0].deal_id, d.id);
  EXPECT_EQ(sold(d.id), 2);
  // One unit left at the deal price: two more are refused, naming the line.
  auto more = checkout_->place(user("cy"), "k2", buy(v, 2));
  ASSERT_EQ(more.status().code(), Code::kInvalid);
  EXPECT_EQ(more.status().fields().at(0).pointer, "/items/0/quantity");
  ASSERT_TRUE(checkout_->place(user("di"), "k3", buy(v, 1)).is_ok());
  // Sold out: the regular price again.
  auto regular = checkout_->place(user("ed"), "k4", buy(v, 1));
  ASSERT_TRUE(regular.is_ok());
  EXPECT_EQ(regular->orders[0].items[0].unit_price, 2000);
  EXPECT_FALSE(regular->orders[0].items[0].deal_id);
  // A cancelled order gives its units back to the deal.
  ASSERT_TRUE(orders_->cancel(buyer, r->orders[0].id, "").is_ok());
  EXPECT_EQ(sold(d.id), 1);
  clock_.advance_ms(3'600'000);
  auto after = checkout_->place(user("fa"), "k5", buy(v, 1));
  ASSERT_TRUE(after.is_ok());
  EXPECT_EQ(after->orders[0].items[0].unit_price, 2000);  // the deal is over
  deliver_webhooks();
  EXPECT_TRUE(verified());
}

TEST_P(DealsTest, TwoHundredBuyersAtOnceGetExactlyTheDealsUnits) {
  Id seller = 0;
  const Id v = product("ana", 2000, 1000, &seller);
  const FlashDeal d = deal(seller, v, 990, 20, 0);
  constexpr int kBuyers = 200;
  std::vector<Id> buyers;
  for (int i = 0; i < kBuyers; ++i) buyers.push_back(user("b" + std::to_string(i)));
  std::barrier start(kBuyers);
  std::atomic<int> at_deal{0}, refused{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kBuyers; ++i) {
    threads.emplace_back([&, i] {
      start.arrive_and_wait();
      auto r = checkout_->place(buyers[i], "k", buy(v, 1));
      if (r && r->orders[0].items[0].unit_price == 990) {
        ++at_deal;
      } else if (r || r.status().code() == Code::kConflict || r.status().code() == Code::kInvalid) {
        ++refused;  // the regular price once sold out, or refused in the race for the last units
      } else {
        ADD_FAILURE() << r.status().message();
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(at_deal.load(), 20);
  EXPECT_EQ(sold(d.id), 20);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM order_items WHERE deal_id = $1", {d.id}), 20);
}

TEST_P(DealsTest, APerBuyerLimitHoldsAgainstConcurrentCheckouts) {
  Id seller = 0;
  const Id v = product("ana", 2000, 1000, &seller);
  const FlashDeal d = deal(seller, v, 1000, 100, 2);
  const Id buyer = user("bo");
  constexpr int kThreads = 12;
  std::barrier start(kThreads);
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      start.arrive_and_wait();
      auto r = checkout_->place(buyer, "k" + std::to_string(i), buy(v, 1));
      if (r) {
        ++ok;
      } else {
        EXPECT_TRUE(r.status().code() == Code::kConflict || r.status().code() == Code::kInvalid)
            << r.status().message();
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 2);
  EXPECT_EQ(sold(d.id), 2);
  EXPECT_EQ(scalar("SELECT COALESCE(SUM(quantity), 0) FROM flash_deal_claims WHERE buyer_id = $1",
                   {buyer}),
            2);
  // Another buyer still gets theirs.
  EXPECT_TRUE(checkout_->place(user("cy"), "k", buy(v, 2)).is_ok());
}

INSTANTIATE_TEST_SUITE_P(Db, DealsTest, ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         db::testing_support::backend_name);

}  // namespace
}  // namespace riff::orders
