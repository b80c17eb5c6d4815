#include "riff/shop/render.hpp"

#include <fmt/format.h>

#include <boost/json.hpp>

#include "riff/core/clock.hpp"
#include "riff/net/json.hpp"

namespace riff::shop {

namespace json = boost::json;

json::value media_url(const std::optional<std::string>& path) {
  if (!path) return nullptr;
  return json::value("/media/" + *path);
}

json::object shop_json(const Shop& s) {
  const Address& a = s.return_address;
  return {
      {"id", id_to_string(s.id)},
      {"handle", s.handle},
      {"name", s.name},
      {"description", s.description},
      {"logo_url", media_url(s.logo_path)},
      {"policies", s.policies},
      {"return_address", json::object{{"name", a.name},
                                      {"line1", a.line1},
                                      {"line2", a.line2},
                                      {"city", a.city},
                                      {"region", a.region},
                                      {"postal_code", a.postal_code},
                                      {"country", a.country}}},
      {"currency", s.currency},
      {"status", to_string(s.status)},
      {"owner", json::object{{"id", id_to_string(s.owner_id)}, {"handle", s.owner_handle}}},
      {"created_at", to_rfc3339(s.created_at)},
      {"updated_at", to_rfc3339(s.updated_at)},
  };
}

namespace {

json::object shop_ref(const Product& p) {
  return {{"id", id_to_string(p.shop_id)}, {"handle", p.shop_handle}, {"name", p.shop_name}};
}

std::int64_t total_available(const Product& p) {
  std::int64_t n = 0;
  for (const auto& v : p.variants) n += v.available();
  return n;
}

}  // namespace

json::object product_summary_json(const Product& p) {
  return {
      {"id", id_to_string(p.id)},
      {"handle", p.handle},
      {"title", p.title},
      {"category", p.category},
      {"status", to_string(p.status)},
      {"shop", shop_ref(p)},
      {"currency", p.currency},
      {"price_min", p.price_min},
      {"price_max", p.price_max},
      {"image_url", p.images.empty() ? json::value(nullptr) : media_url(p.images.front().path)},
      {"in_stock", total_available(p) > 0},
  };
}

json::object product_json(const Product& p, std::optional<Id> viewer) {
  const bool owner = viewer == p.shop_owner_id;
  json::array options;
  for (const auto& o : p.options) {
    json::array values;
    for (const auto& v : o.values) values.emplace_back(v);
    options.push_back(json::object{{"name", o.name}, {"values", std::move(values)}});
  }
  json::array variants;
  for (const auto& v : p.variants) {
    json::array values;
    for (const auto& x : v.option_values) values.emplace_back(x);
    json::object o{
        {"id", id_to_string(v.id)},
        {"sku", v.sku},
        {"options", std::move(values)},
        {"price", v.price},
        {"compare_at_price",
         v.compare_at_price ? json::value(*v.compare_at_price) : json::value(nullptr)},
        {"weight_grams", v.weight_grams},
        {"available", v.available()},
    };
    if (owner) {
      o["on_hand"] = v.on_hand;
      o["reserved"] = v.reserved;
    }
    variants.push_back(std::move(o));
  }
  json::array images;
  for (const auto& img : p.images) {
    images.push_back(json::object{{"id", id_to_string(img.id)}, {"url", media_url(img.path)}});
  }
  json::object o = product_summary_json(p);
  o["description"] = p.description;
  o["options"] = std::move(options);
  o["variants"] = std::move(variants);
  o["images"] = std::move(images);
  o["created_at"] = to_rfc3339(p.created_at);
  o["updated_at"] = to_rfc3339(p.updated_at);
  return o;
}

net::Response product_page_response(const Result<accounts::Page<Product>>& page) {
  if (!page) throw net::HttpError(page.status());
  json::array items;
  for (const auto& p : page->items) items.push_back(product_summary_json(p));
  return net::json_response(
      200, json::object{{"items", std::move(items)},
                        {"next_cursor", page->next_cursor ? json::value(*page->next_cursor)
                                                          : json::value(nullptr)}});
}

Id user_of(const net::Request& req) {
  if (!req.principal) {
    throw net::HttpError(401, "unauthenticated", "Authentication required", "Log in first.");
  }
  return req.principal->user_id;
}

std::optional<Id> viewer_of(const net::Request& req) {
  if (!req.principal) return std::nullopt;
  return req.principal->user_id;
}

Id path_id(const net::Request& req, std::string_view name, std::string_view what) {
  auto id = parse_id(req.param(name));
  if (!id) {
    throw net::HttpError(404, "not-found", "Not found", "No such " + std::string(what) + ".");
  }
  return *id;
}

}  // namespace riff::shop
