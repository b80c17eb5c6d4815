#include "riff/orders/store.hpp"

#include <algorithm>
#include <string>
#include <unordered_map>

namespace riff::orders::store {
namespace {

// shop::ProductStatus::kActive and shop::ShopStatus::kActive.
constexpr int kProductActive = 1;
constexpr int kShopActive = 0;

/// "$<first>, $<first+1>, ..." for `n` parameters.
std::string placeholders(std::size_t first, std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) {
    if (i > 0) out += ", ";
    out += "$" + std::to_string(first + i);
  }
  return out;
}

std::vector<db::Param> id_params(const std::vector<Id>& ids) {
  return {ids.begin(), ids.end()};
}

constexpr std::string_view kOrderColumns =
    "o.id, o.checkout_id, o.buyer_id, o.shop_id, o.seller_id, s.handle, s.name, o.status,"
    " o.currency, o.subtotal, o.discount, o.shipping, o.tax, o.total, o.platform_fee,"
    " o.refunded, o.coupon_code, o.shipping_option, o.ship_name, o.ship_line1, o.ship_line2,"
    " o.ship_city, o.ship_region, o.ship_postal_code, o.ship_country, o.ship_phone, o.carrier,"
    " o.tracking_number, o.cancel_reason, o.expires_at, o.paid_at, o.shipped_at,"
    " o.delivered_at, o.completed_at, o.cancelled_at, o.created_at";

Order order_from(const db::Row& r) {
  Order o;
  o.id = r.i64(0);
  o.checkout_id = r.i64(1);
  o.buyer_id = r.i64(2);
  o.shop_id = r.i64(3);
  o.seller_id = r.i64(4);
  o.shop_handle = r.str(5);
  o.shop_name = r.str(6);
  const auto status = r.i64(7);
  o.status = status >= 0 && status <= 5 ? static_cast<OrderStatus>(status) : OrderStatus::kUnpaid;
  o.currency = r.str(8);
  o.subtotal = r.i64(9);
  o.discount = r.i64(10);
  o.shipping = r.i64(11);
  o.tax = r.i64(12);
  o.total = r.i64(13);
  o.platform_fee = r.i64(14);
  o.refunded = r.i64(15);
  o.coupon_code = r.opt_str(16);
  o.shipping_option = r.str(17);
  o.address = {r.str(18), r.str(19), r.str(20), r.str(21),
               r.str(22), r.str(23), r.str(24), r.str(25)};
  o.carrier = r.opt_str(26);
  o.tracking_number = r.opt_str(27);
  o.cancel_reason = r.opt_str(28);
  o.expires_at = r.i64(29);
  o.paid_at = r.opt_i64(30);
  o.shipped_at = r.opt_i64(31);
  o.delivered_at = r.opt_i64(32);
  o.completed_at = r.opt_i64(33);
  o.cancelled_at = r.opt_i64(34);
  o.created_at = r.i64(35);
  return o;
}

}  // namespace

Coupon coupon_from(const db::Row& r) {
  Coupon c;
  c.id = r.i64(0);
  c.shop_id = r.i64(1);
  c.code = r.str(2);
  c.kind = r.i64(3) == 1 ? CouponKind::kAmount : CouponKind::kPercent;
  c.value = r.i64(4);
  c.min_subtotal = r.i64(5);
  c.starts_at = r.i64(6);
  c.ends_at = r.opt_i64(7);
  c.max_uses = r.opt_i64(8);
  c.uses = r.i64(9);
  c.per_buyer_limit = r.i64(10);
  c.active = r.i64(11) != 0;
  c.created_at = r.i64(12);
  return c;
}

Result<std::vector<ItemInfo>> load_items(db::Conn& c, const std::vector<Id>& variant_ids) {
  std::vector<ItemInfo> out;
  if (variant_ids.empty()) return out;
  RIFF_ASSIGN_OR_RETURN(
      db::Rows rows,
      c.query("SELECT v.id, v.product_id, v.shop_id, s.owner_id, s.currency, s.handle, s.name,"
              " p.title, v.option1, v.option2, v.option3, v.sku, v.price,"
              " v.on_hand - v.reserved, p.status, s.status,"
              " (SELECT i.path FROM product_images i WHERE i.product_id = p.id"
              "  ORDER BY i.position LIMIT 1)"
              " FROM product_variants v JOIN products p ON p.id = v.product_id"
              " JOIN shops s ON s.id = v.shop_id WHERE v.id IN (" +
                  placeholders(1, variant_ids.size()) + ")",
              id_params(variant_ids)));
  for (const auto& r : rows) {
    ItemInfo i;
    i.variant_id = r.i64(0);
    i.product_id = r.i64(1);
    i.shop_id = r.i64(2);
    i.seller_id = r.i64(3);
    i.currency = r.str(4);
    i.shop_handle = r.str(5);
    i.shop_name = r.str(6);
    i.title = r.str(7);
    for (std::size_t k = 8; k <= 10; ++k) {
      const std::string v = r.str(k);
      if (v.empty()) continue;
      if (!i.variant_title.empty()) i.variant_title += " / ";
      i.variant_title += v;
    }
    i.sku = r.str(11);
    i.unit_price = r.i64(12);
    i.available = r.i64(13);
    i.purchasable = r.i64(14) == kProductActive && r.i64(15) == kShopActive;
    i.image_path = r.opt_str(16);
    out.push_back(std::move(i));
  }
  return out;
}

Result<std::vector<Order>> load_orders(db::Conn& c, const std::vector<Id>& ids) {
  std::vector<Order> out;
  if (ids.empty()) return out;
  const std::string in = placeholders(1, ids.size());
  const auto params = id_params(ids);
  RIFF_ASSIGN_OR_RETURN(db::Rows rows,
                        c.query("SELECT " + std::string(kOrderColumns) +
                                    " FROM orders o JOIN shops s ON s.id = o.shop_id"
                                    " WHERE o.id IN (" + in + ") ORDER BY o.id",
                                params));
  std::unordered_map<Id, std::size_t> index;
  for (const auto& r : rows) {
    out.push_back(order_from(r));
    index[out.back().id] = out.size() - 1;
  }
  RIFF_ASSIGN_OR_RETURN(
      db::Rows items,
      c.query("SELECT order_id, variant_id, product_id, title, variant_title, sku, unit_price,"
              " quantity, discount, creator_id, commission_bps, commission, deal_id FROM order_items"
              " WHERE order_id IN (" + in + ") ORDER BY order_id, position",
              params));
  for (const auto& r : items) {
    auto it = index.find(r.i64(0));
    if (it == index.end()) continue;
    out[it->second].items.push_back(OrderItem{r.i64(1), r.i64(2), r.str(3), r.str(4), r.str(5),
                                              r.i64(6), r.i64(7), r.i64(8), r.opt_i64(9),
                                              r.i64(10), r.i64(11), r.opt_i64(12)});
  }
  RIFF_ASSIGN_OR_RETURN(db::Rows events,
                        c.query("SELECT order_id, status, actor_id, note, created_at"
                                " FROM order_events WHERE order_id IN (" + in +
                                    ") ORDER BY order_id, id",
                                params));
  for (const auto& r : events) {
    auto it = index.find(r.i64(0));
    if (it == index.end()) continue;
    const auto status = r.i64(1);
    out[it->second].events.push_back(
        OrderEvent{status >= 0 && status <= 5 ? static_cast<OrderStatus>(status)
                                              : OrderStatus::kUnpaid,
                   r.opt_i64(2), r.str(3), r.i64(4)});
  }
  return out;
}

Result<std::optional<Order>> load_order(db::Conn& c, Id id) {
  RIFF_ASSIGN_OR_RETURN(std::vector<Order> found, load_orders(c, {id}));
  if (found.empty()) return std::optional<Order>();
  return std::optional<Order>(std::move(found.front()));
}

Result<std::vector<Id>> checkout_order_ids(db::Conn& c, Id checkout_id) {
  RIFF_ASSIGN_OR_RETURN(
      db::Rows rows,
      c.query("SELECT id FROM orders WHERE checkout_id = $1 ORDER BY id", {checkout_id}));
  std::vector<Id> ids;
  for (const auto& r : rows) ids.push_back(r.i64(0));
  return ids;
}

Status insert_order(db::Conn& c, const Order& o, Id event_id) {
  const auto& a = o.address;
  RIFF_RETURN_IF_ERROR(
      c.exec("INSERT INTO orders (id, checkout_id, buyer_id, shop_id, seller_id, status, currency,"
             " subtotal, discount, shipping, tax, total, platform_fee, coupon_code,"
             " shipping_option, ship_name, ship_line1, ship_line2, ship_city, ship_region,"
             " ship_postal_code, ship_country, ship_phone, expires_at, created_at, updated_at)"
             " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17,"
             " $18, $19, $20, $21, $22, $23, $24, $25, $25)",
             {o.id, o.checkout_id, o.buyer_id, o.shop_id, o.seller_id,
              static_cast<int>(o.status), o.currency, o.subtotal, o.discount, o.shipping, o.tax,
              o.total, o.platform_fee, o.coupon_code, o.shipping_option, a.name, a.line1, a.line2,
              a.city, a.region, a.postal_code, a.country, a.phone, o.expires_at, o.created_at})
          .status());
  int position = 0;
  for (const auto& i : o.items) {
    RIFF_RETURN_IF_ERROR(
        c.exec("INSERT INTO order_items (order_id, variant_id, product_id, position, title,"
               " variant_title, sku, unit_price, quantity, discount, creator_id, commission_bps,"
               " commission, deal_id)"
               " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
               {o.id, i.variant_id, i.product_id, position++, i.title, i.variant_title, i.sku,
                i.unit_price, i.quantity, i.discount, i.creator_id, i.commission_bps,
                i.commission, i.deal_id})
            .status());
  }
  return c.exec("INSERT INTO order_events (id, order_id, status, actor_id, note, created_at)"
                " VALUES ($1, $2, $3, $4, '', $5)",
                {event_id, o.id, static_cast<int>(o.status), o.buyer_id, o.created_at})
      .status();
}

Result<bool> transition(db::Conn& c, Id order_id, std::initializer_list<OrderStatus> from,
                        OrderStatus to, std::string_view time_column, std::int64_t now,
                        Id event_id, std::optional<Id> actor, std::string_view note) {
  std::string in;
  for (OrderStatus s : from) {
    if (!in.empty()) in += ", ";
    in += std::to_string(static_cast<int>(s));  // enum numbers, not input
  }
  // time_column is one of the module's own column names, never input.
  RIFF_ASSIGN_OR_RETURN(std::int64_t changed,
                        c.exec("UPDATE orders SET status = $2, " + std::string(time_column) +
                                   " = $3, updated_at = $3 WHERE id = $1 AND status IN (" + in +
                                   ")",
                               {order_id, static_cast<int>(to), now}));
  if (changed == 0) return false;
  RIFF_RETURN_IF_ERROR(
      c.exec("INSERT INTO order_events (id, order_id, status, actor_id, note, created_at)"
             " VALUES ($1, $2, $3, $4, $5, $6)",
             {event_id, order_id, static_cast<int>(to), actor, note, now})
          .status());
  return true;
}

}  // namespace riff::orders::store
