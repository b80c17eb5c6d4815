#include "riff/orders/affiliates.hpp"

#include "riff/accounts/cursor.hpp"
#include "riff/orders/model.hpp"
#include "riff/orders/store.hpp"

namespace riff::orders {
namespace {

constexpr std::string_view kPlanColumns =
    "id, shop_id, product_id, creator_id, rate_bps, starts_at, ends_at, active, created_at";

AffiliatePlan plan_from(const db::Row& r) {
  return AffiliatePlan{r.i64(0),     r.i64(1),     r.opt_i64(2),    r.opt_i64(3), r.i64(4),
                       r.i64(5),     r.opt_i64(6), r.i64(7) != 0,   r.i64(8)};
}

}  // namespace

AffiliateService::AffiliateService(db::Database& db, IdGenerator& ids, const Clock& clock)
    : db_(db), ids_(ids), clock_(clock) {}

Result<Id> AffiliateService::shop_of(Id seller_id) {
  RIFF_ASSIGN_OR_RETURN(db::Rows rows,
                        db_.query("SELECT id FROM shops WHERE owner_id = $1", {seller_id}));
  if (rows.empty()) return Status::not_found("You have no shop; open one first.");
  return rows[0].i64(0);
}

Result<AffiliatePlan> AffiliateService::create(Id seller_id, AffiliatePlan plan) {
  const std::int64_t now = clock_.now_ms();
  if (plan.starts_at == 0) plan.starts_at = now;
  std::vector<FieldError> errors;
  if (plan.rate_bps < kMinCommissionBps || plan.rate_bps > kMaxCommissionBps) {
    errors.push_back({"/rate_bps", "rate_bps is 100-8000 (1-80%)"});
  }
  if (plan.ends_at && *plan.ends_at <= plan.starts_at) {
    errors.push_back({"/ends_at", "ends_at is after starts_at"});
  }
  if (!errors.empty()) return Status::invalid(std::move(errors));
  RIFF_ASSIGN_OR_RETURN(plan.shop_id, shop_of(seller_id));
  if (plan.product_id) {
    RIFF_ASSIGN_OR_RETURN(db::Rows p, db_.query("SELECT 1 FROM products WHERE id = $1 AND shop_id = $2",
                                                {*plan.product_id, plan.shop_id}));
    if (p.empty()) return Status::invalid("/product_id", "no such product in your shop");
  }
  if (plan.creator_id) {
    if (*plan.creator_id == seller_id) {
      return Status::invalid("/creator_id", "a plan is for creators other than the seller");
    }
    RIFF_ASSIGN_OR_RETURN(db::Rows u, db_.query("SELECT 1 FROM users WHERE id = $1", {*plan.creator_id}));
    if (u.empty()) return Status::invalid("/creator_id", "no such creator");
  }
  plan.id = ids_.next();
  plan.active = true;
  plan.created_at = now;
  RIFF_RETURN_IF_ERROR(
      db_.exec("INSERT INTO affiliate_plans (id, shop_id, product_id, creator_id, rate_bps,"
               " starts_at, ends_at, active, created_at, updated_at)"
               " VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8, $8)",
               {plan.id, plan.shop_id, plan.product_id, plan.creator_id, plan.rate_bps,
                plan.starts_at, plan.ends_at, now})
          .status());
  return plan;
}

Result<std::vector<AffiliatePlan>> AffiliateService::plans(Id seller_id) {
  RIFF_ASSIGN_OR_RETURN(Id shop_id, shop_of(seller_id));
  RIFF_ASSIGN_OR_RETURN(db::Rows rows,
                        db_.query("SELECT " + std::string(kPlanColumns) +
                                      " FROM affiliate_plans WHERE shop_id = $1 ORDER BY id DESC",
                                  {shop_id}));
  std::vector<AffiliatePlan> out;
  for (const auto& r : rows) out.push_back(plan_from(r));
  return out;
}

Result<AffiliatePlan> AffiliateService::end(Id seller_id, Id plan_id) {
  RIFF_ASSIGN_OR_RETURN(Id shop_id, shop_of(seller_id));
  const std::int64_t now = clock_.now_ms();
  RIFF_ASSIGN_OR_RETURN(std::int64_t changed,
                        db_.exec("UPDATE affiliate_plans SET active = 0, ends_at = COALESCE("
                                 "CASE WHEN ends_at < $3 THEN ends_at END, $3), updated_at = $3"
                                 " WHERE id = $1 AND shop_id = $2",
                                 {plan_id, shop_id, now}));
  if (changed == 0) return Status::not_found("No such plan in your shop.");
  RIFF_ASSIGN_OR_RETURN(db::Rows rows,
                        db_.query("SELECT " + std::string(kPlanColumns) +
                                      " FROM affiliate_plans WHERE id = $1",
                                  {plan_id}));
  return plan_from(rows[0]);
}

Result<std::int64_t> AffiliateService::rate_for(db::Conn& c, Id shop_id, Id product_id,
                                                Id creator_id, std::int64_t at_ms) {
  // Targeted beats open; within a kind, a product's own plan beats a
  // shop-wide one; then the higher rate.
  RIFF_ASSIGN_OR_RETURN(
      db::Rows rows,
      c.query("SELECT rate_bps FROM affiliate_plans WHERE shop_id = $1 AND active = 1"
              " AND (product_id IS NULL OR product_id = $2)"
              " AND (creator_id IS NULL OR creator_id = $3)"
              " AND starts_at <= $4 AND (ends_at IS NULL OR ends_at > $4)"
              " ORDER BY CASE WHEN creator_id IS NULL THEN 1 ELSE 0 END,"
              " CASE WHEN product_id IS NULL THEN 1 ELSE 0 END, rate_bps DESC LIMIT 1",
              {shop_id, product_id, creator_id, at_ms}));
  return rows.empty() ? std::int64_t{0} : rows[0].i64(0);
}

Result<std::vector<PromotableProduct>> AffiliateService::promotable(Id creator_id, int limit) {
  const std::int64_t now = clock_.now_ms();
  // Each active product of an active shop with its best plan for this creator.
  RIFF_ASSIGN_OR_RETURN(
      db::Rows rows,
      db_.query("SELECT p.id, p.shop_id, s.handle, p.title, p.price_min, s.currency,"
                " MAX(a.rate_bps), MAX(CASE WHEN a.creator_id IS NULL THEN 0 ELSE 1 END)"
                " FROM affiliate_plans a JOIN shops s ON s.id = a.shop_id"
                " JOIN products p ON p.shop_id = a.shop_id"
                "  AND (a.product_id IS NULL OR a.product_id = p.id)"
                " WHERE a.active = 1 AND a.starts_at <= $2 AND (a.ends_at IS NULL OR a.ends_at > $2)"
                " AND (a.creator_id IS NULL OR a.creator_id = $1)"
                " AND p.status = 1 AND s.status = 0 AND s.owner_id <> $1"
                " GROUP BY p.id, p.shop_id, s.handle, p.title, p.price_min, s.currency"
                " ORDER BY MAX(a.rate_bps) DESC, p.id DESC LIMIT $3",
                {creator_id, now, limit}));
  std::vector<PromotableProduct> out;
  for (const auto& r : rows) {
    out.push_back({r.i64(0), r.i64(1), r.str(2), r.str(3), r.i64(4), r.str(5), r.i64(6),
                   r.i64(7) != 0});
  }
  return out;
}

Result<EarningsPage> AffiliateService::earnings(Id creator_id, int limit,
                                                const std::optional<std::string>& cursor) {
  // The cursor names the last line shown: (order id, its position).
  Id before = INT64_MAX;
  std::int64_t after_position = -1;
  if (cursor) {
    auto key = accounts::decode_cursor(*cursor);
    if (!key) return Status::invalid("/cursor", "not a cursor of this list");
    before = key->id;
    after_position = key->time;
  }
  return store::read_result(db_, [&](db::Conn& c) -> Result<EarningsPage> {
    // A line's commission after refunds: in proportion to what the order kept.
    RIFF_ASSIGN_OR_RETURN(
        db::Rows rows,
        c.query("SELECT o.id, o.status, o.currency, i.title, i.unit_price * i.quantity - i.discount,"
                " i.commission_bps, i.commission, o.total, o.refunded, o.created_at,"
                " (SELECT st.state FROM ledger_settlements st WHERE st.idempotency_key ="
                "   'order:' || CAST(o.id AS TEXT) || ':settle:creator:' || CAST(i.creator_id AS TEXT)),"
                " i.position"
                " FROM order_items i JOIN orders o ON o.id = i.order_id"
                " WHERE i.creator_id = $1 AND o.status <> 0"
                " AND (o.id < $2 OR (o.id = $2 AND i.position > $4))"
                " ORDER BY o.id DESC, i.position LIMIT $3",
                {creator_id, before, limit + 1, after_position}));
    std::int64_t last_position = 0;
    EarningsPage page;
    for (const auto& r : rows) {
      if (page.items.size() == static_cast<std::size_t>(limit)) {
        page.next_cursor = accounts::encode_cursor({last_position, page.items.back().order_id});
        break;
      }
      last_position = r.i64(11);
      Earning e;
      e.order_id = r.i64(0);
      const auto status = static_cast<OrderStatus>(r.i64(1));
      e.currency = r.str(2);
      e.title = r.str(3);
      e.amount = r.i64(4);
      e.rate_bps = r.i64(5);
      const std::int64_t total = r.i64(7), refunded = r.i64(8);
      // What refunds left of it, rounded as the ledger's reversals are
      // (money.cpp): the commission less floor(commission x refunded / total).
      e.commission = total == 0 ? 0
                                : r.i64(6) - static_cast<std::int64_t>(
                                                 static_cast<__int128>(r.i64(6)) * refunded / total);
      e.created_at = r.i64(9);
      if (status == OrderStatus::kCancelled || e.commission == 0) {
        e.status = "reversed";
      } else if (!r.is_null(10) && r.i64(10) == 1) {
        e.status = "available";
      } else {
        e.status = "pending";
      }
      page.items.push_back(std::move(e));
    }
    RIFF_ASSIGN_OR_RETURN(
        db::Rows balances,
        c.query("SELECT kind, currency, net FROM ledger_accounts WHERE owner_id = $1"
                " AND kind IN ('creator_pending', 'creator_available') ORDER BY currency, kind",
                {creator_id}));
    for (const auto& r : balances) {
      if (page.currency.empty()) page.currency = r.str(1);
      if (r.str(1) != page.currency) continue;
      (r.str(0) == "creator_pending" ? page.pending : page.available) = -r.i64(2);
    }
    return page;
  });
}

Result<std::vector<AffiliateReportLine>> AffiliateService::report(Id seller_id) {
  RIFF_ASSIGN_OR_RETURN(Id shop_id, shop_of(seller_id));
  RIFF_ASSIGN_OR_RETURN(
      db::Rows rows,
      db_.query("SELECT i.creator_id, u.handle, COUNT(DISTINCT o.id),"
                " SUM((i.unit_price * i.quantity - i.discount)"
                "   - (i.unit_price * i.quantity - i.discount) * o.refunded / o.total),"
                " SUM(i.commission - i.commission * o.refunded / o.total)"
                " FROM order_items i JOIN orders o ON o.id = i.order_id"
                " JOIN users u ON u.id = i.creator_id"
                " WHERE o.shop_id = $1 AND o.status NOT IN (0, 5) AND o.total > 0"
                " GROUP BY i.creator_id, u.handle ORDER BY 4 DESC",
                {shop_id}));
  std::vector<AffiliateReportLine> out;
  for (const auto& r : rows) {
    out.push_back({r.i64(0), r.str(1), r.i64(2), r.i64(3), r.i64(4)});
  }
  return out;
}

}  // namespace riff::orders
