// /api/v1/me/orders (a buyer's), /api/v1/me/shop/orders (a seller's) and
// /api/v1/orders/{id} with its lifecycle: ship, deliver, cancel.

#include "riff/ledger/module.hpp"
#include "riff/net/json.hpp"
#include "riff/orders/module.hpp"
#include "riff/orders/render.hpp"
#include "riff/shop/render.hpp"

namespace riff::orders {
namespace {

namespace json = boost::json;
using net::HttpError;
using net::Request;
using net::Response;
using shop::path_id;
using shop::user_of;

std::optional<OrderStatus> status_param(const Request& req) {
  auto s = req.query("status");
  if (!s || s->empty()) return std::nullopt;
  auto status = parse_order_status(*s);
  if (!status) {
    throw HttpError(Status::invalid("/status", "status is one of unpaid, awaiting_shipment,"
                                               " in_transit, delivered, completed, cancelled"));
  }
  return status;
}

Response page_response(const OrderPage& page, Id viewer) {
  json::array items;
  for (const auto& o : page.items) items.push_back(order_json(o, viewer));
  return net::json_response(
      200, json::object{{"items", std::move(items)},
                        {"next_cursor", page.next_cursor ? json::value(*page.next_cursor)
                                                         : json::value(nullptr)}});
}

}  // namespace

void mount_order_routes(net::Router& router, OrdersModule& m) {
  net::RouteOptions required;
  required.auth = net::Auth::kRequired;

  router.get(
      "/api/v1/me/orders",
      [&m](Request& req) {
        const Id me = user_of(req);
        const auto page = net::page_params(req);
        return page_response(
            net::value_or_throw(m.orders().buyer_orders(me, status_param(req), page.limit, page.cursor)), me);
      },
      required);
  router.get(
      "/api/v1/me/shop/orders",
      [&m](Request& req) {
        const Id me = user_of(req);
        const auto page = net::page_params(req);
        return page_response(
            net::value_or_throw(m.orders().seller_orders(me, status_param(req), page.limit, page.cursor)), me);
      },
      required);
  router.get(
      "/api/v1/orders/{id}",
      [&m](Request& req) {
        const Id me = user_of(req);
        const Id id = path_id(req, "id", "order");
        return net::json_response(200, order_json(net::value_or_throw(m.orders().get(me, id)), me));
      },
      required);
  router.post(
      "/api/v1/orders/{id}/ship",
      [&m](Request& req) {
        const Id me = user_of(req);
        const Id id = path_id(req, "id", "order");
        net::BodyReader body(req);
        auto carrier = body.string("carrier", {.required = true, .max_len = 60});
        auto tracking = body.string("tracking_number", {.required = true, .max_len = 64});
        body.finish();
        return net::json_response(
            200, order_json(net::value_or_throw(m.orders().ship(me, id, *carrier, *tracking)), me));
      },
      required);
  router.post(
      "/api/v1/orders/{id}/deliver",
      [&m](Request& req) {
        const Id me = user_of(req);
        const Id id = path_id(req, "id", "order");
        return net::json_response(200, order_json(net::value_or_throw(m.orders().deliver(me, id)), me));
      },
      required);
  router.post(
      "/api/v1/orders/{id}/cancel",
      [&m](Request& req) {
        const Id me = user_of(req);
        const Id id = path_id(req, "id", "order");
        // Cancelling a paid order refunds it: a money route, so a key is
        // required, and a retry of a cancellation that went through gets the
        // cancelled order back instead of a conflict.
        (void)ledger::require_idempotency_key(req);
        std::string reason;
        if (!req.body.empty()) {
          net::BodyReader body(req);
          reason = body.string("reason", {.max_len = 500}).value_or("");
          body.finish();
        }
        auto cancelled = m.orders().cancel(me, id, reason);
        if (!cancelled && cancelled.status().code() == Code::kConflict) {
          auto now = m.orders().get(me, id);
          if (now && now->status == OrderStatus::kCancelled) return net::json_response(200, order_json(*now, me));
        }
        return net::json_response(200, order_json(net::value_or_throw(std::move(cancelled)), me));
      },
      required);

  router.post(
      "/api/v1/orders/{id}/returns",
      [&m](Request& req) {
        const Id me = user_of(req);
        const Id id = path_id(req, "id", "order");
        net::BodyReader body(req);
        auto reason = body.string("reason", {.required = true, .max_len = 1000});
        auto amount = body.integer("amount", false, 1);
        auto kind = body.string("kind", {.max_len = 30}).value_or("refund_only");
        if (kind != "refund_only" && kind != "return_and_refund") {
          body.fail("kind", "kind is refund_only or return_and_refund");
        }
        body.finish();
        return net::json_response(201, return_json(net::value_or_throw(m.orders().request_return(
                                           me, id, amount, *reason, kind == "return_and_refund"))));
      },
      required);
  router.get(
      "/api/v1/orders/{id}/returns",
      [&m](Request& req) {
        const Id id = path_id(req, "id", "order");
        return net::items_response(net::value_or_throw(m.orders().order_returns(user_of(req), id)),
                                   [&](const auto& r) { return return_json(r); });
      },
      required);
  router.get(
      "/api/v1/me/shop/returns",
      [&m](Request& req) {
        std::optional<ReturnState> state;
        if (auto s = req.query("state"); s && !s->empty()) {
          state = parse_return_state(*s);
          if (!state) {
            throw HttpError(Status::invalid("/state", "state is requested, approved or rejected"));
          }
        }
        const auto page = net::page_params(req);
        const auto r = net::value_or_throw(m.orders().seller_returns(user_of(req), state, page.limit, page.cursor));
        json::array items;
        for (const auto& x : r.items) items.push_back(return_json(x));
        return net::json_response(
            200, json::object{{"items", std::move(items)},
                              {"next_cursor", r.next_cursor ? json::value(*r.next_cursor) : json::value(nullptr)}});
      },
      required);
  router.post(
      "/api/v1/returns/{id}/approve",
      [&m](Request& req) {
        // Approving refunds: a money route.
        (void)ledger::require_idempotency_key(req);
        const Id me = user_of(req);
        const Id id = path_id(req, "id", "return request");
        auto done = m.orders().approve_return(me, id);
        if (!done && done.status().code() == Code::kConflict) {
          // A retry of an approval that went through gets the approved request.
          auto now = m.orders().return_request(me, id);
          if (now && now->state == ReturnState::kApproved && now->seller_id == me) {
            return net::json_response(200, return_json(*now));
          }
        }
        return net::json_response(200, return_json(net::value_or_throw(std::move(done))));
      },
      required);
  router.post(
      "/api/v1/returns/{id}/reject",
      [&m](Request& req) {
        const Id id = path_id(req, "id", "return request");
        net::BodyReader body(req);
        auto note = body.string("note", {.required = true, .min_len = 1, .max_len = 1000});
        body.finish();
        return net::json_response(
            200, return_json(net::value_or_throw(m.orders().reject_return(user_of(req), id, *note))));
      },
      required);
}

}  // namespace riff::orders
