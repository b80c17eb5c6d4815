// OrderService's returns and refunds: requests within the return window,
// the seller's decision, approval by deadline (orders.hpp).

#include <spdlog/spdlog.h>

#include "riff/accounts/cursor.hpp"
#include "riff/orders/money.hpp"
#include "riff/orders/orders.hpp"
#include "riff/orders/store.hpp"

namespace riff::orders {
namespace {

constexpr std::string_view kReturnColumns =
    "r.id, r.order_id, r.buyer_id, r.seller_id, r.send_back, r.amount, o.currency, r.reason,"
    " r.state, r.seller_note, r.respond_by, r.decided_at, r.auto_approved, r.refund_id,"
    " r.created_at";

ReturnRequest return_from(const db::Row& r) {
  ReturnRequest x;
  x.id = r.i64(0);
  x.order_id = r.i64(1);
  x.buyer_id = r.i64(2);
  x.seller_id = r.i64(3);
  x.send_back = r.i64(4) != 0;
  x.amount = r.i64(5);
  x.currency = r.str(6);
  x.reason = r.str(7);
  const auto st = r.i64(8);
  x.state = st >= 0 && st <= 2 ? static_cast<ReturnState>(st) : ReturnState::kRequested;
  x.seller_note = r.str(9);
  x.respond_by = r.i64(10);
  x.decided_at = r.opt_i64(11);
  x.auto_approved = r.i64(12) != 0;
  x.refund_id = r.opt_i64(13);
  x.created_at = r.i64(14);
  return x;
}

Result<std::optional<ReturnRequest>> load_return(db::Conn& c, Id id) {
  RIFF_ASSIGN_OR_RETURN(db::Rows rows,
                        c.query("SELECT " + std::string(kReturnColumns) +
                                    " FROM order_returns r JOIN orders o ON o.id = r.order_id"
                                    " WHERE r.id = $1",
                                {id}));
  if (rows.empty()) return std::optional<ReturnRequest>();
  return std::optional<ReturnRequest>(return_from(rows[0]));
}

}  // namespace

Result<ReturnRequest> OrderService::request_return(Id buyer_id, Id order_id,
                                                   std::optional<std::int64_t> amount,
                                                   const std::string& reason, bool send_back) {
  if (reason.empty() || reason.size() > 1000) {
    return Status::invalid("/reason", "reason is 1-1000 bytes");
  }
  Id return_id = ids_.next();
  Notices notices;
  RIFF_RETURN_IF_ERROR(db_.transact([&](db::Conn& c) -> Status {
    notices.pending.clear();
    RIFF_ASSIGN_OR_RETURN(std::optional<Order> o, store::load_order(c, order_id));
    if (!o || o->buyer_id != buyer_id) {
      return o && o->seller_id == buyer_id ? Status::forbidden("Only the buyer asks for a return.")
                                           : Status::not_found("No such order.");
    }
    const std::int64_t now = clock_.now_ms();
    if (o->status != OrderStatus::kDelivered || !o->delivered_at) {
      return Status::conflict(o->status == OrderStatus::kCompleted
                                  ? "The return window of this order has closed."
                                  : "Returns open once the order is delivered; an order " +
                                        std::string(to_string(o->status)) +
                                        " can be cancelled instead.");
    }
    if (now > *o->delivered_at + options_.return_window_ms) {
      return Status::conflict("The return window of this order has closed.");
    }
    const std::int64_t left = o->total - o->refunded;
    const std::int64_t want = amount.value_or(left);
    if (want <= 0 || want > left) {
      return Status::invalid("/amount", "amount is 1 to " + std::to_string(left) +
                                            " (what is left to refund)");
    }
    // One open request at a time; the conditional insert decides between racing requests.
    RIFF_ASSIGN_OR_RETURN(
        std::int64_t made,
        c.exec("INSERT INTO order_returns (id, order_id, buyer_id, seller_id, send_back, amount,"
               " reason, state, respond_by, created_at, updated_at)"
               " SELECT $1, $2, $3, $4, $5, $6, $7, 0, $8, $9, $9"
               " WHERE NOT EXISTS (SELECT 1 FROM order_returns WHERE order_id = $2 AND state = 0)",
               {return_id, o->id, buyer_id, o->seller_id, send_back ? 1 : 0, want, reason,
                now + options_.return_response_ms, now}));
    if (made == 0) return Status::conflict("This order already has a return request open.");
    RIFF_RETURN_IF_ERROR(c.exec("INSERT INTO order_events (id, order_id, status, actor_id, note,"
                                " created_at) VALUES ($1, $2, $3, $4, $5, $6)",
                                {ids_.next(), o->id, static_cast<int>(o->status), buyer_id,
                                 "return requested: " + reason, now})
                             .status());
    RIFF_RETURN_IF_ERROR(queue_
                             .enqueue(c, kReturnDeadlineJob,
                                      "{\"return_id\":\"" + std::to_string(return_id) + "\"}",
                                      now + options_.return_response_ms, 10, return_id)
                             .status());
    notices.add(o->seller_id, "return_requested", buyer_id, o->id);
    return Status::ok();
  }));
  send(notices);
  RIFF_ASSIGN_OR_RETURN(std::optional<ReturnRequest> r, store::read_result(db_, [&](db::Conn& c) {
                          return load_return(c, return_id);
                        }));
  if (!r) return Status::internal("return " + std::to_string(return_id) + " vanished");
  return std::move(*r);
}

Result<bool> OrderService::approve_in(db::Conn& c, const ReturnRequest& r, std::optional<Id> actor,
                                      Notices& notices) {
  const std::int64_t now = clock_.now_ms();
  RIFF_ASSIGN_OR_RETURN(std::int64_t moved,
                        c.exec("UPDATE order_returns SET state = 1, decided_at = $2,"
                               " auto_approved = $3, updated_at = $2 WHERE id = $1 AND state = 0",
                               {r.id, now, actor ? 0 : 1}));
  if (moved == 0) return false;
  RIFF_ASSIGN_OR_RETURN(std::optional<Order> o, store::load_order(c, r.order_id));
  if (!o) return Status::not_found("No such order.");
  // The request was checked against what was left; a cancellation or another
  // refund since can only have lowered it.
  const std::int64_t amount = std::min(r.amount, o->total - o->refunded);
  if (amount > 0) {
    RIFF_ASSIGN_OR_RETURN(Id refund_id,
                          refund_paid(ledger_, settlements_, c, ids_, queue_, *o, amount,
                                      "return " + std::to_string(r.id), now));
    RIFF_RETURN_IF_ERROR(c.exec("UPDATE order_returns SET refund_id = $2 WHERE id = $1",
                                {r.id, refund_id})
                             .status());
  }
  RIFF_RETURN_IF_ERROR(c.exec("INSERT INTO order_events (id, order_id, status, actor_id, note,"
                              " created_at) VALUES ($1, $2, $3, $4, $5, $6)",
                              {ids_.next(), o->id, static_cast<int>(o->status), actor,
                               actor ? "return approved: refunded " + std::to_string(amount)
                                     : "return approved by deadline: refunded " +
                                           std::to_string(amount),
                               now})
                           .status());
  notices.add(o->buyer_id, "return_approved", actor, o->id);
  for (const auto& [creator, commission] : o->allocation().creators) {
    notices.add(creator, "commission_reversed", std::nullopt, o->id);
  }
  return true;
}

Result<ReturnRequest> OrderService::decide(Id seller_id, Id return_id, bool approve,
                                           const std::string& note) {
  if (note.size() > 1000) return Status::invalid("/note", "note is at most 1000 bytes");
  if (!approve && note.empty()) {
    return Status::invalid("/note", "say why the request is rejected");
  }
  Notices notices;
  RIFF_RETURN_IF_ERROR(db_.transact([&](db::Conn& c) -> Status {
    notices.pending.clear();
    RIFF_ASSIGN_OR_RETURN(std::optional<ReturnRequest> r, load_return(c, return_id));
    if (!r || (r->seller_id != seller_id && r->buyer_id != seller_id)) {
      return Status::not_found("No such return request.");
    }
    if (r->seller_id != seller_id) return Status::forbidden("Only the seller decides a return.");
    if (r->state != ReturnState::kRequested) {
      return Status::conflict("This request was already " + std::string(to_string(r->state)) + ".");
    }
    if (approve) {
      RIFF_ASSIGN_OR_RETURN(bool done, approve_in(c, *r, seller_id, notices));
      if (!done) return Status::conflict("This request was decided meanwhile.");
      if (!note.empty()) {
        RIFF_RETURN_IF_ERROR(
            c.exec("UPDATE order_returns SET seller_note = $2 WHERE id = $1", {r->id, note}).status());
      }
      return Status::ok();
    }
    const std::int64_t now = clock_.now_ms();
    RIFF_ASSIGN_OR_RETURN(std::int64_t moved,
                          c.exec("UPDATE order_returns SET state = 2, seller_note = $2,"
                                 " decided_at = $3, updated_at = $3 WHERE id = $1 AND state = 0",
                                 {r->id, note, now}));
    if (moved == 0) return Status::conflict("This request was decided meanwhile.");
    RIFF_RETURN_IF_ERROR(c.exec("INSERT INTO order_events (id, order_id, status, actor_id, note,"
                                " created_at) SELECT $1, id, status, $2, $3, $4 FROM orders"
                                " WHERE id = $5",
                                {ids_.next(), seller_id, "return rejected: " + note, now,
                                 r->order_id})
                             .status());
    notices.add(r->buyer_id, "return_rejected", seller_id, r->order_id);
    return Status::ok();
  }));
  send(notices);
  RIFF_ASSIGN_OR_RETURN(std::optional<ReturnRequest> r, store::read_result(db_, [&](db::Conn& c) {
                          return load_return(c, return_id);
                        }));
  if (!r) return Status::not_found("No such return request.");
  return std::move(*r);
}

Result<ReturnRequest> OrderService::approve_return(Id seller_id, Id return_id) {
  return decide(seller_id, return_id, true, "");
}

Result<ReturnRequest> OrderService::reject_return(Id seller_id, Id return_id,
                                                  const std::string& note) {
  return decide(seller_id, return_id, false, note);
}

Result<ReturnRequest> OrderService::return_request(Id viewer_id, Id return_id) {
  RIFF_ASSIGN_OR_RETURN(std::optional<ReturnRequest> r, store::read_result(db_, [&](db::Conn& c) {
                          return load_return(c, return_id);
                        }));
  if (!r || (r->buyer_id != viewer_id && r->seller_id != viewer_id)) {
    return Status::not_found("No such return request.");
  }
  return std::move(*r);
}

Result<std::vector<ReturnRequest>> OrderService::order_returns(Id viewer_id, Id order_id) {
  RIFF_RETURN_IF_ERROR(get(viewer_id, order_id).status());
  RIFF_ASSIGN_OR_RETURN(db::Rows rows,
                        db_.query("SELECT " + std::string(kReturnColumns) +
                                      " FROM order_returns r JOIN orders o ON o.id = r.order_id"
                                      " WHERE r.order_id = $1 ORDER BY r.id",
                                  {order_id}));
  std::vector<ReturnRequest> out;
  for (const auto& r : rows) out.push_back(return_from(r));
  return out;
}

Result<ReturnPage> OrderService::seller_returns(Id seller_id, std::optional<ReturnState> state,
                                                int limit,
                                                const std::optional<std::string>& cursor) {
  Id before = INT64_MAX;
  if (cursor) {
    auto key = accounts::decode_cursor(*cursor);
    if (!key) return Status::invalid("/cursor", "not a cursor of this list");
    before = key->id;
  }
  std::string sql = "SELECT " + std::string(kReturnColumns) +
                    " FROM order_returns r JOIN orders o ON o.id = r.order_id"
                    " WHERE r.seller_id = $1 AND r.id < $2";
  std::vector<db::Param> params{seller_id, before, limit + 1};
  if (state) {
    sql += " AND r.state = $4";
    params.push_back(static_cast<int>(*state));
  }
  sql += " ORDER BY r.id DESC LIMIT $3";
  RIFF_ASSIGN_OR_RETURN(db::Rows rows, db_.query(sql, params));
  ReturnPage page;
  for (const auto& r : rows) {
    if (page.items.size() == static_cast<std::size_t>(limit)) {
      page.next_cursor = accounts::encode_cursor({0, page.items.back().id});
      break;
    }
    page.items.push_back(return_from(r));
  }
  return page;
}

jobs::JobOutcome OrderService::return_deadline_job(jobs::JobContext& ctx) {
  const Id return_id = payload_id(ctx.job().payload);
  if (return_id <= 0) return jobs::JobOutcome::fail("bad payload " + ctx.job().payload);
  Notices notices;
  bool early = false;
  Status st = db_.transact([&](db::Conn& c) -> Status {
    notices.pending.clear();
    RIFF_ASSIGN_OR_RETURN(std::optional<ReturnRequest> r, load_return(c, return_id));
    if (!r || r->state != ReturnState::kRequested) return Status::ok();
    early = r->respond_by > clock_.now_ms();
    if (early) return Status::ok();
    return approve_in(c, *r, std::nullopt, notices).status();
  });
  if (st && early) return jobs::JobOutcome::retry("the seller's time to respond has not run out");
  if (!st) {
    if (st.code() == Code::kConflict) {
      // A refund the ledger refuses (the seller was paid out): an operator's case.
      spdlog::error("orders: return {} could not be approved by deadline: {}", return_id, st.message());
      return jobs::JobOutcome::fail(st.message());
    }
    return jobs::JobOutcome::retry(st.message());
  }
  send(notices);
  return jobs::JobOutcome::done();
}

}  // namespace riff::orders
