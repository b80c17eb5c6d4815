// Flash deals: a seller's (/api/v1/me/shop/flash-deals) and the live ones
// for everyone (/api/v1/flash-deals).

#include "riff/core/rfc3339.hpp"
#include "riff/net/json.hpp"
#include "riff/orders/module.hpp"
#include "riff/shop/render.hpp"

namespace riff::orders {
namespace {

namespace json = boost::json;
using net::Request;
using shop::path_id;
using shop::user_of;

json::object deal_json(const FlashDeal& d, std::int64_t now) {
  return {{"id", id_to_string(d.id)},
          {"shop_id", id_to_string(d.shop_id)},
          {"product_id", id_to_string(d.product_id)},
          {"variant_id", id_to_string(d.variant_id)},
          {"title", d.title},
          {"currency", d.currency},
          {"regular_price", d.regular_price},
          {"deal_price", d.deal_price},
          {"quantity", d.quantity},
          {"sold", d.sold},
          {"left", d.quantity - d.sold},
          {"per_buyer_limit", d.per_buyer_limit},
          {"starts_at", to_rfc3339(d.starts_at)},
          {"ends_at", to_rfc3339(d.ends_at)},
          {"live", d.live(now)},
          {"created_at", to_rfc3339(d.created_at)}};
}

}  // namespace

void mount_deal_routes(net::Router& router, OrdersModule& m) {
  net::RouteOptions required;
  required.auth = net::Auth::kRequired;
  net::RouteOptions optional;
  optional.auth = net::Auth::kOptional;
  const Clock& clock = m.clock();

  router.post(
      "/api/v1/me/shop/flash-deals",
      [&m, &clock](Request& req) {
        net::BodyReader body(req);
        FlashDeal d;
        d.variant_id = body.id("variant_id", true).value_or(0);
        d.deal_price = body.integer("deal_price", true, 1).value_or(0);
        d.quantity = body.integer("quantity", true, 1).value_or(0);
        d.per_buyer_limit = body.integer("per_buyer_limit", false, 0).value_or(0);
        d.starts_at = body.time("starts_at", false).value_or(0);
        d.ends_at = body.time("ends_at", true).value_or(0);
        body.finish();
        return net::json_response(
            201, deal_json(net::value_or_throw(m.deals().create(user_of(req), d)), clock.now_ms()));
      },
      required);
  router.get(
      "/api/v1/me/shop/flash-deals",
      [&m, &clock](Request& req) {
        return net::items_response(net::value_or_throw(m.deals().of_seller(user_of(req))),
                                   [&](const auto& d) { return deal_json(d, clock.now_ms()); });
      },
      required);
  router.post(
      "/api/v1/me/shop/flash-deals/{id}/end",
      [&m, &clock](Request& req) {
        const Id id = path_id(req, "id", "flash deal");
        return net::json_response(
            200, deal_json(net::value_or_throw(m.deals().end(user_of(req), id)), clock.now_ms()));
      },
      required);
  router.get(
      "/api/v1/flash-deals",
      [&m, &clock](Request& req) {
        const auto page = net::page_params(req, 20, 100);
        return net::items_response(net::value_or_throw(m.deals().current(page.limit)),
                                   [&](const auto& d) { return deal_json(d, clock.now_ms()); });
      },
      optional);
}

}  // namespace riff::orders
