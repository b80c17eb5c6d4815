// /api/v1/shops and /api/v1/me/shop: opening, reading and changing a shop,
// and its logo. Handlers parse, call ShopService and render.

#include "riff/accounts/image_upload.hpp"
#include "riff/net/json.hpp"
#include "riff/shop/module.hpp"
#include "riff/shop/render.hpp"

namespace riff::shop {
namespace {

namespace json = boost::json;
using net::HttpError;
using net::Request;
using net::Response;

constexpr std::size_t kMaxLogoBytes = 2 * 1024 * 1024;

Address address_from(net::BodyReader& body) {
  Address a;
  const auto* v = body.object().if_contains("return_address");
  if (!v->is_object()) {
    body.fail("return_address", "return_address must be an object");
    return a;
  }
  for (auto [field, key] : {std::pair{&a.name, "name"},
                            {&a.line1, "line1"},
                            {&a.line2, "line2"},
                            {&a.city, "city"},
                            {&a.region, "region"},
                            {&a.postal_code, "postal_code"},
                            {&a.country, "country"}}) {
    const auto* x = v->as_object().if_contains(key);
    if (!x || x->is_null()) continue;
    if (!x->is_string()) {
      body.fail(std::string("return_address/") + key, std::string(key) + " must be a string");
      continue;
    }
    *field = std::string(x->as_string());
  }
  return a;
}

ShopFields fields_from(const Request& req) {
  net::BodyReader body(req);
  ShopFields f;
  f.name = body.string("name", {.max_len = 100});
  f.handle = body.string("handle", {.max_len = 60});
  f.description = body.string("description", {.max_len = 5000});
  f.policies = body.string("policies", {.max_len = 20000});
  f.currency = body.string("currency", {.max_len = 3});
  if (auto status = body.string("status", {})) {
    f.status = parse_shop_status(*status);
    if (!f.status) body.fail("status", "status is one of active, paused, closed");
  }
  if (body.has("return_address")) f.return_address = address_from(body);
  body.finish();
  return f;
}

Response shop_response(int status, const Result<Shop>& shop) {
  if (!shop) throw HttpError(shop.status());
  return net::json_response(status, shop_json(*shop));
}

}  // namespace

void mount_shop_routes(net::Router& router, ShopModule& m) {
  net::RouteOptions optional;
  optional.auth = net::Auth::kOptional;
  net::RouteOptions required;
  required.auth = net::Auth::kRequired;

  router.post(
      "/api/v1/me/shop",
      [&m](Request& req) {
        return shop_response(201, m.shops().open(user_of(req), fields_from(req)));
      },
      required);
  router.get(
      "/api/v1/me/shop",
      [&m](Request& req) { return shop_response(200, m.shops().mine(user_of(req))); }, required);
  router.get(
      "/api/v1/shops/{ref}",
      [&m](Request& req) {
        return shop_response(200, m.shops().get(req.param("ref"), viewer_of(req)));
      },
      optional);
  router.patch(
      "/api/v1/shops/{ref}",
      [&m](Request& req) {
        const Id me = user_of(req);
        const Shop shop = net::value_or_throw(m.shops().get(req.param("ref"), me));
        return shop_response(200, m.shops().update(me, shop.id, fields_from(req)));
      },
      required);

  net::RouteOptions logo = required;
  logo.max_body = kMaxLogoBytes + 64 * 1024;
  router.put(
      "/api/v1/me/shop/logo",
      [&m](Request& req) {
        const auto type = accounts::read_image_upload(req, kMaxLogoBytes, "A logo");
        return shop_response(200, m.shops().set_logo(user_of(req), type, req.body));
      },
      logo);
}

}  // namespace riff::shop
