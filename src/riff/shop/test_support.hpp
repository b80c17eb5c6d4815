#pragma once
// A scratch database with the shop's tables (and the accounts and video
// tables they refer to), a manual clock and the shop's services, for the
// module's unit tests. On SQLite, and on PostgreSQL when RIFF_TEST_PG_URL is
// set. Included by *_test.cpp files only.

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>

#include "riff/accounts/schema.hpp"
#include "riff/core/clock.hpp"
#include "riff/core/ids.hpp"
#include "riff/db/test_support.hpp"
#include "riff/shop/catalog.hpp"
#include "riff/shop/schema.hpp"
#include "riff/shop/shops.hpp"
#include "riff/shop/stock.hpp"
#include "riff/video/engagement_schema.hpp"
#include "riff/video/schema.hpp"

namespace riff::shop::testing_support {

using db::testing_support::Backend;

class ShopTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    scratch_.open(GetParam(), "shop", 16);
    if (IsSkipped() || HasFatalFailure()) return;
    db_ = std::move(scratch_.db);
    std::vector<db::Migration> m = accounts::migrations();
    for (auto& x : video::migrations()) m.push_back(std::move(x));
    for (auto& x : video::engagement_migrations()) m.push_back(std::move(x));
    for (auto& x : migrations()) m.push_back(std::move(x));
    Status st = db_->migrate(m);
    ASSERT_TRUE(st.is_ok()) << st.message();
    const auto media = scratch_.dir / "media";
    shops_ = std::make_unique<ShopService>(*db_, ids_, clock_, media);
    products_ = std::make_unique<ProductService>(*db_, ids_, clock_, media);
    stock_ = std::make_unique<StockService>(*db_, clock_);
  }

  void TearDown() override {
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

  /// A user with an open USD shop; returns the owner's id.
  Id seller(const std::string& handle) {
    const Id id = user(handle);
    ShopFields f;
    f.name = "Shop " + handle;
    f.handle = handle + "-shop";
    f.currency = "USD";
    auto shop = shops_->open(id, f);
    EXPECT_TRUE(shop.is_ok()) << shop.status().message();
    return id;
  }

  /// A one-variant product draft.
  static ProductDraft simple_draft(const std::string& title, const std::string& sku,
                                   std::int64_t price, std::int64_t on_hand) {
    ProductDraft d;
    d.title = title;
    d.status = ProductStatus::kActive;
    Variant v;
    v.sku = sku;
    v.price = price;
    v.on_hand = on_hand;
    d.variants.push_back(v);
    return d;
  }

  db::testing_support::ScratchDatabase scratch_;
  std::unique_ptr<db::Database> db_;
  ManualClock clock_{1'800'000'000'000};
  IdGenerator ids_{clock_};
  std::unique_ptr<ShopService> shops_;
  std::unique_ptr<ProductService> products_;
  std::unique_ptr<StockService> stock_;
};

}  // namespace riff::shop::testing_support
