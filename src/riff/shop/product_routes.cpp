// Products: creating and changing them in the seller's own shop, reading
// one, a shop's product list, and images. Handlers parse, call
// ProductService and render.

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

constexpr std::size_t kMaxImageBytes = 5 * 1024 * 1024;

std::vector<std::string> strings_at(net::BodyReader& body, const json::value& v,
                                    const std::string& key) {
  std::vector<std::string> out;
  if (!v.is_array()) {
    body.fail(key, key + " must be an array of strings");
    return out;
  }
  for (const auto& x : v.as_array()) {
    if (!x.is_string()) {
      body.fail(key, key + " must be an array of strings");
      return {};
    }
    out.emplace_back(x.as_string());
  }
  return out;
}

std::optional<std::int64_t> int_at(net::BodyReader& body, const json::object& o, const char* name,
                                   const std::string& key) {
  const auto* v = o.if_contains(name);
  if (!v || v->is_null()) return std::nullopt;
  if (!v->is_int64()) {
    body.fail(key, key + " must be an integer");
    return std::nullopt;
  }
  return v->as_int64();
}

std::vector<ProductOption> options_from(net::BodyReader& body) {
  std::vector<ProductOption> out;
  const auto& v = body.object().at("options");
  if (!v.is_array()) {
    body.fail("options", "options must be an array");
    return out;
  }
  for (std::size_t i = 0; i < v.as_array().size(); ++i) {
    const auto& o = v.as_array()[i];
    const std::string key = "options/" + std::to_string(i);
    if (!o.is_object()) {
      body.fail(key, "an option is an object {name, values}");
      continue;
    }
    ProductOption opt;
    if (const auto* n = o.as_object().if_contains("name"); n && n->is_string()) {
      opt.name = std::string(n->as_string());
    }
    if (const auto* vals = o.as_object().if_contains("values")) {
      opt.values = strings_at(body, *vals, key + "/values");
    }
    out.push_back(std::move(opt));
  }
  return out;
}

std::vector<Variant> variants_from(net::BodyReader& body) {
  std::vector<Variant> out;
  const auto& v = body.object().at("variants");
  if (!v.is_array()) {
    body.fail("variants", "variants must be an array");
    return out;
  }
  for (std::size_t i = 0; i < v.as_array().size(); ++i) {
    const auto& x = v.as_array()[i];
    const std::string key = "variants/" + std::to_string(i);
    if (!x.is_object()) {
      body.fail(key, "a variant is an object");
      continue;
    }
    const auto& o = x.as_object();
    Variant var;
    if (const auto* sku = o.if_contains("sku"); sku && sku->is_string()) {
      var.sku = std::string(sku->as_string());
    }
    if (const auto* opts = o.if_contains("options")) {
      var.option_values = strings_at(body, *opts, key + "/options");
    }
    var.price = int_at(body, o, "price", key + "/price").value_or(0);
    var.compare_at_price = int_at(body, o, "compare_at_price", key + "/compare_at_price");
    var.weight_grams = int_at(body, o, "weight_grams", key + "/weight_grams").value_or(0);
    const auto on_hand = int_at(body, o, "on_hand", key + "/on_hand");
    var.on_hand = on_hand.value_or(0);
    var.on_hand_given = on_hand.has_value();
    out.push_back(std::move(var));
  }
  return out;
}

ProductPatch patch_from(const Request& req) {
  net::BodyReader body(req);
  ProductPatch p;
  p.handle = body.string("handle", {.max_len = 60});
  p.title = body.string("title", {.max_len = 200});
  p.description = body.string("description", {.max_len = 20000});
  p.category = body.string("category", {.max_len = 400});
  if (auto status = body.string("status", {})) {
    p.status = parse_product_status(*status);
    if (!p.status) body.fail("status", "status is one of draft, active, archived");
  }
  if (body.has("options")) p.options = options_from(body);
  if (body.has("variants")) p.variants = variants_from(body);
  if (const auto* ids = body.object().if_contains("image_ids")) {
    std::vector<Id> order;
    for (const auto& s : strings_at(body, *ids, "image_ids")) {
      if (auto id = parse_id(s)) {
        order.push_back(*id);
      } else {
        body.fail("image_ids", "image_ids holds image ids");
      }
    }
    p.image_ids = std::move(order);
  }
  body.finish();
  return p;
}

Response product_response(int status, const Result<Product>& p, const Request& req) {
  if (!p) throw HttpError(p.status());
  return net::json_response(status, product_json(*p, viewer_of(req)));
}

}  // namespace

void mount_product_routes(net::Router& router, ShopModule& m) {
  net::RouteOptions optional;
  optional.auth = net::Auth::kOptional;
  net::RouteOptions required;
  required.auth = net::Auth::kRequired;

  router.post(
      "/api/v1/me/shop/products",
      [&m](Request& req) {
        const Id me = user_of(req);
        ProductPatch p = patch_from(req);
        ProductDraft d;
        d.handle = p.handle.value_or("");
        d.title = p.title.value_or("");
        d.description = p.description.value_or("");
        d.category = p.category.value_or("");
        d.status = p.status.value_or(ProductStatus::kDraft);
        d.options = p.options.value_or(std::vector<ProductOption>{});
        d.variants = p.variants.value_or(std::vector<Variant>{});
        return product_response(201, m.products().create(me, std::move(d)), req);
      },
      required);
  router.get(
      "/api/v1/me/shop/products",
      [&m](Request& req) {
        const Id me = user_of(req);
        const Shop shop = net::value_or_throw(m.shops().mine(me));
        auto page = net::page_params(req);
        return product_page_response(
            m.products().list_shop(me, shop.id, {page.limit, page.cursor}));
      },
      required);
  router.get(
      "/api/v1/shops/{ref}/products",
      [&m](Request& req) {
        const Shop shop = net::value_or_throw(m.shops().get(req.param("ref"), viewer_of(req)));
        auto page = net::page_params(req);
        return product_page_response(
            m.products().list_shop(viewer_of(req), shop.id, {page.limit, page.cursor}));
      },
      optional);
  router.get(
      "/api/v1/products/{id}",
      [&m](Request& req) {
        return product_response(
            200, m.products().get(viewer_of(req), path_id(req, "id", "product")), req);
      },
      optional);
  router.patch(
      "/api/v1/products/{id}",
      [&m](Request& req) {
        const Id id = path_id(req, "id", "product");
        return product_response(200, m.products().update(user_of(req), id, patch_from(req)), req);
      },
      required);

  net::RouteOptions image = required;
  image.max_body = kMaxImageBytes + 64 * 1024;
  router.post(
      "/api/v1/products/{id}/images",
      [&m](Request& req) {
        const Id id = path_id(req, "id", "product");
        const auto type = accounts::read_image_upload(req, kMaxImageBytes, "A product image");
        return product_response(201, m.products().add_image(user_of(req), id, type, req.body), req);
      },
      image);
  router.del(
      "/api/v1/products/{id}/images/{image_id}",
      [&m](Request& req) {
        const Id id = path_id(req, "id", "product");
        const Id image_id = path_id(req, "image_id", "image");
        return product_response(200, m.products().remove_image(user_of(req), id, image_id), req);
      },
      required);

  // Stock received or written off, as a change: concurrent sales are never undone.
  router.post(
      "/api/v1/me/shop/variants/{id}/stock",
      [&m](Request& req) {
        const Id me = user_of(req);
        const Id id = path_id(req, "id", "variant");
        net::BodyReader body(req);
        auto delta = body.integer("delta", true, -kMaxStock, kMaxStock);
        body.finish();
        if (*delta == 0) throw HttpError(Status::invalid("/delta", "delta is a non-zero change"));
        const StockLevel level = net::value_or_throw(m.stock().adjust_as(me, id, *delta));
        return net::json_response(200, json::object{{"variant_id", id_to_string(level.variant_id)},
                                                    {"on_hand", level.on_hand},
                                                    {"reserved", level.reserved},
                                                    {"available", level.available()}});
      },
      required);
}

}  // namespace riff::shop
