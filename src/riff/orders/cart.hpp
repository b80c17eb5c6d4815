#pragma once
// Carts (one per buyer, across shops) and what sellers set for checkout:
// their shipping options and coupons.
//
// A cart line names a variant and a quantity; prices and stock are read
// afresh every time the cart is shown, so a cart never holds a stale price
// (checkout prices again anyway). Adding a variant already in the cart sets
// its quantity.
//
// Thread-safe: holds no mutable state besides its dependencies.

#include <optional>
#include <vector>

#include "riff/core/clock.hpp"
#include "riff/core/ids.hpp"
#include "riff/db/database.hpp"
#include "riff/orders/model.hpp"

namespace riff::orders {

struct CartLine {
  ItemInfo item;
  std::int64_t quantity = 0;
  std::int64_t added_at = 0;
};

struct Cart {
  std::vector<CartLine> lines;  // oldest first
  std::int64_t item_count = 0;  // units
};

class CartService {
 public:
  CartService(db::Database& db, const Clock& clock);

  Result<Cart> get(Id user_id);
  /// Sets a line's quantity (0 removes it). kInvalid for a quantity beyond
  /// kMaxLineQuantity or a full cart; kNotFound for a variant not for sale.
  Result<Cart> set(Id user_id, Id variant_id, std::int64_t quantity);
  Status clear(Id user_id);

 private:
  db::Database& db_;
  const Clock& clock_;
};

/// A seller's shipping options and coupons, on the seller's own shop.
class SellerSettings {
 public:
  SellerSettings(db::Database& db, IdGenerator& ids, const Clock& clock);

  /// The shop's options, in the order shown to buyers.
  Result<std::vector<ShippingOption>> shipping_options(Id shop_id);
  /// Replaces the seller's options (at most 10; names unique, prices >= 0,
  /// days 0..365 with min <= max).
  Result<std::vector<ShippingOption>> set_shipping_options(Id seller_id,
                                                           std::vector<ShippingOption> options);

  Result<std::vector<Coupon>> coupons(Id seller_id);
  /// kConflict when the shop already has the code.
  Result<Coupon> create_coupon(Id seller_id, Coupon coupon);
  /// Turns a coupon on or off.
  Result<Coupon> set_coupon_active(Id seller_id, Id coupon_id, bool active);

 private:
  Result<Id> shop_of(Id seller_id);

  db::Database& db_;
  IdGenerator& ids_;
  const Clock& clock_;
};

}  // namespace riff::orders
