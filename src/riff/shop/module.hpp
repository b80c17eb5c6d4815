#pragma once
// The shop module as one unit for the composition root: shops, catalogs,
// stock, product links and taps, built from the shared database, ids and
// clock, and their routes.

#include <filesystem>
#include <memory>

#include "riff/core/clock.hpp"
#include "riff/core/ids.hpp"
#include "riff/db/database.hpp"
#include "riff/net/router.hpp"
#include "riff/shop/bulk.hpp"
#include "riff/shop/catalog.hpp"
#include "riff/shop/links.hpp"
#include "riff/shop/search.hpp"
#include "riff/shop/shops.hpp"
#include "riff/shop/stock.hpp"
#include "riff/video/render.hpp"

namespace riff::shop {

struct ShopOptions {
  std::filesystem::path media_dir;  // <data_dir>/media (logos and product images in shop/)
  std::int64_t attribution_window_ms = 7 * 86'400'000LL;
};

class ShopModule {
 public:
  /// References must outlive the module. While it lives, every video card
  /// carries "products" (the product cards of its linked products).
  ShopModule(db::Database& db, IdGenerator& ids, const Clock& clock, const ShopOptions& options);

  /// Adds the /api/v1 shop routes. Once, at start-up.
  void mount(net::Router& router);

  ShopService& shops() { return shops_; }
  ProductService& products() { return products_; }
  StockService& stock() { return stock_; }
  ProductSearch& search() { return search_; }
  LinkService& links() { return links_; }
  BulkCatalog& bulk() { return bulk_; }

 private:
  ShopService shops_;
  ProductService products_;
  StockService stock_;
  ProductSearch search_;
  LinkService links_;
  BulkCatalog bulk_;
  video::CardExtensionRegistration product_cards_;
};

/// The routes, split by area.
void mount_shop_routes(net::Router& router, ShopModule& m);
void mount_product_routes(net::Router& router, ShopModule& m);
void mount_link_routes(net::Router& router, ShopModule& m);
void mount_bulk_routes(net::Router& router, ShopModule& m);

}  // namespace riff::shop
