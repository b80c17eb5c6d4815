#pragma once
// ProductSearch: GET /api/v1/products, browsing and full-text search over
// the products others may see (active products of active shops).
//
// - q: every word of the query as a prefix, over title, description and
//   category (db/text_search.hpp): SQLite FTS5 (product_fts) or PostgreSQL
//   tsvector/GIN (migration 502), chosen by the dialect, tokenised as video
//   captions are.
// - category: that category path and everything under it ("Clothing"
//   matches "Clothing > Tops").
// - shop: one shop's products.
// - sort: newest (default), price_asc, price_desc (by the lowest variant
//   price), ties by newest.
// Cursors are opaque offsets into that order.
//
// Thread-safe: holds no mutable state besides its dependencies.

#include <optional>
#include <string>
#include <vector>

#include "riff/accounts/model.hpp"
#include "riff/core/status.hpp"
#include "riff/db/database.hpp"
#include "riff/shop/model.hpp"

namespace riff::shop {

enum class ProductSort { kNewest, kPriceAsc, kPriceDesc };
std::optional<ProductSort> parse_product_sort(std::string_view s);

struct ProductQuery {
  std::string q;
  std::string category;
  std::optional<Id> shop_id;
  ProductSort sort = ProductSort::kNewest;
};

class ProductSearch {
 public:
  explicit ProductSearch(db::Database& db);

  Result<accounts::Page<Product>> search(const ProductQuery& query,
                                         const accounts::PageRequest& page);

 private:
  db::Database& db_;
};

}  // namespace riff::shop
