// /api/v1/me/cart: the buyer's cart. /api/v1/me/shop/shipping-options and
// /api/v1/me/shop/coupons: what a seller sets for checkout.

#include "riff/core/rfc3339.hpp"
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

}  // namespace

void mount_cart_routes(net::Router& router, OrdersModule& m) {
  net::RouteOptions required;
  required.auth = net::Auth::kRequired;

  router.get(
      "/api/v1/me/cart",
      [&m](Request& req) {
        return net::json_response(200, cart_json(net::value_or_throw(m.carts().get(user_of(req)))));
      },
      required);
  router.put(
      "/api/v1/me/cart/items/{variant_id}",
      [&m](Request& req) {
        const Id variant = path_id(req, "variant_id", "product variant");
        net::BodyReader body(req);
        auto quantity = body.integer("quantity", true, 0, kMaxLineQuantity);
        body.finish();
        return net::json_response(
            200, cart_json(net::value_or_throw(m.carts().set(user_of(req), variant, *quantity))));
      },
      required);
  router.del(
      "/api/v1/me/cart/items/{variant_id}",
      [&m](Request& req) {
        const Id variant = path_id(req, "variant_id", "product variant");
        return net::json_response(
            200, cart_json(net::value_or_throw(m.carts().set(user_of(req), variant, 0))));
      },
      required);
  router.del(
      "/api/v1/me/cart",
      [&m](Request& req) {
        net::ok_or_throw(m.carts().clear(user_of(req)));
        return Response::no_content();
      },
      required);

  router.get(
      "/api/v1/me/shop/shipping-options",
      [&m](Request& req) {
        const Id me = user_of(req);
        const auto shop = net::value_or_throw(m.shop().shops().mine(me));
        return net::items_response(net::value_or_throw(m.sellers().shipping_options(shop.id)),
                                   [&](const auto& o) { return shipping_option_json(o); });
      },
      required);
  router.put(
      "/api/v1/me/shop/shipping-options",
      [&m](Request& req) {
        net::BodyReader body(req);
        std::vector<ShippingOption> options;
        const auto* items = body.object().if_contains("items");
        if (items == nullptr || !items->is_array()) {
          body.fail("items", "items is an array of shipping options");
        } else {
          for (std::size_t i = 0; i < items->as_array().size(); ++i) {
            const auto& v = items->as_array()[i];
            const std::string p = "items/" + std::to_string(i);
            if (!v.is_object()) {
              body.fail(p, "each option is an object");
              continue;
            }
            const auto& o = v.as_object();
            ShippingOption opt;
            if (const auto* n = o.if_contains("name"); n && n->is_string()) opt.name = n->as_string();
            auto integer = [&](std::string_view key, std::int64_t& out, bool required) {
              const auto* x = o.if_contains(key);
              if (x == nullptr || x->is_null()) {
                if (required) body.fail(p + "/" + std::string(key), std::string(key) + " is required");
                return;
              }
              if (!x->is_int64()) {
                body.fail(p + "/" + std::string(key), std::string(key) + " is an integer");
                return;
              }
              out = x->as_int64();
            };
            std::int64_t min_days = 0, max_days = 0;
            integer("price", opt.price, true);
            integer("min_days", min_days, false);
            integer("max_days", max_days, false);
            opt.min_days = static_cast<int>(std::clamp<std::int64_t>(min_days, -1, 1000));
            opt.max_days = static_cast<int>(std::clamp<std::int64_t>(std::max(max_days, min_days), -1, 1000));
            options.push_back(std::move(opt));
          }
        }
        body.finish();
        return net::items_response(net::value_or_throw(m.sellers().set_shipping_options(user_of(req), std::move(options))),
                                   [&](const auto& o) { return shipping_option_json(o); });
      },
      required);

  router.get(
      "/api/v1/me/shop/coupons",
      [&m](Request& req) {
        return net::items_response(net::value_or_throw(m.sellers().coupons(user_of(req))),
                                   [&](const auto& c) { return coupon_json(c); });
      },
      required);
  router.post(
      "/api/v1/me/shop/coupons",
      [&m](Request& req) {
        net::BodyReader body(req);
        Coupon c;
        c.code = normalize_coupon_code(body.string("code", {.required = true, .max_len = 32}).value_or(""));
        if (c.code.empty() && body.has("code")) body.fail("code", "code is 3-32 of A-Z, 0-9, - and _");
        const auto kind = body.string("kind", {.required = true, .max_len = 10});
        if (kind) {
          if (auto k = parse_coupon_kind(*kind)) {
            c.kind = *k;
          } else {
            body.fail("kind", "kind is percent or amount");
          }
        }
        c.value = body.integer("value", true, 1).value_or(0);
        c.min_subtotal = body.integer("min_subtotal", false, 0).value_or(0);
        c.starts_at = body.time("starts_at").value_or(0);
        c.ends_at = body.time("ends_at");
        c.max_uses = body.integer("max_uses", false, 1);
        c.per_buyer_limit = body.integer("per_buyer_limit", false, 0).value_or(0);
        c.active = body.boolean("active").value_or(true);
        body.finish();
        return net::json_response(
            201, coupon_json(net::value_or_throw(m.sellers().create_coupon(user_of(req), c))));
      },
      required);
  router.patch(
      "/api/v1/me/shop/coupons/{id}",
      [&m](Request& req) {
        const Id id = path_id(req, "id", "coupon");
        net::BodyReader body(req);
        auto active = body.boolean("active", true);
        body.finish();
        return net::json_response(
            200, coupon_json(net::value_or_throw(m.sellers().set_coupon_active(user_of(req), id, *active))));
      },
      required);
}

}  // namespace riff::orders
