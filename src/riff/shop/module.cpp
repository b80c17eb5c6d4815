#include "riff/shop/module.hpp"

#include <boost/json.hpp>

#include "riff/shop/render.hpp"

namespace riff::shop {
namespace {

/// "products" on every video card: the visible products linked to it.
video::CardExtension product_card_extension() {
  video::CardExtension e;
  e.key = "products";
  e.empty = boost::json::array();
  e.load =
      [](db::Conn& c,
         const std::vector<Id>& video_ids) -> Result<std::unordered_map<Id, boost::json::value>> {
    RIFF_ASSIGN_OR_RETURN(auto cards, LinkService::video_cards(c, video_ids));
    std::unordered_map<Id, boost::json::value> out;
    for (const auto& [video, list] : cards) {
      boost::json::array items;
      for (const auto& card : list) items.push_back(product_card_json(card));
      out.emplace(video, std::move(items));
    }
    return out;
  };
  return e;
}

}  // namespace

ShopModule::ShopModule(db::Database& db, IdGenerator& ids, const Clock& clock,
                       const ShopOptions& options)
    : shops_(db, ids, clock, options.media_dir),
      products_(db, ids, clock, options.media_dir),
      stock_(db, clock),
      search_(db),
      links_(db, ids, clock, options.attribution_window_ms),
      bulk_(db, ids, clock),
      product_cards_(product_card_extension()) {}

void ShopModule::mount(net::Router& router) {
  mount_shop_routes(router, *this);
  mount_product_routes(router, *this);
  mount_link_routes(router, *this);
  mount_bulk_routes(router, *this);
}

}  // namespace riff::shop
