// The pricing rules: discounts spread over lines exactly, tax and fee
// rounding, coupons, tax tables, addresses.

#include <gtest/gtest.h>

#include <numeric>

#include "riff/core/rfc3339.hpp"
#include "riff/orders/model.hpp"

namespace riff::orders {
namespace {

TEST(QuoteOrder, AddsShippingAndTaxOnDiscountedGoods) {
  Coupon ten;
  ten.kind = CouponKind::kPercent;
  ten.value = 10;
  // 2 x 1999 + 1 x 501 = 4499; 10% off = 449; goods 4050; shipping 500;
  // tax 7.25% of 4550 = 329.875 -> 330; fee 5% of 4050 = 202.5 -> 203.
  const OrderQuote q = quote_order({{1999, 2}, {501, 1}}, 500, &ten, 725, 500);
  EXPECT_EQ(q.subtotal, 4499);
  EXPECT_EQ(q.discount, 449);
  EXPECT_EQ(q.shipping, 500);
  EXPECT_EQ(q.tax, 330);
  EXPECT_EQ(q.total, 4499 - 449 + 500 + 330);
  EXPECT_EQ(q.platform_fee, 203);
}

TEST(QuoteOrder, SpreadsTheDiscountOverLinesToTheUnit) {
  Coupon off;
  off.kind = CouponKind::kAmount;
  off.value = 100;
  const std::vector<PriceLine> lines = {{333, 1}, {333, 1}, {334, 1}};
  const OrderQuote q = quote_order(lines, 0, &off, 0, 0);
  ASSERT_EQ(q.line_discounts.size(), 3u);
  EXPECT_EQ(std::accumulate(q.line_discounts.begin(), q.line_discounts.end(), std::int64_t{0}), 100);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    EXPECT_GE(q.line_discounts[i], 33);
    EXPECT_LE(q.line_discounts[i], 34);
    EXPECT_LE(q.line_discounts[i], lines[i].unit_price);
  }
}

TEST(QuoteOrder, AmountCouponsNeverGoBelowZeroAndMinimumsHold) {
  Coupon big;
  big.kind = CouponKind::kAmount;
  big.value = 10'000;
  EXPECT_EQ(quote_order({{500, 1}}, 0, &big, 0, 0).total, 0);
  Coupon min;
  min.kind = CouponKind::kPercent;
  min.value = 50;
  min.min_subtotal = 1000;
  EXPECT_EQ(quote_order({{999, 1}}, 0, &min, 0, 0).discount, 0);
  EXPECT_EQ(quote_order({{1000, 1}}, 0, &min, 0, 0).discount, 500);
}

TEST(OrderAllocation, SharesSumToTheTotal) {
  Order o;
  o.seller_id = 7;
  o.total = 10'000;
  o.platform_fee = 450;
  o.tax = 700;
  OrderItem a;
  a.creator_id = 9;
  a.commission = 900;
  OrderItem b;
  o.items = {a, b};
  const Allocation al = o.allocation();
  EXPECT_EQ(al.seller + al.platform_fee + al.tax + al.creators.at(9), o.total);
  EXPECT_EQ(al.seller, 10'000 - 450 - 700 - 900);
}

TEST(TaxTable, RegionBeatsCountryAndUnknownIsZero) {
  auto t = TaxTable::parse("US-CA:725, us:500,DE:1900");
  ASSERT_TRUE(t.is_ok()) << t.status().message();
  EXPECT_EQ(t->rate_bps("US", "ca"), 725);
  EXPECT_EQ(t->rate_bps("US", "NY"), 500);
  EXPECT_EQ(t->rate_bps("DE", ""), 1900);
  EXPECT_EQ(t->rate_bps("FR", ""), 0);
  EXPECT_TRUE(TaxTable::parse("")->empty());
  EXPECT_FALSE(TaxTable::parse("US").is_ok());
  EXPECT_FALSE(TaxTable::parse("XX:100").is_ok());
  EXPECT_FALSE(TaxTable::parse("US:9000").is_ok());
  EXPECT_FALSE(TaxTable::parse("US:-1").is_ok());
}

TEST(Coupons, CodesAndRulesAreChecked) {
  EXPECT_EQ(normalize_coupon_code(" summer-10 "), "SUMMER-10");
  EXPECT_EQ(normalize_coupon_code("ab"), "");
  EXPECT_EQ(normalize_coupon_code("no spaces"), "");
  Coupon c;
  c.code = "SAVE10";
  c.kind = CouponKind::kPercent;
  c.value = 10;
  c.starts_at = 1000;
  EXPECT_TRUE(validate_coupon(c).is_ok());
  c.value = 101;
  EXPECT_EQ(validate_coupon(c).code(), Code::kInvalid);
  c.value = 10;
  c.ends_at = 500;
  EXPECT_EQ(validate_coupon(c).code(), Code::kInvalid);
}

TEST(Addresses, RequiredFieldsAreNamedAndCountryNormalised) {
  ShippingAddress a{"Ana", "1 Main St", "", "Springfield", "ca", "12345", "us", ""};
  auto ok = validate_address(a, "/shipping_address");
  ASSERT_TRUE(ok.is_ok()) << ok.status().message();
  EXPECT_EQ(ok->country, "US");
  auto bad = validate_address(ShippingAddress{}, "/shipping_address");
  ASSERT_FALSE(bad.is_ok());
  std::vector<std::string> pointers;
  for (const auto& f : bad.status().fields()) pointers.push_back(f.pointer);
  for (const char* p : {"/shipping_address/name", "/shipping_address/line1",
                        "/shipping_address/city", "/shipping_address/postal_code",
                        "/shipping_address/country"}) {
    EXPECT_NE(std::find(pointers.begin(), pointers.end(), p), pointers.end()) << p;
  }
}

TEST(Rfc3339, ReadsWhatToRfc3339WritesAndOffsets) {
  EXPECT_EQ(parse_rfc3339("2026-11-22T11:25:23.000Z"), 1795346723000);
  EXPECT_EQ(parse_rfc3339("2026-11-22T11:25:23Z"), 1795346723000);
  EXPECT_EQ(parse_rfc3339("2026-11-22T16:55:23.5+05:30"), 1795346723500);
  EXPECT_FALSE(parse_rfc3339("2026-02-31T00:00:00Z"));
  EXPECT_FALSE(parse_rfc3339("2026-11-22 11:25:23Z"));
  EXPECT_FALSE(parse_rfc3339("2026-11-22T11:25:23"));
}

}  // namespace
}  // namespace riff::orders
