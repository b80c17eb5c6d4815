#include "riff/orders/orders.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>

#include "riff/accounts/cursor.hpp"
#include "riff/accounts/notifications.hpp"
#include "riff/ledger/ledger.hpp"
#include "riff/ledger/settlements.hpp"
#include "riff/orders/deals.hpp"
#include "riff/orders/money.hpp"
#include "riff/orders/store.hpp"
#include "riff/payments/gateway.hpp"
#include "riff/shop/stock.hpp"

namespace riff::orders {

Id payload_id(std::string_view payload) {
  const auto digits = payload.find_first_of("0123456789");
  Id id = 0;
  if (digits != std::string_view::npos) {
    std::from_chars(payload.data() + digits, payload.data() + payload.size(), id);
  }
  return id;
}

OrderService::OrderService(db::Database& db, IdGenerator& ids, const Clock& clock,
                           jobs::JobQueue& queue, shop::StockService& stock,
                           payments::PaymentGateway& gateway,
                           ledger::Ledger& ledger, ledger::Settlements& settlements,
                           accounts::NotificationService& notifications, LifecycleOptions options)
    : db_(db),
      ids_(ids),
      clock_(clock),
      queue_(queue),
      stock_(stock),
      gateway_(gateway),
      ledger_(ledger),
      settlements_(settlements),
      notifications_(notifications),
      options_(options) {}

Result<OrderPage> OrderService::page(std::string_view column, Id owner,
                                     std::optional<OrderStatus> status, int limit,
                                     const std::optional<std::string>& cursor) {
  Id before = INT64_MAX;
  if (cursor) {
    auto key = accounts::decode_cursor(*cursor);
    if (!key) return Status::invalid("/cursor", "not a cursor of this list");
    before = key->id;
  }
  // column is "buyer_id" or "shop_id", never input.
  std::string sql = "SELECT id FROM orders WHERE " + std::string(column) + " = $1 AND id < $2";
  std::vector<db::Param> params{owner, before};
  const int status_value = status ? static_cast<int>(*status) : 0;
  if (status) {
    sql += " AND status = $4";
  }
  sql += " ORDER BY id DESC LIMIT $3";
  params.push_back(limit + 1);
  if (status) params.push_back(status_value);
  return store::read_result(db_, [&](db::Conn& c) -> Result<OrderPage> {
    RIFF_ASSIGN_OR_RETURN(db::Rows rows, c.query(sql, params));
    std::vector<Id> ids;
    for (const auto& r : rows) ids.push_back(r.i64(0));
    OrderPage out;
    if (ids.size() > static_cast<std::size_t>(limit)) {
      ids.resize(limit);
      out.next_cursor = accounts::encode_cursor({0, ids.back()});
    }
    RIFF_ASSIGN_OR_RETURN(out.items, store::load_orders(c, ids));
    std::reverse(out.items.begin(), out.items.end());  // load_orders gives id order
    return out;
  });
}

Result<OrderPage> OrderService::buyer_orders(Id buyer_id, std::optional<OrderStatus> status,
                                             int limit, const std::optional<std::string>& cursor) {
  return page("buyer_id", buyer_id, status, limit, cursor);
}

Result<OrderPage> OrderService::seller_orders(Id seller_id, std::optional<OrderStatus> status,
                                              int limit, const std::optional<std::string>& cursor) {
  RIFF_ASSIGN_OR_RETURN(db::Rows shop, db_.query("SELECT id FROM shops WHERE owner_id = $1", {seller_id}));
  if (shop.empty()) return Status::not_found("You have no shop.");
  return page("shop_id", shop[0].i64(0), status, limit, cursor);
}

Result<Order> OrderService::get(Id viewer_id, Id order_id) {
  RIFF_ASSIGN_OR_RETURN(std::optional<Order> o, store::read_result(db_, [&](db::Conn& c) {
                          return store::load_order(c, order_id);
                        }));
  // Someone else's order does not exist, as far as the viewer can tell.
  if (!o || (o->buyer_id != viewer_id && o->seller_id != viewer_id)) {
    return Status::not_found("No such order.");
  }
  return std::move(*o);
}

void OrderService::send(const Notices& notices) {
  for (const auto& n : notices.pending) {
    auto r = notifications_.notify({n.user_id, n.kind, n.actor_id, n.order_id, std::nullopt, 0});
    if (!r) {
      spdlog::warn("orders: notification {} for order {}: {}", n.kind, n.order_id,
                   r.status().message());
    }
  }
}

Result<Order> OrderService::change(
    Id order_id, const std::function<Status(db::Conn&, const Order&, Notices&)>& fn) {
  Notices notices;
  RIFF_RETURN_IF_ERROR(db_.transact([&](db::Conn& c) -> Status {
    notices.pending.clear();
    RIFF_ASSIGN_OR_RETURN(std::optional<Order> o, store::load_order(c, order_id));
    if (!o) return Status::not_found("No such order.");
    return fn(c, *o, notices);
  }));
  send(notices);
  RIFF_ASSIGN_OR_RETURN(std::optional<Order> o, store::read_result(db_, [&](db::Conn& c) {
                          return store::load_order(c, order_id);
                        }));
  if (!o) return Status::not_found("No such order.");
  return std::move(*o);
}

Result<Order> OrderService::ship(Id seller_id, Id order_id, const std::string& carrier,
                                 const std::string& tracking_number) {
  std::vector<FieldError> errors;
  if (carrier.empty() || carrier.size() > 60) errors.push_back({"/carrier", "carrier is 1-60 bytes"});
  const bool tracking_ok =
      !tracking_number.empty() && tracking_number.size() <= 64 &&
      std::all_of(tracking_number.begin(), tracking_number.end(), [](char ch) {
        return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
               ch == '-';
      });
  if (!tracking_ok) {
    errors.push_back({"/tracking_number", "tracking_number is 1-64 letters, digits and dashes"});
  }
  if (!errors.empty()) return Status::invalid(std::move(errors));
  return change(order_id, [&](db::Conn& c, const Order& o, Notices& notices) -> Status {
    if (o.seller_id != seller_id) {
      return o.buyer_id == seller_id ? Status::forbidden("Only the seller ships an order.")
                                     : Status::not_found("No such order.");
    }
    const std::int64_t now = clock_.now_ms();
    RIFF_ASSIGN_OR_RETURN(bool moved, store::transition(c, o.id, {OrderStatus::kAwaitingShipment},
                                                        OrderStatus::kInTransit, "shipped_at", now,
                                                        ids_.next(), seller_id,
                                                        carrier + " " + tracking_number));
    if (!moved) {
      return Status::conflict("An order " + std::string(to_string(o.status)) +
                              " cannot be shipped.");
    }
    RIFF_RETURN_IF_ERROR(c.exec("UPDATE orders SET carrier = $2, tracking_number = $3 WHERE id = $1",
                                {o.id, carrier, tracking_number})
                             .status());
    notices.add(o.buyer_id, "order_shipped", seller_id, o.id);
    return Status::ok();
  });
}

Result<Order> OrderService::deliver(Id actor_id, Id order_id) {
  return change(order_id, [&](db::Conn& c, const Order& o, Notices& notices) -> Status {
    if (o.seller_id != actor_id && o.buyer_id != actor_id) return Status::not_found("No such order.");
    const std::int64_t now = clock_.now_ms();
    RIFF_ASSIGN_OR_RETURN(bool moved, store::transition(c, o.id, {OrderStatus::kInTransit},
                                                        OrderStatus::kDelivered, "delivered_at",
                                                        now, ids_.next(), actor_id, ""));
    if (!moved) {
      return Status::conflict("An order " + std::string(to_string(o.status)) +
                              " cannot be marked delivered.");
    }
    // What is still pending for each party settles after the delay.
    const Allocation a = o.allocation();
    const std::int64_t kept = o.total - o.refunded;
    auto settle = [&](std::string_view from, std::string_view to, Id owner, std::int64_t part,
                      const std::string& who) -> Status {
      const std::int64_t amount =
          o.total == 0 ? 0 : static_cast<std::int64_t>(static_cast<__int128>(part) * kept / o.total);
      if (amount <= 0) return Status::ok();
      ledger::SettlementSpec spec;
      spec.from = {std::string(from), owner, o.currency};
      spec.to = {std::string(to), owner, o.currency};
      spec.amount = amount;
      spec.reference = "order:" + std::to_string(o.id);
      spec.idempotency_key = spec.reference + ":settle:" + who;
      spec.due_at = now + options_.settlement_delay_ms;
      return settlements_.schedule(c, spec).status();
    };
    RIFF_RETURN_IF_ERROR(settle(ledger::kSellerPending, ledger::kSellerAvailable, o.seller_id,
                                a.seller, "seller"));
    for (const auto& [creator, commission] : a.creators) {
      RIFF_RETURN_IF_ERROR(settle(ledger::kCreatorPending, ledger::kCreatorAvailable, creator,
                                  commission, "creator:" + std::to_string(creator)));
    }
    RIFF_RETURN_IF_ERROR(queue_
                             .enqueue(c, kCompleteJob,
                                      "{\"order_id\":\"" + std::to_string(o.id) + "\"}",
                                      now + options_.return_window_ms, 10, o.id)
                             .status());
    notices.add(actor_id == o.buyer_id ? o.seller_id : o.buyer_id, "order_delivered", actor_id, o.id);
    return Status::ok();
  });
}

Result<Order> OrderService::cancel(Id actor_id, Id order_id, const std::string& reason) {
  if (reason.size() > 500) return Status::invalid("/reason", "reason is at most 500 bytes");
  return change(order_id, [&](db::Conn& c, const Order& o, Notices& notices) -> Status {
    const bool buyer = o.buyer_id == actor_id;
    const bool seller = o.seller_id == actor_id;
    if (!buyer && !seller) return Status::not_found("No such order.");
    const bool paid = o.status == OrderStatus::kAwaitingShipment;
    if (!(paid || (buyer && o.status == OrderStatus::kUnpaid))) {
      return Status::conflict("An order " + std::string(to_string(o.status)) +
                              " cannot be cancelled" +
                              (o.status == OrderStatus::kInTransit ? "; ask for a return once it arrives." : "."));
    }
    const std::int64_t now = clock_.now_ms();
    const std::string why = reason.empty() ? (buyer ? "cancelled by the buyer" : "cancelled by the seller") : reason;
    RIFF_ASSIGN_OR_RETURN(bool moved, store::transition(c, o.id, {o.status}, OrderStatus::kCancelled,
                                                        "cancelled_at", now, ids_.next(), actor_id, why));
    if (!moved) return Status::conflict("The order changed meanwhile; reload it.");
    RIFF_RETURN_IF_ERROR(c.exec("UPDATE orders SET cancel_reason = $2 WHERE id = $1", {o.id, why}).status());
    if (paid) {
      // The units were sold: back on hand. The buyer gets everything back.
      for (const auto& i : o.items) {
        RIFF_RETURN_IF_ERROR(c.exec("UPDATE product_variants SET on_hand = on_hand + $2,"
                                    " updated_at = $3 WHERE id = $1",
                                    {i.variant_id, i.quantity, now})
                                 .status());
      }
      if (o.total - o.refunded > 0) {
        RIFF_RETURN_IF_ERROR(refund_paid(ledger_, settlements_, c, ids_, queue_, o, o.total - o.refunded, why, now)
                                 .status());
      }
    } else {
      // Unpaid: the hold goes; a payment still on its way is refunded when it lands.
      RIFF_RETURN_IF_ERROR(stock_.release(c, o.id).status());
    }
    RIFF_RETURN_IF_ERROR(FlashDealService::release(c, o.id));
    RIFF_ASSIGN_OR_RETURN(db::Rows redeemed,
                          c.query("SELECT coupon_id FROM coupon_redemptions WHERE order_id = $1", {o.id}));
    for (const auto& r : redeemed) {
      RIFF_RETURN_IF_ERROR(
          c.exec("UPDATE coupons SET uses = uses - 1 WHERE id = $1 AND uses > 0", {r.i64(0)}).status());
    }
    RIFF_RETURN_IF_ERROR(c.exec("DELETE FROM coupon_redemptions WHERE order_id = $1", {o.id}).status());
    notices.add(buyer ? o.seller_id : o.buyer_id, "order_cancelled", actor_id, o.id);
    return Status::ok();
  });
}

jobs::JobOutcome OrderService::complete_job(jobs::JobContext& ctx) {
  const Id order_id = payload_id(ctx.job().payload);
  if (order_id <= 0) return jobs::JobOutcome::fail("bad payload " + ctx.job().payload);
  Status st = db_.transact([&](db::Conn& c) -> Status {
    // An open return request keeps the order open until it is decided.
    RIFF_ASSIGN_OR_RETURN(db::Rows open,
                          c.query("SELECT MAX(respond_by) FROM order_returns"
                                  " WHERE order_id = $1 AND state = 0",
                                  {order_id}));
    if (!open.empty() && !open[0].is_null(0)) {
      return queue_
          .enqueue(c, kCompleteJob, "{\"order_id\":\"" + std::to_string(order_id) + "\"}",
                   open[0].i64(0) + 1, 10, order_id)
          .status();
    }
    return store::transition(c, order_id, {OrderStatus::kDelivered}, OrderStatus::kCompleted,
                             "completed_at", clock_.now_ms(), ids_.next(), std::nullopt,
                             "return window closed")
        .status();
  });
  if (!st) return jobs::JobOutcome::retry(st.message());
  return jobs::JobOutcome::done();
}

jobs::JobOutcome OrderService::refund_job(jobs::JobContext& ctx) {
  const Id refund_id = payload_id(ctx.job().payload);
  if (refund_id <= 0) return jobs::JobOutcome::fail("bad payload " + ctx.job().payload);
  auto rows = db_.query(
      "SELECT r.amount, r.state, c.intent_id FROM order_refunds r JOIN orders o ON o.id = r.order_id"
      " JOIN checkouts c ON c.id = o.checkout_id WHERE r.id = $1",
      {refund_id});
  if (!rows) return jobs::JobOutcome::retry(rows.status().message());
  if (rows->empty() || (*rows)[0].i64(1) != 0) return jobs::JobOutcome::done();
  const std::int64_t amount = (*rows)[0].i64(0);
  const auto intent = (*rows)[0].opt_str(2);
  // The intent id arrives with the payment's webhook, before any refund of it can be made.
  if (!intent) return jobs::JobOutcome::retry("the payment's intent is not known yet");
  auto refund = gateway_.refund(*intent, amount, "order-refund:" + std::to_string(refund_id));
  if (!refund) {
    if (refund.status().code() == Code::kConflict || refund.status().code() == Code::kInvalid) {
      spdlog::error("orders: refund {} of {} on {} refused: {}", refund_id, amount, *intent,
                    refund.status().message());
      (void)db_.exec("UPDATE order_refunds SET state = 2, updated_at = $2 WHERE id = $1",
                     {refund_id, clock_.now_ms()});
      return jobs::JobOutcome::fail(refund.status().message());
    }
    return jobs::JobOutcome::retry(refund.status().message());
  }
  auto done = db_.exec(
      "UPDATE order_refunds SET state = 1, gateway_refund_id = $2, updated_at = $3 WHERE id = $1",
      {refund_id, refund->id, clock_.now_ms()});
  if (!done) return jobs::JobOutcome::retry(done.status().message());
  return jobs::JobOutcome::done();
}

}  // namespace riff::orders
