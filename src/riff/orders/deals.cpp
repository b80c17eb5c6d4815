#include "riff/orders/deals.hpp"

namespace riff::orders {
namespace {

constexpr std::string_view kDealColumns =
    "d.id, d.shop_id, v.product_id, d.variant_id, p.title, s.currency, v.price, d.deal_price,"
    " d.quantity, d.sold, d.per_buyer_limit, d.starts_at, d.ends_at, d.active, d.created_at";
constexpr std::string_view kDealFrom =
    " FROM flash_deals d JOIN product_variants v ON v.id = d.variant_id"
    " JOIN products p ON p.id = v.product_id JOIN shops s ON s.id = d.shop_id";

FlashDeal deal_from(const db::Row& r) {
  FlashDeal d;
  d.id = r.i64(0);
  d.shop_id = r.i64(1);
  d.product_id = r.i64(2);
  d.variant_id = r.i64(3);
  d.title = r.str(4);
  d.currency = r.str(5);
  d.regular_price = r.i64(6);
  d.deal_price = r.i64(7);
  d.quantity = r.i64(8);
  d.sold = r.i64(9);
  d.per_buyer_limit = r.i64(10);
  d.starts_at = r.i64(11);
  d.ends_at = r.i64(12);
  d.active = r.i64(13) != 0;
  d.created_at = r.i64(14);
  return d;
}

}  // namespace

FlashDealService::FlashDealService(db::Database& db, IdGenerator& ids, const Clock& clock)
    : db_(db), ids_(ids), clock_(clock) {}

Result<FlashDeal> FlashDealService::create(Id seller_id, FlashDeal deal) {
  const std::int64_t now = clock_.now_ms();
  if (deal.starts_at == 0) deal.starts_at = now;
  std::vector<FieldError> errors;
  if (deal.quantity < 1 || deal.quantity > 1'000'000) errors.push_back({"/quantity", "quantity is 1-1000000"});
  if (deal.per_buyer_limit < 0) errors.push_back({"/per_buyer_limit", "per_buyer_limit is 0 (none) or more"});
  if (deal.ends_at <= deal.starts_at) errors.push_back({"/ends_at", "ends_at is after starts_at"});
  if (deal.ends_at - deal.starts_at > 30 * 86'400'000LL) {
    errors.push_back({"/ends_at", "a flash deal lasts at most 30 days"});
  }
  if (deal.deal_price < 1) errors.push_back({"/deal_price", "deal_price is a positive amount"});
  if (!errors.empty()) return Status::invalid(std::move(errors));
  const Id id = ids_.next();
  RIFF_RETURN_IF_ERROR(db_.transact([&](db::Conn& c) -> Status {
    RIFF_ASSIGN_OR_RETURN(db::Rows v,
                          c.query("SELECT v.price, s.id FROM product_variants v"
                                  " JOIN shops s ON s.id = v.shop_id"
                                  " WHERE v.id = $1 AND s.owner_id = $2",
                                  {deal.variant_id, seller_id}));
    if (v.empty()) return Status::invalid("/variant_id", "no such variant in your shop");
    if (deal.deal_price >= v[0].i64(0)) {
      return Status::invalid("/deal_price", "a deal price is below the regular price (" +
                                                std::to_string(v[0].i64(0)) + ")");
    }
    deal.shop_id = v[0].i64(1);
    RIFF_ASSIGN_OR_RETURN(db::Rows overlap,
                          c.query("SELECT 1 FROM flash_deals WHERE variant_id = $1 AND active = 1"
                                  " AND starts_at < $3 AND ends_at > $2",
                                  {deal.variant_id, deal.starts_at, deal.ends_at}));
    if (!overlap.empty()) {
      return Status::invalid("/starts_at", "another deal on this variant overlaps these times");
    }
    return c.exec("INSERT INTO flash_deals (id, shop_id, variant_id, deal_price, quantity,"
                  " per_buyer_limit, starts_at, ends_at, active, created_at, updated_at)"
                  " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9, $9)",
                  {id, deal.shop_id, deal.variant_id, deal.deal_price, deal.quantity,
                   deal.per_buyer_limit, deal.starts_at, deal.ends_at, now})
        .status();
  }));
  RIFF_ASSIGN_OR_RETURN(db::Rows rows, db_.query("SELECT " + std::string(kDealColumns) +
                                                     std::string(kDealFrom) + " WHERE d.id = $1",
                                                 {id}));
  return deal_from(rows[0]);
}

Result<std::vector<FlashDeal>> FlashDealService::of_seller(Id seller_id) {
  RIFF_ASSIGN_OR_RETURN(db::Rows rows,
                        db_.query("SELECT " + std::string(kDealColumns) + std::string(kDealFrom) +
                                      " WHERE s.owner_id = $1 ORDER BY d.id DESC LIMIT 500",
                                  {seller_id}));
  std::vector<FlashDeal> out;
  for (const auto& r : rows) out.push_back(deal_from(r));
  return out;
}

Result<FlashDeal> FlashDealService::end(Id seller_id, Id deal_id) {
  const std::int64_t now = clock_.now_ms();
  RIFF_ASSIGN_OR_RETURN(
      std::int64_t changed,
      db_.exec("UPDATE flash_deals SET active = 0, ends_at = CASE WHEN ends_at > $3 THEN $3"
               " ELSE ends_at END, updated_at = $3 WHERE id = $1"
               " AND shop_id IN (SELECT id FROM shops WHERE owner_id = $2)",
               {deal_id, seller_id, now}));
  if (changed == 0) return Status::not_found("No such deal in your shop.");
  RIFF_ASSIGN_OR_RETURN(db::Rows rows, db_.query("SELECT " + std::string(kDealColumns) +
                                                     std::string(kDealFrom) + " WHERE d.id = $1",
                                                 {deal_id}));
  return deal_from(rows[0]);
}

Result<std::vector<FlashDeal>> FlashDealService::current(int limit) {
  const std::int64_t now = clock_.now_ms();
  RIFF_ASSIGN_OR_RETURN(db::Rows rows,
                        db_.query("SELECT " + std::string(kDealColumns) + std::string(kDealFrom) +
                                      " WHERE d.active = 1 AND d.ends_at > $1 AND d.starts_at <= $2"
                                      " AND p.status = 1 AND s.status = 0"
                                      " ORDER BY d.ends_at, d.id LIMIT $3",
                                  {now, now + 86'400'000, limit}));
  std::vector<FlashDeal> out;
  for (const auto& r : rows) out.push_back(deal_from(r));
  return out;
}

Result<std::optional<FlashDeal>> FlashDealService::live_for(db::Conn& c, Id variant_id,
                                                            std::int64_t now) {
  RIFF_ASSIGN_OR_RETURN(db::Rows rows,
                        c.query("SELECT " + std::string(kDealColumns) + std::string(kDealFrom) +
                                    " WHERE d.variant_id = $1 AND d.active = 1 AND d.starts_at <= $2"
                                    " AND d.ends_at > $2 ORDER BY d.id LIMIT 1",
                                {variant_id, now}));
  if (rows.empty()) return std::optional<FlashDeal>();
  return std::optional<FlashDeal>(deal_from(rows[0]));
}

Result<std::int64_t> FlashDealService::claimed_by(db::Conn& c, Id deal_id, Id buyer_id) {
  RIFF_ASSIGN_OR_RETURN(db::Rows rows,
                        c.query("SELECT COALESCE(SUM(quantity), 0) FROM flash_deal_claims"
                                " WHERE deal_id = $1 AND buyer_id = $2",
                                {deal_id, buyer_id}));
  return rows[0].i64(0);
}

Status FlashDealService::claim(db::Conn& c, const FlashDeal& deal, Id order_id, Id buyer_id,
                               std::int64_t quantity, std::int64_t now) {
  RIFF_ASSIGN_OR_RETURN(std::int64_t taken,
                        c.exec("UPDATE flash_deals SET sold = sold + $2, updated_at = $3"
                               " WHERE id = $1 AND sold + $2 <= quantity",
                               {deal.id, quantity, now}));
  if (taken == 0) {
    return Status::conflict("The deal on " + deal.title + " has too few units left at the deal price.");
  }
  if (deal.per_buyer_limit > 0) {
    // The UPDATE above holds the deal's row: this buyer's other checkouts wait here.
    RIFF_ASSIGN_OR_RETURN(std::int64_t before, claimed_by(c, deal.id, buyer_id));
    if (before + quantity > deal.per_buyer_limit) {
      return Status::conflict("The deal on " + deal.title + " allows " +
                              std::to_string(deal.per_buyer_limit) + " per buyer; you have " +
                              std::to_string(before) + ".");
    }
  }
  return c.exec("INSERT INTO flash_deal_claims (deal_id, order_id, buyer_id, quantity, created_at)"
                " VALUES ($1, $2, $3, $4, $5)",
                {deal.id, order_id, buyer_id, quantity, now})
      .status();
}

Status FlashDealService::release(db::Conn& c, Id order_id) {
  RIFF_ASSIGN_OR_RETURN(db::Rows claims,
                        c.query("SELECT deal_id, quantity FROM flash_deal_claims WHERE order_id = $1"
                                " ORDER BY deal_id",
                                {order_id}));
  for (const auto& r : claims) {
    RIFF_RETURN_IF_ERROR(c.exec("UPDATE flash_deals SET sold = sold - $2 WHERE id = $1 AND sold >= $2",
                                {r.i64(0), r.i64(1)})
                             .status());
  }
  return c.exec("DELETE FROM flash_deal_claims WHERE order_id = $1", {order_id}).status();
}

}  // namespace riff::orders
