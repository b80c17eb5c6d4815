// Stock reservations: many threads racing for few units never oversell,
// on SQLite and PostgreSQL; release and commit move units once; expired
// holds return; on_hand never drops below what is reserved.

#include "riff/shop/stock.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "riff/shop/test_support.hpp"

namespace riff::shop {
namespace {

using testing_support::Backend;

class StockTest : public testing_support::ShopTest {
 protected:
  /// One active product with one variant of `on_hand` units; the variant id.
  Id variant(std::int64_t on_hand) {
    const Id owner = seller("seller" + std::to_string(++sellers_));
    auto p = products_->create(owner, simple_draft("Hot item", "HOT-1", 1999, on_hand));
    EXPECT_TRUE(p.is_ok()) << p.status().message();
    return p->variants.at(0).id;
  }
  int sellers_ = 0;
};

TEST_P(StockTest, ManyThreadsRacingForFewUnitsNeverOversell) {
  constexpr int kUnits = 10;
  constexpr int kThreads = 16;
  constexpr int kBuyersPerThread = 10;
  const Id v = variant(kUnits);
  std::atomic<int> won{0}, out_of_stock{0}, other{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kBuyersPerThread; ++i) {
        const Id reservation = 1 + t * kBuyersPerThread + i;
        Status st = stock_->reserve(v, 1, reservation, clock_.now_ms() + 60'000);
        if (st.is_ok()) {
          ++won;
        } else if (st.code() == Code::kConflict && st.message() == kOutOfStock) {
          ++out_of_stock;
        } else {
          ++other;
          ADD_FAILURE() << st.message();
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(won.load(), kUnits);
  EXPECT_EQ(out_of_stock.load(), kThreads * kBuyersPerThread - kUnits);
  EXPECT_EQ(other.load(), 0);
  auto level = stock_->level(v);
  ASSERT_TRUE(level.is_ok());
  EXPECT_EQ(level->reserved, kUnits);
  EXPECT_EQ(level->available(), 0);
  auto held = db_->query("SELECT COUNT(*), SUM(quantity) FROM stock_reservations WHERE state = 0");
  ASSERT_TRUE(held.is_ok());
  EXPECT_EQ((*held)[0].i64(0), kUnits);
  EXPECT_EQ((*held)[0].i64(1), kUnits);
}

TEST_P(StockTest, ConcurrentMultiUnitReservationsStayWithinStock) {
  const Id v = variant(25);
  std::atomic<std::int64_t> units{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 12; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 5; ++i) {
        const std::int64_t q = 1 + (t + i) % 4;
        if (stock_->reserve(v, q, 1000 + t * 10 + i, clock_.now_ms() + 60'000).is_ok()) units += q;
      }
    });
  }
  for (auto& t : threads) t.join();
  auto level = stock_->level(v);
  ASSERT_TRUE(level.is_ok());
  EXPECT_LE(units.load(), 25);
  EXPECT_EQ(level->reserved, units.load());
  EXPECT_GE(level->available(), 0);
}

TEST_P(StockTest, ReleaseAndCommitMoveUnitsOnceEvenWhenRacing) {
  const Id v = variant(5);
  ASSERT_TRUE(stock_->reserve(v, 2, 1, clock_.now_ms() + 60'000).is_ok());
  ASSERT_TRUE(stock_->reserve(v, 3, 2, clock_.now_ms() + 60'000).is_ok());
  EXPECT_EQ(stock_->reserve(v, 1, 3, clock_.now_ms() + 60'000).message(), kOutOfStock);

  // Eight threads release reservation 1 and commit reservation 2 at once.
  std::atomic<std::int64_t> released{0}, committed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      if (auto n = stock_->release(1); n.is_ok()) released += *n;
      if (auto n = stock_->commit(2); n.is_ok()) committed += *n;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(released.load(), 2);
  EXPECT_EQ(committed.load(), 3);
  auto level = stock_->level(v);
  ASSERT_TRUE(level.is_ok());
  EXPECT_EQ(level->on_hand, 2);  // 3 sold
  EXPECT_EQ(level->reserved, 0);
  // A committed reservation cannot be released into stock again.
  EXPECT_EQ(*stock_->release(2), 0);
  EXPECT_EQ(stock_->level(v)->on_hand, 2);
}

TEST_P(StockTest, AnIdenticalRetryIsANoOpAndADifferentOneAConflict) {
  const Id v = variant(5);
  ASSERT_TRUE(stock_->reserve(v, 2, 7, clock_.now_ms() + 60'000).is_ok());
  ASSERT_TRUE(stock_->reserve(v, 2, 7, clock_.now_ms() + 60'000).is_ok());
  EXPECT_EQ(stock_->level(v)->reserved, 2);
  EXPECT_EQ(stock_->reserve(v, 3, 7, clock_.now_ms() + 60'000).code(), Code::kConflict);
  EXPECT_EQ(stock_->reserve(v, 0, 8, clock_.now_ms() + 60'000).code(), Code::kInvalid);
  EXPECT_EQ(stock_->reserve(424242, 1, 9, clock_.now_ms() + 60'000).code(), Code::kNotFound);
  EXPECT_EQ(stock_->level(v)->reserved, 2);
}

TEST_P(StockTest, ExpiredHoldsReturnToStock) {
  const Id v = variant(3);
  ASSERT_TRUE(stock_->reserve(v, 2, 1, clock_.now_ms() + 1'000).is_ok());
  ASSERT_TRUE(stock_->reserve(v, 1, 2, clock_.now_ms() + 60'000).is_ok());
  EXPECT_EQ(*stock_->expire_due(), 0);
  clock_.advance_ms(1'000);
  EXPECT_EQ(*stock_->expire_due(), 1);
  EXPECT_EQ(stock_->level(v)->reserved, 1);
  EXPECT_EQ(*stock_->commit(1), 0) << "an expired hold cannot be sold";
}

TEST_P(StockTest, OnHandNeverDropsBelowReserved) {
  const Id v = variant(3);
  ASSERT_TRUE(stock_->reserve(v, 2, 1, clock_.now_ms() + 60'000).is_ok());
  EXPECT_EQ(stock_->adjust(v, -2).status().code(), Code::kConflict);
  auto after = stock_->adjust(v, -1);
  ASSERT_TRUE(after.is_ok()) << after.status().message();
  EXPECT_EQ(after->on_hand, 2);
  EXPECT_EQ(stock_->adjust(v, 10)->on_hand, 12);
}

INSTANTIATE_TEST_SUITE_P(Db, StockTest, ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         db::testing_support::backend_name);

}  // namespace
}  // namespace riff::shop
