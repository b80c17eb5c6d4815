#pragma once
// The JSON forms of the shop module's types (the Shop, Product and
// ProductSummary schemas of docs/api/openapi.yaml). Included by routes only.

#include <boost/json/object.hpp>
#include <optional>

#include "riff/accounts/avatar_files.hpp"
#include "riff/accounts/model.hpp"
#include "riff/net/http.hpp"
#include "riff/shop/links.hpp"
#include "riff/shop/model.hpp"

namespace riff::shop {

boost::json::object shop_json(const Shop& s);
/// The full product; stock counts (on_hand, reserved) only for the owner.
boost::json::object product_json(const Product& p, std::optional<Id> viewer);
/// The short form used in lists, search and product cards.
boost::json::object product_summary_json(const Product& p);
/// A product card on a video: {id, title, currency, price, price_max, image_url}.
boost::json::object product_card_json(const ProductCard& c);
/// "/media/<path>", or null.
boost::json::value media_url(const std::optional<std::string>& path);

/// 200 {items: [ProductSummary], next_cursor}, or the page's error.
net::Response product_page_response(const Result<accounts::Page<Product>>& page);

/// Throws 401 unless the request has a principal.
Id user_of(const net::Request& req);
std::optional<Id> viewer_of(const net::Request& req);
/// The `{name}` path parameter as an id; 404 when it is not one.
Id path_id(const net::Request& req, std::string_view name, std::string_view what);

}  // namespace riff::shop
