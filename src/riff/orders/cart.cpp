#include "riff/orders/cart.hpp"

#include <algorithm>
#include <set>
#include <unordered_map>

#include "riff/orders/store.hpp"

namespace riff::orders {
namespace {

constexpr std::size_t kMaxShippingOptions = 10;



}  // namespace

CartService::CartService(db::Database& db, const Clock& clock) : db_(db), clock_(clock) {}

Result<Cart> CartService::get(Id user_id) {
  return store::read_result(db_, [&](db::Conn& c) -> Result<Cart> {
    RIFF_ASSIGN_OR_RETURN(db::Rows rows,
                          c.query("SELECT variant_id, quantity, added_at FROM cart_items"
                                  " WHERE user_id = $1 ORDER BY added_at, variant_id",
                                  {user_id}));
    std::vector<Id> ids;
    for (const auto& r : rows) ids.push_back(r.i64(0));
    RIFF_ASSIGN_OR_RETURN(std::vector<ItemInfo> infos, store::load_items(c, ids));
    std::unordered_map<Id, ItemInfo> by_id;
    for (auto& i : infos) by_id.emplace(i.variant_id, std::move(i));
    Cart cart;
    for (const auto& r : rows) {
      auto it = by_id.find(r.i64(0));
      if (it == by_id.end()) continue;
      cart.lines.push_back({it->second, r.i64(1), r.i64(2)});
      cart.item_count += r.i64(1);
    }
    return cart;
  });
}

Result<Cart> CartService::set(Id user_id, Id variant_id, std::int64_t quantity) {
  if (quantity < 0 || quantity > kMaxLineQuantity) {
    return Status::invalid("/quantity", "quantity is 0 (remove) to " +
                                            std::to_string(kMaxLineQuantity));
  }
  RIFF_RETURN_IF_ERROR(db_.transact([&](db::Conn& c) -> Status {
    if (quantity == 0) {
      return c.exec("DELETE FROM cart_items WHERE user_id = $1 AND variant_id = $2",
                    {user_id, variant_id})
          .status();
    }
    RIFF_ASSIGN_OR_RETURN(std::vector<ItemInfo> found, store::load_items(c, {variant_id}));
    if (found.empty() || !found[0].purchasable) {
      return Status::not_found("No such product variant for sale.");
    }
    if (found[0].seller_id == user_id) {
      return Status::invalid("/variant_id", "You cannot buy from your own shop.");
    }
    RIFF_ASSIGN_OR_RETURN(std::int64_t updated,
                          c.exec("UPDATE cart_items SET quantity = $3 WHERE user_id = $1"
                                 " AND variant_id = $2",
                                 {user_id, variant_id, quantity}));
    if (updated > 0) return Status::ok();
    RIFF_ASSIGN_OR_RETURN(db::Rows count,
                          c.query("SELECT COUNT(*) FROM cart_items WHERE user_id = $1", {user_id}));
    if (count[0].i64(0) >= static_cast<std::int64_t>(kMaxCartLines)) {
      return Status::invalid("/variant_id", "A cart holds at most " +
                                                std::to_string(kMaxCartLines) + " different items.");
    }
    return c.exec("INSERT INTO cart_items (user_id, variant_id, quantity, added_at)"
                  " VALUES ($1, $2, $3, $4) ON CONFLICT (user_id, variant_id)"
                  " DO UPDATE SET quantity = excluded.quantity",
                  {user_id, variant_id, quantity, clock_.now_ms()})
        .status();
  }));
  return get(user_id);
}

Status CartService::clear(Id user_id) {
  return db_.exec("DELETE FROM cart_items WHERE user_id = $1", {user_id}).status();
}

SellerSettings::SellerSettings(db::Database& db, IdGenerator& ids, const Clock& clock)
    : db_(db), ids_(ids), clock_(clock) {}

Result<Id> SellerSettings::shop_of(Id seller_id) {
  RIFF_ASSIGN_OR_RETURN(db::Rows rows,
                        db_.query("SELECT id FROM shops WHERE owner_id = $1", {seller_id}));
  if (rows.empty()) return Status::not_found("You have no shop; open one first.");
  return rows[0].i64(0);
}

Result<std::vector<ShippingOption>> SellerSettings::shipping_options(Id shop_id) {
  RIFF_ASSIGN_OR_RETURN(db::Rows rows,
                        db_.query("SELECT id, name, price, min_days, max_days FROM shipping_options"
                                  " WHERE shop_id = $1 ORDER BY position, id",
                                  {shop_id}));
  std::vector<ShippingOption> out;
  for (const auto& r : rows) {
    out.push_back({r.i64(0), shop_id, r.str(1), r.i64(2), static_cast<int>(r.i64(3)),
                   static_cast<int>(r.i64(4))});
  }
  return out;
}

Result<std::vector<ShippingOption>> SellerSettings::set_shipping_options(
    Id seller_id, std::vector<ShippingOption> options) {
  std::vector<FieldError> errors;
  if (options.size() > kMaxShippingOptions) {
    errors.push_back({"/options", "at most " + std::to_string(kMaxShippingOptions) + " options"});
  }
  std::set<std::string> names;
  for (std::size_t i = 0; i < options.size(); ++i) {
    const std::string p = "/options/" + std::to_string(i);
    const auto& o = options[i];
    if (o.name.empty() || o.name.size() > 60) errors.push_back({p + "/name", "name is 1-60 bytes"});
    if (!names.insert(o.name).second) errors.push_back({p + "/name", "names are unique"});
    if (o.price < 0 || o.price > 100'000'000) errors.push_back({p + "/price", "price is 0 or more minor units"});
    if (o.min_days < 0 || o.max_days > 365 || o.min_days > o.max_days) {
      errors.push_back({p + "/max_days", "days are 0-365, min_days <= max_days"});
    }
  }
  if (!errors.empty()) return Status::invalid(std::move(errors));
  RIFF_ASSIGN_OR_RETURN(Id shop_id, shop_of(seller_id));
  RIFF_RETURN_IF_ERROR(db_.transact([&](db::Conn& c) -> Status {
    RIFF_RETURN_IF_ERROR(
        c.exec("DELETE FROM shipping_options WHERE shop_id = $1", {shop_id}).status());
    const std::int64_t now = clock_.now_ms();
    for (std::size_t i = 0; i < options.size(); ++i) {
      const auto& o = options[i];
      RIFF_RETURN_IF_ERROR(
          c.exec("INSERT INTO shipping_options (id, shop_id, position, name, price, min_days,"
                 " max_days, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                 {ids_.next(), shop_id, static_cast<int>(i), o.name, o.price, o.min_days,
                  o.max_days, now})
              .status());
    }
    return Status::ok();
  }));
  return shipping_options(shop_id);
}

Result<std::vector<Coupon>> SellerSettings::coupons(Id seller_id) {
  RIFF_ASSIGN_OR_RETURN(Id shop_id, shop_of(seller_id));
  RIFF_ASSIGN_OR_RETURN(db::Rows rows,
                        db_.query("SELECT " + std::string(store::kCouponColumns) +
                                      " FROM coupons WHERE shop_id = $1 ORDER BY id DESC",
                                  {shop_id}));
  std::vector<Coupon> out;
  for (const auto& r : rows) out.push_back(store::coupon_from(r));
  return out;
}

Result<Coupon> SellerSettings::create_coupon(Id seller_id, Coupon coupon) {
  coupon.code = normalize_coupon_code(coupon.code).empty() ? coupon.code
                                                           : normalize_coupon_code(coupon.code);
  const std::int64_t now = clock_.now_ms();
  if (coupon.starts_at == 0) coupon.starts_at = now;
  RIFF_RETURN_IF_ERROR(validate_coupon(coupon));
  RIFF_ASSIGN_OR_RETURN(coupon.shop_id, shop_of(seller_id));
  coupon.id = ids_.next();
  coupon.uses = 0;
  coupon.created_at = now;
  RIFF_ASSIGN_OR_RETURN(
      std::int64_t inserted,
      db_.exec("INSERT INTO coupons (id, shop_id, code, kind, value, min_subtotal, starts_at,"
               " ends_at, max_uses, uses, per_buyer_limit, active, created_at, updated_at)"
               " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 0, $10, $11, $12, $12)"
               " ON CONFLICT (shop_id, code) DO NOTHING",
               {coupon.id, coupon.shop_id, coupon.code, static_cast<int>(coupon.kind),
                coupon.value, coupon.min_subtotal, coupon.starts_at, coupon.ends_at,
                coupon.max_uses, coupon.per_buyer_limit, coupon.active ? 1 : 0, now}));
  if (inserted == 0) {
    return Status::conflict(std::vector<FieldError>{{"/code", "the shop already has this code"}});
  }
  return coupon;
}

Result<Coupon> SellerSettings::set_coupon_active(Id seller_id, Id coupon_id, bool active) {
  RIFF_ASSIGN_OR_RETURN(Id shop_id, shop_of(seller_id));
  RIFF_ASSIGN_OR_RETURN(std::int64_t changed,
                        db_.exec("UPDATE coupons SET active = $3, updated_at = $4"
                                 " WHERE id = $1 AND shop_id = $2",
                                 {coupon_id, shop_id, active ? 1 : 0, clock_.now_ms()}));
  if (changed == 0) return Status::not_found("No such coupon in your shop.");
  RIFF_ASSIGN_OR_RETURN(db::Rows rows,
                        db_.query("SELECT " + std::string(store::kCouponColumns) +
                                      " FROM coupons WHERE id = $1",
                                  {coupon_id}));
  return store::coupon_from(rows[0]);
}

}  // namespace riff::orders
