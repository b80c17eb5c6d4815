// Browse and search (GET /api/v1/products), product links on videos,
// showcases and product taps. Handlers parse, call a service and render.

#include "riff/net/json.hpp"
#include "riff/shop/module.hpp"
#include "riff/shop/render.hpp"

namespace riff::shop {
namespace {

namespace json = boost::json;
using net::HttpError;
using net::Request;
using net::Response;

json::value product_cards_json(const std::vector<ProductCard>& cards) {
  json::array out;
  for (const auto& c : cards) out.push_back(product_card_json(c));
  return out;
}

Response cards_response(const Result<std::vector<ProductCard>>& cards) {
  if (!cards) throw HttpError(cards.status());
  return net::json_response(200, json::object{{"items", product_cards_json(*cards)}});
}

json::object tap_json(const Tap& t) {
  return {{"id", id_to_string(t.id)},
          {"product_id", id_to_string(t.product_id)},
          {"creator_id", id_to_string(t.creator_id)},
          {"source", to_string(t.source)},
          {"video_id", t.video_id ? json::value(id_to_string(*t.video_id)) : json::value(nullptr)},
          {"created_at", to_rfc3339(t.created_at)}};
}

Response search(ShopModule& m, const Request& req) {
  ProductQuery q;
  q.q = req.query("q").value_or("");
  q.category = req.query("category").value_or("");
  if (q.q.size() > 200 || q.category.size() > 400) {
    throw HttpError(Status::invalid("/q", "The query is too long."));
  }
  if (auto shop = req.query("shop"); shop && !shop->empty()) {
    q.shop_id = net::value_or_throw(m.shops().get(*shop, viewer_of(req))).id;
  }
  auto sort = parse_product_sort(req.query("sort").value_or(""));
  if (!sort) throw HttpError(Status::invalid("/sort", "sort is newest, price_asc or price_desc."));
  q.sort = *sort;
  auto page = net::page_params(req);
  return product_page_response(m.search().search(q, {page.limit, page.cursor}));
}

}  // namespace

json::object product_card_json(const ProductCard& c) {
  return {{"id", id_to_string(c.product_id)}, {"title", c.title},
          {"currency", c.currency},           {"price", c.price_min},
          {"price_max", c.price_max},         {"image_url", media_url(c.image_path)}};
}

void mount_link_routes(net::Router& router, ShopModule& m) {
  net::RouteOptions optional;
  optional.auth = net::Auth::kOptional;
  net::RouteOptions required;
  required.auth = net::Auth::kRequired;

  router.get(
      "/api/v1/products", [&m](Request& req) { return search(m, req); }, optional);

  router.post(
      "/api/v1/videos/{id}/products",
      [&m](Request& req) {
        const Id me = user_of(req);
        const Id video = path_id(req, "id", "video");
        net::BodyReader body(req);
        auto product = body.id("product_id", true);
        body.finish();
        return cards_response(m.links().attach(me, video, *product));
      },
      required);
  router.del(
      "/api/v1/videos/{id}/products/{product_id}",
      [&m](Request& req) {
        const Id me = user_of(req);
        return cards_response(m.links().detach(me, path_id(req, "id", "video"),
                                               path_id(req, "product_id", "product")));
      },
      required);

  router.get(
      "/api/v1/users/{handle}/showcase",
      [&m](Request& req) {
        auto page = net::page_params(req);
        return product_page_response(
            m.links().showcase(req.param("handle"), {page.limit, page.cursor}));
      },
      optional);
  router.post(
      "/api/v1/me/showcase/{product_id}",
      [&m](Request& req) {
        net::ok_or_throw(
            m.links().add_to_showcase(user_of(req), path_id(req, "product_id", "product")));
        return Response::no_content();
      },
      required);
  router.del(
      "/api/v1/me/showcase/{product_id}",
      [&m](Request& req) {
        net::ok_or_throw(
            m.links().remove_from_showcase(user_of(req), path_id(req, "product_id", "product")));
        return Response::no_content();
      },
      required);

  router.post(
      "/api/v1/products/{id}/taps",
      [&m](Request& req) {
        const Id me = user_of(req);
        const Id product = path_id(req, "id", "product");
        net::BodyReader body(req);
        TapInput in;
        auto source = body.string("source", {.required = true});
        if (source) {
          auto parsed = parse_tap_source(*source);
          if (!parsed) body.fail("source", "source is video, showcase or live");
          in.source = parsed.value_or(TapSource::kVideo);
        }
        in.video_id = body.id("video_id");
        in.creator_id = body.id("creator_id");
        body.finish();
        return net::json_response(
            201, tap_json(net::value_or_throw(m.links().record_tap(me, product, in))));
      },
      required);
}

}  // namespace riff::shop
