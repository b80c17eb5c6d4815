// Affiliate plans for sellers (/api/v1/me/shop/affiliate-plans, the
// affiliate report) and the creator's side (/api/v1/affiliate/products to
// find products to promote, /api/v1/me/affiliate/earnings).

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

json::object plan_json(const AffiliatePlan& p, std::int64_t now) {
  const bool live = p.active && p.starts_at <= now && (!p.ends_at || *p.ends_at > now);
  return {{"id", id_to_string(p.id)},
          {"kind", p.creator_id ? "targeted" : "open"},
          {"product_id", net::id_or_null(p.product_id)},
          {"creator_id", net::id_or_null(p.creator_id)},
          {"rate_bps", p.rate_bps},
          {"starts_at", to_rfc3339(p.starts_at)},
          {"ends_at", net::time_or_null(p.ends_at)},
          {"active", live},
          {"created_at", to_rfc3339(p.created_at)}};
}

}  // namespace

void mount_affiliate_routes(net::Router& router, OrdersModule& m) {
  net::RouteOptions required;
  required.auth = net::Auth::kRequired;
  const Clock& clock = m.clock();

  router.post(
      "/api/v1/me/shop/affiliate-plans",
      [&m, &clock](Request& req) {
        net::BodyReader body(req);
        AffiliatePlan p;
        p.product_id = body.id("product_id");
        p.creator_id = body.id("creator_id");
        p.rate_bps = body.integer("rate_bps", true).value_or(0);
        p.starts_at = body.time("starts_at").value_or(0);
        p.ends_at = body.time("ends_at");
        body.finish();
        const auto made = net::value_or_throw(m.affiliates().create(user_of(req), p));
        return net::json_response(201, plan_json(made, clock.now_ms()));
      },
      required);
  router.get(
      "/api/v1/me/shop/affiliate-plans",
      [&m, &clock](Request& req) {
        return net::items_response(net::value_or_throw(m.affiliates().plans(user_of(req))),
                                   [&](const auto& p) { return plan_json(p, clock.now_ms()); });
      },
      required);
  router.post(
      "/api/v1/me/shop/affiliate-plans/{id}/end",
      [&m, &clock](Request& req) {
        const Id id = path_id(req, "id", "affiliate plan");
        const auto ended = net::value_or_throw(m.affiliates().end(user_of(req), id));
        return net::json_response(200, plan_json(ended, clock.now_ms()));
      },
      required);
  router.get(
      "/api/v1/me/shop/affiliate-report",
      [&m](Request& req) {
        json::array out;
        for (const auto& l : net::value_or_throw(m.affiliates().report(user_of(req)))) {
          out.push_back(json::object{{"creator", json::object{{"id", id_to_string(l.creator_id)},
                                                              {"handle", l.creator_handle}}},
                                     {"orders", l.orders},
                                     {"sales", l.sales},
                                     {"commission", l.commission}});
        }
        return net::json_response(200, json::object{{"items", std::move(out)}});
      },
      required);
  router.get(
      "/api/v1/affiliate/products",
      [&m](Request& req) {
        const auto page = net::page_params(req, 20, 100);
        json::array out;
        for (const auto& p : net::value_or_throw(m.affiliates().promotable(user_of(req), page.limit))) {
          out.push_back(json::object{{"product_id", id_to_string(p.product_id)},
                                     {"shop", json::object{{"id", id_to_string(p.shop_id)},
                                                           {"handle", p.shop_handle}}},
                                     {"title", p.title},
                                     {"price_from", p.price_min},
                                     {"currency", p.currency},
                                     {"rate_bps", p.rate_bps},
                                     {"targeted", p.targeted}});
        }
        return net::json_response(200, json::object{{"items", std::move(out)}});
      },
      required);
  router.get(
      "/api/v1/me/affiliate/earnings",
      [&m](Request& req) {
        const auto page = net::page_params(req);
        const auto e = net::value_or_throw(m.affiliates().earnings(user_of(req), page.limit, page.cursor));
        json::array items;
        for (const auto& x : e.items) {
          items.push_back(json::object{{"order_id", id_to_string(x.order_id)},
                                       {"status", x.status},
                                       {"title", x.title},
                                       {"currency", x.currency},
                                       {"amount", x.amount},
                                       {"rate_bps", x.rate_bps},
                                       {"commission", x.commission},
                                       {"created_at", to_rfc3339(x.created_at)}});
        }
        return net::json_response(
            200, json::object{{"items", std::move(items)},
                              {"next_cursor", e.next_cursor ? json::value(*e.next_cursor) : json::value(nullptr)},
                              {"currency", e.currency.empty() ? json::value(nullptr) : json::value(e.currency)},
                              {"pending", e.pending},
                              {"available", e.available}});
      },
      required);
}

}  // namespace riff::orders
