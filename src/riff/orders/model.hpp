#pragma once
// Plain types of the orders module (carts, checkout, orders and refunds)
// and the pricing rules, which are pure functions so that a quote, a
// checkout and a test all compute the same numbers.
//
// Money is integer minor units of one currency. Every amount a buyer pays
// comes from the server's own prices, shipping options, coupons and tax
// table; a client only names variants, quantities and choices.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "riff/core/ids.hpp"
#include "riff/core/status.hpp"

namespace riff::orders {

inline constexpr std::int64_t kMaxLineQuantity = 99;
inline constexpr std::size_t kMaxCartLines = 100;
inline constexpr std::int64_t kBasisPoints = 10'000;

/// Stored as integers; keep the numbers stable.
enum class OrderStatus {
  kUnpaid = 0,
  kAwaitingShipment = 1,
  kInTransit = 2,
  kDelivered = 3,
  kCompleted = 4,
  kCancelled = 5,
};
std::string_view to_string(OrderStatus s);
std::optional<OrderStatus> parse_order_status(std::string_view s);

enum class CouponKind { kPercent = 0, kAmount = 1 };
std::string_view to_string(CouponKind k);
std::optional<CouponKind> parse_coupon_kind(std::string_view s);

struct ShippingAddress {
  std::string name;
  std::string line1;
  std::string line2;
  std::string city;
  std::string region;       // state or province, as written; matched upper-case for tax
  std::string postal_code;
  std::string country;      // ISO 3166-1 alpha-2, upper case
  std::string phone;
};
/// Field errors for a missing name, line1, city, postal code or a bad
/// country, each at `pointer_prefix` + "/field"; normalises country and region.
Result<ShippingAddress> validate_address(ShippingAddress a, const std::string& pointer_prefix);

struct ShippingOption {
  Id id = 0;
  Id shop_id = 0;
  std::string name;
  std::int64_t price = 0;
  int min_days = 0;
  int max_days = 0;
};

struct Coupon {
  Id id = 0;
  Id shop_id = 0;
  std::string code;  // upper case
  CouponKind kind = CouponKind::kPercent;
  std::int64_t value = 0;  // percent (1-100) or minor units
  std::int64_t min_subtotal = 0;
  std::int64_t starts_at = 0;
  std::optional<std::int64_t> ends_at;
  std::optional<std::int64_t> max_uses;  // across all buyers
  std::int64_t uses = 0;
  std::int64_t per_buyer_limit = 0;  // 0: no limit
  bool active = true;
  std::int64_t created_at = 0;
};
/// Checks a coupon as a seller writes it (code, kind, value, limits, dates).
Status validate_coupon(const Coupon& c);
/// A coupon code normalised: trimmed, upper case; empty when invalid
/// (3-32 of [A-Z0-9_-]).
std::string normalize_coupon_code(std::string_view code);

/// Sales tax rates in basis points by "CC" or "CC-REGION" ("US-CA:725,DE:1900").
class TaxTable {
 public:
  static Result<TaxTable> parse(std::string_view text);
  /// The rate for an address: its country-region entry, else its country's, else 0.
  std::int64_t rate_bps(std::string_view country, std::string_view region) const;
  bool empty() const { return rates_.empty(); }

 private:
  std::map<std::string, std::int64_t, std::less<>> rates_;
};

/// One line of an order as priced.
struct PriceLine {
  std::int64_t unit_price = 0;
  std::int64_t quantity = 0;
};

struct OrderQuote {
  std::int64_t subtotal = 0;  // sum of unit price x quantity
  std::int64_t discount = 0;  // the coupon's
  std::int64_t shipping = 0;
  std::int64_t tax = 0;
  std::int64_t total = 0;     // subtotal - discount + shipping + tax
  std::int64_t platform_fee = 0;
  std::vector<std::int64_t> line_discounts;  // the discount spread over the lines
};

/// Rounds a x bps / 10000 half up (a, bps >= 0).
std::int64_t apply_bps(std::int64_t amount, std::int64_t bps);

/// The discount a coupon gives on `subtotal` (0 when below its minimum).
std::int64_t coupon_discount(const Coupon& c, std::int64_t subtotal);

/// Prices one shop's order. Tax is charged on goods after discount plus
/// shipping; riff's fee on goods after discount. The discount is spread
/// over the lines in proportion to their amounts (largest remainder), so
/// a line's refund can give back exactly what it cost.
OrderQuote quote_order(const std::vector<PriceLine>& lines, std::int64_t shipping,
                       const Coupon* coupon, std::int64_t tax_bps, std::int64_t fee_bps);

/// How an order's total is shared out on payment: what the seller, riff,
/// the tax authority and each attributed creator get. Sums to the total.
struct Allocation {
  std::int64_t seller = 0;
  std::int64_t platform_fee = 0;
  std::int64_t tax = 0;
  std::map<Id, std::int64_t> creators;  // creator id -> commission
};

/// A variant as checkout sees it: the catalog's current facts.
struct ItemInfo {
  Id variant_id = 0;
  Id product_id = 0;
  Id shop_id = 0;
  Id seller_id = 0;
  std::string currency;
  std::string shop_handle;
  std::string shop_name;
  std::string title;
  std::string variant_title;  // option values joined with " / "
  std::string sku;
  std::int64_t unit_price = 0;
  std::int64_t available = 0;
  bool purchasable = false;  // product and shop active
  std::optional<std::string> image_path;
};

struct OrderItem {
  Id variant_id = 0;
  Id product_id = 0;
  std::string title;
  std::string variant_title;
  std::string sku;
  std::int64_t unit_price = 0;
  std::int64_t quantity = 0;
  std::int64_t discount = 0;
  std::optional<Id> creator_id;  // the attributed creator, if any
  std::int64_t commission_bps = 0;
  std::int64_t commission = 0;
  std::optional<Id> deal_id;  // bought at a flash deal's price
  std::int64_t amount() const { return unit_price * quantity - discount; }
};

struct OrderEvent {
  OrderStatus status = OrderStatus::kUnpaid;
  std::optional<Id> actor_id;
  std::string note;
  std::int64_t created_at = 0;
};

enum class ReturnState { kRequested = 0, kApproved = 1, kRejected = 2 };
std::string_view to_string(ReturnState s);
std::optional<ReturnState> parse_return_state(std::string_view s);

/// A buyer's request for money back on a delivered order: a refund only,
/// or a refund against the goods sent back. Decided by the seller, or
/// approved by itself at `respond_by`.
struct ReturnRequest {
  Id id = 0;
  Id order_id = 0;
  Id buyer_id = 0;
  Id seller_id = 0;
  bool send_back = false;  // goods are returned
  std::int64_t amount = 0;
  std::string currency;
  std::string reason;
  ReturnState state = ReturnState::kRequested;
  std::string seller_note;
  std::int64_t respond_by = 0;
  std::optional<std::int64_t> decided_at;
  bool auto_approved = false;
  std::optional<Id> refund_id;
  std::int64_t created_at = 0;
};

struct Order {
  Id id = 0;
  Id checkout_id = 0;
  Id buyer_id = 0;
  Id shop_id = 0;
  Id seller_id = 0;
  std::string shop_handle;
  std::string shop_name;
  OrderStatus status = OrderStatus::kUnpaid;
  std::string currency;
  std::int64_t subtotal = 0;
  std::int64_t discount = 0;
  std::int64_t shipping = 0;
  std::int64_t tax = 0;
  std::int64_t total = 0;
  std::int64_t platform_fee = 0;
  std::int64_t refunded = 0;
  std::optional<std::string> coupon_code;
  std::string shipping_option;
  ShippingAddress address;
  std::optional<std::string> carrier;
  std::optional<std::string> tracking_number;
  std::optional<std::string> cancel_reason;
  std::int64_t expires_at = 0;
  std::optional<std::int64_t> paid_at;
  std::optional<std::int64_t> shipped_at;
  std::optional<std::int64_t> delivered_at;
  std::optional<std::int64_t> completed_at;
  std::optional<std::int64_t> cancelled_at;
  std::int64_t created_at = 0;
  std::vector<OrderItem> items;
  std::vector<OrderEvent> events;

  std::int64_t commission_total() const;
  /// The shares of the total on payment (seller gets the rest).
  Allocation allocation() const;
};

}  // namespace riff::orders
