#include "riff/shop/search.hpp"

#include "riff/accounts/cursor.hpp"
#include "riff/accounts/db_util.hpp"
#include "riff/db/text_search.hpp"
#include "riff/shop/catalog_store.hpp"

namespace riff::shop {
namespace {

constexpr std::int64_t kMaxOffset = 10'000;

std::string order_by(ProductSort s) {
  switch (s) {
    case ProductSort::kPriceAsc:
      return " ORDER BY p.price_min ASC, p.id DESC";
    case ProductSort::kPriceDesc:
      return " ORDER BY p.price_min DESC, p.id DESC";
    case ProductSort::kNewest:
      break;
  }
  return " ORDER BY p.id DESC";
}

}  // namespace

std::optional<ProductSort> parse_product_sort(std::string_view s) {
  if (s.empty() || s == "newest") return ProductSort::kNewest;
  if (s == "price_asc") return ProductSort::kPriceAsc;
  if (s == "price_desc") return ProductSort::kPriceDesc;
  return std::nullopt;
}

ProductSearch::ProductSearch(db::Database& db) : db_(db) {}

Result<accounts::Page<Product>> ProductSearch::search(const ProductQuery& query,
                                                      const accounts::PageRequest& page) {
  std::int64_t offset = 0;
  if (page.cursor) {
    auto key = accounts::decode_cursor(*page.cursor);
    if (!key || key->time < 0 || key->time > kMaxOffset || key->id != 0) {
      return Status::invalid("/cursor", "Not a cursor from this list.");
    }
    offset = key->time;
  }
  RIFF_ASSIGN_OR_RETURN(std::string category, normalize_category(query.category, "/category"));
  std::string sql =
      "SELECT p.id FROM products p JOIN shops s ON s.id = p.shop_id"
      " WHERE p.status = 1 AND s.status = 0";
  std::vector<std::string> texts;  // parameters outlive the query
  texts.reserve(2);
  std::vector<db::Param> params;
  const auto words = db::search_words(query.q);
  if (!words.empty()) {
    texts.push_back(db::prefix_query(db_.dialect(), words));
    params.emplace_back(texts.back());
    const std::string n = std::to_string(params.size());
    sql += db_.dialect() == db::Dialect::kPostgres
               ? " AND p.search_tsv @@ to_tsquery('simple', $" + n + ")"
               : " AND p.id IN (SELECT rowid FROM product_fts WHERE product_fts MATCH $" + n + ")";
  }
  if (!category.empty()) {
    texts.push_back(category);
    params.emplace_back(texts.back());
    const std::string n = std::to_string(params.size());
    sql += " AND (p.category = $" + n + " OR substr(p.category, 1, length(CAST($" + n +
           " AS TEXT)) + 3) = $" + n + " || ' > ')";
  }
  if (query.shop_id) {
    params.emplace_back(*query.shop_id);
    sql += " AND p.shop_id = $" + std::to_string(params.size());
  }
  sql += order_by(query.sort);
  params.emplace_back(page.limit + 1);
  sql += " LIMIT $" + std::to_string(params.size());
  params.emplace_back(offset);
  sql += " OFFSET $" + std::to_string(params.size());

  accounts::Page<Product> out;
  RIFF_RETURN_IF_ERROR(accounts::read_with(db_, [&](db::Conn& c) -> Status {
    RIFF_ASSIGN_OR_RETURN(db::Rows rows, c.query(sql, params));
    std::vector<Id> ids;
    for (const auto& r : rows) ids.push_back(r.i64(0));
    if (ids.size() > static_cast<std::size_t>(page.limit)) {
      ids.resize(page.limit);
      if (offset + page.limit <= kMaxOffset) {
        out.next_cursor = accounts::encode_cursor({offset + page.limit, 0});
      }
    }
    RIFF_ASSIGN_OR_RETURN(out.items, load_products(c, ids));
    return Status::ok();
  }));
  return out;
}

}  // namespace riff::shop
