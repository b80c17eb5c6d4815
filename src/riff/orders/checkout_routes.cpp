// /api/v1/checkout: quotes and placing a checkout (Idempotency-Key
// required); /api/v1/checkouts/{id}: reading one back.

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

std::string string_in(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

/// Reads {items, shipping_address, shipping, coupons, payment_method}.
CheckoutRequest request_from(const Request& req) {
  net::BodyReader body(req);
  CheckoutRequest r;
  if (const auto* items = body.object().if_contains("items"); items && !items->is_null()) {
    if (!items->is_array()) {
      body.fail("items", "items is an array of {variant_id, quantity}");
    } else {
      for (std::size_t i = 0; i < items->as_array().size(); ++i) {
        const auto& v = items->as_array()[i];
        const std::string p = "items/" + std::to_string(i);
        const auto* id = v.is_object() ? v.as_object().if_contains("variant_id") : nullptr;
        const auto* q = v.is_object() ? v.as_object().if_contains("quantity") : nullptr;
        std::optional<Id> variant;
        if (id && id->is_string()) variant = parse_id(id->as_string());
        if (!variant) {
          body.fail(p + "/variant_id", "variant_id is an id string");
          continue;
        }
        if (!q || !q->is_int64()) {
          body.fail(p + "/quantity", "quantity is an integer");
          continue;
        }
        r.items.push_back({*variant, q->as_int64()});
      }
      if (r.items.empty() && items->as_array().empty()) {
        body.fail("items", "items lists at least one item (leave it out to buy the cart)");
      }
    }
  }
  if (const auto* a = body.object().if_contains("shipping_address"); a && !a->is_null()) {
    if (!a->is_object()) {
      body.fail("shipping_address", "shipping_address is an object");
    } else {
      const auto& o = a->as_object();
      r.address = ShippingAddress{string_in(o, "name"),   string_in(o, "line1"),
                                  string_in(o, "line2"),  string_in(o, "city"),
                                  string_in(o, "region"), string_in(o, "postal_code"),
                                  string_in(o, "country"), string_in(o, "phone")};
    }
  }
  if (const auto* s = body.object().if_contains("shipping"); s && !s->is_null()) {
    if (!s->is_object()) {
      body.fail("shipping", "shipping maps shop ids to shipping option ids");
    } else {
      for (const auto& [shop, option] : s->as_object()) {
        auto shop_id = parse_id(shop);
        std::optional<Id> option_id;
        if (option.is_string()) option_id = parse_id(option.as_string());
        if (!shop_id || !option_id) {
          body.fail("shipping/" + std::string(shop), "a shipping option id string per shop id");
          continue;
        }
        r.shipping[*shop_id] = *option_id;
      }
    }
  }
  if (const auto* c = body.object().if_contains("coupons"); c && !c->is_null()) {
    if (!c->is_array() || c->as_array().size() > 10) {
      body.fail("coupons", "coupons is an array of at most 10 codes");
    } else {
      for (std::size_t i = 0; i < c->as_array().size(); ++i) {
        const auto& v = c->as_array()[i];
        if (!v.is_string() || v.as_string().size() > 64) {
          body.fail("coupons/" + std::to_string(i), "a coupon code is a string");
          continue;
        }
        r.coupons.emplace_back(v.as_string());
      }
    }
  }
  r.payment_method = body.string("payment_method", {.max_len = 100}).value_or("");
  body.finish();
  if (r.address) {
    r.address = net::value_or_throw(validate_address(std::move(*r.address), "/shipping_address"));
  }
  return r;
}

Response checkout_response(int status, const Checkout& c) {
  if (c.state == CheckoutState::kDeclined) {
    throw HttpError(402, "payment-declined", "Payment declined",
                    "The payment was declined (" + c.decline_code.value_or("declined") +
                        "); nothing was charged and the items are back on sale. Checkout " +
                        id_to_string(c.id) + ".");
  }
  return net::json_response(status, checkout_json(c));
}

}  // namespace

void mount_checkout_routes(net::Router& router, OrdersModule& m) {
  net::RouteOptions required;
  required.auth = net::Auth::kRequired;

  router.post(
      "/api/v1/checkout/quote",
      [&m](Request& req) {
        const CheckoutRequest r = request_from(req);
        return net::json_response(200, quote_json(net::value_or_throw(m.checkout().quote(user_of(req), r))));
      },
      required);
  router.post(
      "/api/v1/checkout",
      [&m](Request& req) {
        const std::string key = ledger::require_idempotency_key(req);
        const CheckoutRequest r = request_from(req);
        auto placed = m.checkout().place(user_of(req), key, r);
        if (!placed && placed.status().code() == Code::kConflict &&
            placed.status().message().starts_with(kOutOfStockPrefix)) {
          throw HttpError(409, "out-of-stock", "Out of stock",
                          placed.status().message() + ". Nothing was reserved or charged.");
        }
        return checkout_response(201, net::value_or_throw(std::move(placed)));
      },
      required);
  router.get(
      "/api/v1/checkouts/{id}",
      [&m](Request& req) {
        const Id id = path_id(req, "id", "checkout");
        return net::json_response(200, checkout_json(net::value_or_throw(m.checkout().get(user_of(req), id))));
      },
      required);
}

}  // namespace riff::orders
