#pragma once
// The orders module's SQL that several services share: the catalog facts
// checkout needs, and reading and writing orders with their items and
// history. Every function runs in the caller's db::Conn.

#include <optional>
#include <vector>

#include "riff/db/database.hpp"
#include "riff/orders/model.hpp"

namespace riff::orders::store {

/// Runs `fn` (returning a Result) on one read connection and returns its result.
template <class Fn>
auto read_result(db::Database& db, Fn&& fn) -> decltype(fn(std::declval<db::Conn&>())) {
  using R = decltype(fn(std::declval<db::Conn&>()));
  std::optional<R> out;
  Status st = db.read([&](db::Conn& c) -> Result<db::Rows> {
                  out.emplace(fn(c));
                  if (!*out) return out->status();
                  return db::Rows{};
                })
                  .status();
  if (!st) return st;
  return std::move(*out);
}

/// The coupons columns coupon_from() reads, in its order.
inline constexpr std::string_view kCouponColumns =
    "id, shop_id, code, kind, value, min_subtotal, starts_at, ends_at, max_uses, uses,"
    " per_buyer_limit, active, created_at";
Coupon coupon_from(const db::Row& r);

/// The variants named, in no particular order; unknown ids are left out.
Result<std::vector<ItemInfo>> load_items(db::Conn& c, const std::vector<Id>& variant_ids);

/// The orders with the given ids (items and history included), in id order.
Result<std::vector<Order>> load_orders(db::Conn& c, const std::vector<Id>& ids);
Result<std::optional<Order>> load_order(db::Conn& c, Id id);
/// The ids of a checkout's orders, in id order.
Result<std::vector<Id>> checkout_order_ids(db::Conn& c, Id checkout_id);

/// Inserts an order with its items and its first history row.
Status insert_order(db::Conn& c, const Order& o, Id event_id);

/// Moves an order from one of `from` to `to` when it is in one of them,
/// setting `time_column` (paid_at, ...) to `now` and recording the event.
/// false (nothing changed) when the order was in another state.
Result<bool> transition(db::Conn& c, Id order_id, std::initializer_list<OrderStatus> from,
                        OrderStatus to, std::string_view time_column, std::int64_t now,
                        Id event_id, std::optional<Id> actor, std::string_view note);

}  // namespace riff::orders::store
