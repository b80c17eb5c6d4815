#pragma once
// Affiliate plans: what a seller pays creators who sell their products.
//
//   open       any creator may promote; a rate per product or shop-wide
//   targeted   named creators, with their own rate and period; it wins over
//              the open rate for them
//
// A product-specific plan beats a shop-wide one of the same kind. The rate
// that applies to an attributed sale is fixed when the order is placed
// (order_items.commission_bps); the commission is rate x what the line
// cost after discounts, pending until the order settles and reversed in
// proportion by refunds (money.hpp).
//
// Thread-safe: holds no mutable state besides its dependencies.

#include <optional>
#include <string>
#include <vector>

#include "riff/core/clock.hpp"
#include "riff/core/ids.hpp"
#include "riff/db/database.hpp"

namespace riff::orders {

inline constexpr std::int64_t kMinCommissionBps = 100;   // 1%
inline constexpr std::int64_t kMaxCommissionBps = 8000;  // 80%

struct AffiliatePlan {
  Id id = 0;
  Id shop_id = 0;
  std::optional<Id> product_id;  // none: every product of the shop
  std::optional<Id> creator_id;  // set: a targeted plan for this creator
  std::int64_t rate_bps = 0;
  std::int64_t starts_at = 0;
  std::optional<std::int64_t> ends_at;
  bool active = true;
  std::int64_t created_at = 0;
};

/// A product a creator may promote, with the best rate they would earn.
struct PromotableProduct {
  Id product_id = 0;
  Id shop_id = 0;
  std::string shop_handle;
  std::string title;
  std::int64_t price_min = 0;
  std::string currency;
  std::int64_t rate_bps = 0;
  bool targeted = false;
};

/// One attributed order line, as the creator sees it.
struct Earning {
  Id order_id = 0;
  std::string status;  // pending (not yet settled), available, reversed
  std::string currency;
  std::string title;
  std::int64_t amount = 0;      // what the line cost the buyer
  std::int64_t rate_bps = 0;
  std::int64_t commission = 0;  // after refunds
  std::int64_t created_at = 0;
};

struct EarningsPage {
  std::vector<Earning> items;
  std::optional<std::string> next_cursor;
  std::int64_t pending = 0;    // sums in the first currency seen; see `currency`
  std::int64_t available = 0;
  std::string currency;
};

/// A seller's report line: one creator's sales of the shop's products.
struct AffiliateReportLine {
  Id creator_id = 0;
  std::string creator_handle;
  std::int64_t orders = 0;
  std::int64_t sales = 0;       // amount of the attributed lines, after refunds
  std::int64_t commission = 0;  // after refunds
};

class AffiliateService {
 public:
  AffiliateService(db::Database& db, IdGenerator& ids, const Clock& clock);

  /// Checks and stores a plan on the seller's own shop. kInvalid for a rate
  /// outside 1-80%, a product of another shop, a creator that does not
  /// exist or dates out of order.
  Result<AffiliatePlan> create(Id seller_id, AffiliatePlan plan);
  Result<std::vector<AffiliatePlan>> plans(Id seller_id);
  /// Ends a plan now (sales attributed before keep their rate).
  Result<AffiliatePlan> end(Id seller_id, Id plan_id);

  /// The rate for `creator` selling `product` of `shop` at `at_ms`, in the
  /// caller's transaction; 0 when no plan covers it.
  static Result<std::int64_t> rate_for(db::Conn& c, Id shop_id, Id product_id, Id creator_id,
                                       std::int64_t at_ms);

  /// Active products with an open plan (or one targeted at `creator`),
  /// best rate first.
  Result<std::vector<PromotableProduct>> promotable(Id creator_id, int limit);
  /// The creator's attributed order lines, newest first.
  Result<EarningsPage> earnings(Id creator_id, int limit, const std::optional<std::string>& cursor);
  /// Per creator, for the seller's shop, best seller first.
  Result<std::vector<AffiliateReportLine>> report(Id seller_id);

 private:
  Result<Id> shop_of(Id seller_id);

  db::Database& db_;
  IdGenerator& ids_;
  const Clock& clock_;
};

}  // namespace riff::orders
