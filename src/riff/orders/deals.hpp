#pragma once
// Flash deals: a variant sold at a deal price for a limited quantity and
// time, with a limit per buyer (live shopping uses them in streams).
//
// Checkout prices a line at the deal price while the deal is live and has
// units left, and claims the units in its transaction: one conditional
// UPDATE (`sold + q <= quantity`) decides, so the deal never sells more than
// its quantity, and the per-buyer count is taken after that UPDATE has
// locked the deal's row, so concurrent checkouts of one buyer cannot pass
// the limit together. A cancelled order gives its claim back.
//
// Thread-safe: holds no mutable state besides its dependencies.

#include <optional>
#include <string>
#include <vector>

#include "riff/core/clock.hpp"
#include "riff/core/ids.hpp"
#include "riff/db/database.hpp"

namespace riff::orders {

struct FlashDeal {
  Id id = 0;
  Id shop_id = 0;
  Id product_id = 0;
  Id variant_id = 0;
  std::string title;  // the product's
  std::string currency;
  std::int64_t regular_price = 0;
  std::int64_t deal_price = 0;
  std::int64_t quantity = 0;
  std::int64_t sold = 0;  // claimed by orders not cancelled
  std::int64_t per_buyer_limit = 0;  // 0: no limit
  std::int64_t starts_at = 0;
  std::int64_t ends_at = 0;
  bool active = true;  // false once ended by the seller
  std::int64_t created_at = 0;
  bool live(std::int64_t now) const {
    return active && starts_at <= now && now < ends_at && sold < quantity;
  }
};

class FlashDealService {
 public:
  FlashDealService(db::Database& db, IdGenerator& ids, const Clock& clock);

  /// A deal on one of the seller's variants. kInvalid for a deal price not
  /// below the regular price, quantity < 1, limits < 0, end not after start,
  /// or a deal overlapping another of the same variant.
  Result<FlashDeal> create(Id seller_id, FlashDeal deal);
  Result<std::vector<FlashDeal>> of_seller(Id seller_id);
  /// Ends a deal now.
  Result<FlashDeal> end(Id seller_id, Id deal_id);
  /// Deals live now or starting within a day, soonest ending first.
  Result<std::vector<FlashDeal>> current(int limit);

  /// The deal live for `variant_id` at `now`, in the caller's transaction.
  static Result<std::optional<FlashDeal>> live_for(db::Conn& c, Id variant_id, std::int64_t now);
  /// Units of `deal_id` claimed by `buyer_id` in orders not cancelled.
  static Result<std::int64_t> claimed_by(db::Conn& c, Id deal_id, Id buyer_id);
  /// Claims `quantity` units for an order; kConflict (the deal sold out, or
  /// the buyer's limit) changes nothing the caller's rollback keeps.
  static Status claim(db::Conn& c, const FlashDeal& deal, Id order_id, Id buyer_id,
                      std::int64_t quantity, std::int64_t now);
  /// Gives back an order's claims (a cancelled order).
  static Status release(db::Conn& c, Id order_id);

 private:
  db::Database& db_;
  IdGenerator& ids_;
  const Clock& clock_;
};

}  // namespace riff::orders
