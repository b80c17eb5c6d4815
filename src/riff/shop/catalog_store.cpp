#include "riff/shop/catalog_store.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <boost/json.hpp>
#include <unordered_map>

namespace riff::shop {
namespace {

namespace json = boost::json;

std::string options_to_json(const std::vector<ProductOption>& options) {
  json::array out;
  for (const auto& o : options) {
    json::array values;
    for (const auto& v : o.values) values.emplace_back(v);
    out.push_back(json::object{{"name", o.name}, {"values", std::move(values)}});
  }
  return json::serialize(out);
}

std::vector<ProductOption> options_from_json(const std::string& text) {
  std::vector<ProductOption> out;
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_array()) return out;
  for (const auto& o : v.as_array()) {
    if (!o.is_object()) continue;
    ProductOption opt;
    if (const auto* n = o.as_object().if_contains("name"); n && n->is_string()) {
      opt.name = std::string(n->as_string());
    }
    if (const auto* vals = o.as_object().if_contains("values"); vals && vals->is_array()) {
      for (const auto& x : vals->as_array()) {
        if (x.is_string()) opt.values.emplace_back(x.as_string());
      }
    }
    out.push_back(std::move(opt));
  }
  return out;
}

std::vector<db::Param> id_params(const std::vector<Id>& ids) {
  return std::vector<db::Param>(ids.begin(), ids.end());
}

}  // namespace

std::string placeholders(std::size_t first, std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) {
    if (i > 0) out += ", ";
    out += "$" + std::to_string(first + i);
  }
  return out;
}

Result<std::vector<Product>> load_products(db::Conn& c, const std::vector<Id>& ids) {
  std::vector<Product> out;
  if (ids.empty()) return out;
  const auto params = id_params(ids);
  const std::string in = placeholders(1, ids.size());
  RIFF_ASSIGN_OR_RETURN(
      db::Rows rows,
      c.query("SELECT p.id, p.shop_id, s.handle, s.name, s.owner_id, s.status, s.currency,"
              " p.handle, p.title, p.description, p.category, p.status, p.options, p.price_min,"
              " p.price_max, p.created_at, p.updated_at"
              " FROM products p JOIN shops s ON s.id = p.shop_id WHERE p.id IN (" +
                  in + ")",
              params));
  std::unordered_map<Id, Product> by_id;
  for (const auto& r : rows) {
    Product p;
    p.id = r.i64(0);
    p.shop_id = r.i64(1);
    p.shop_handle = r.str(2);
    p.shop_name = r.str(3);
    p.shop_owner_id = r.i64(4);
    const auto shop_status = r.i64(5);
    p.shop_status = shop_status >= 0 && shop_status <= 2 ? static_cast<ShopStatus>(shop_status)
                                                         : ShopStatus::kClosed;
    p.currency = r.str(6);
    p.handle = r.str(7);
    p.title = r.str(8);
    p.description = r.str(9);
    p.category = r.str(10);
    const auto status = r.i64(11);
    p.status =
        status >= 0 && status <= 2 ? static_cast<ProductStatus>(status) : ProductStatus::kArchived;
    p.options = options_from_json(r.str(12));
    p.price_min = r.i64(13);
    p.price_max = r.i64(14);
    p.created_at = r.i64(15);
    p.updated_at = r.i64(16);
    by_id.emplace(p.id, std::move(p));
  }
  RIFF_ASSIGN_OR_RETURN(
      db::Rows variants,
      c.query("SELECT product_id, id, sku, option1, option2, option3, price, compare_at_price,"
              " weight_grams, on_hand, reserved FROM product_variants WHERE product_id IN (" +
                  in + ") ORDER BY product_id, position",
              params));
  for (const auto& r : variants) {
    auto it = by_id.find(r.i64(0));
    if (it == by_id.end()) continue;
    Variant v;
    v.id = r.i64(1);
    v.sku = r.str(2);
    for (std::size_t k = 0; k < it->second.options.size() && k < kMaxOptions; ++k) {
      v.option_values.push_back(r.str(3 + k));
    }
    v.price = r.i64(6);
    v.compare_at_price = r.opt_i64(7);
    v.weight_grams = r.i64(8);
    v.on_hand = r.i64(9);
    v.reserved = r.i64(10);
    it->second.variants.push_back(std::move(v));
  }
  RIFF_ASSIGN_OR_RETURN(db::Rows images,
                        c.query("SELECT product_id, id, path FROM product_images WHERE product_id"
                                " IN (" +
                                    in + ") ORDER BY product_id, position",
                                params));
  for (const auto& r : images) {
    auto it = by_id.find(r.i64(0));
    if (it != by_id.end()) it->second.images.push_back({r.i64(1), r.str(2)});
  }
  out.reserve(ids.size());
  for (Id id : ids) {
    auto it = by_id.find(id);
    if (it != by_id.end()) out.push_back(std::move(it->second));
  }
  return out;
}

Result<std::optional<Product>> load_product(db::Conn& c, Id id) {
  RIFF_ASSIGN_OR_RETURN(std::vector<Product> found, load_products(c, {id}));
  if (found.empty()) return std::optional<Product>();
  return std::optional<Product>(std::move(found.front()));
}

Result<std::optional<Id>> find_product_by_handle(db::Conn& c, Id shop_id,
                                                 const std::string& handle) {
  RIFF_ASSIGN_OR_RETURN(
      db::Rows rows,
      c.query("SELECT id FROM products WHERE shop_id = $1 AND handle = $2", {shop_id, handle}));
  if (rows.empty()) return std::optional<Id>();
  return std::optional<Id>(rows[0].i64(0));
}

Status write_product(db::Conn& c, IdGenerator& ids, std::int64_t now, Id shop_id, Id product_id,
                     bool exists, const ProductDraft& d, const std::string& p) {
  RIFF_ASSIGN_OR_RETURN(std::optional<Id> same_handle,
                        find_product_by_handle(c, shop_id, d.handle));
  if (same_handle && *same_handle != product_id) {
    return Status::conflict({{p + "/handle", "Another product of the shop has this handle."}});
  }
  std::int64_t price_min = INT64_MAX, price_max = 0;
  for (const auto& v : d.variants) {
    price_min = std::min(price_min, v.price);
    price_max = std::max(price_max, v.price);
  }
  const std::string options = options_to_json(d.options);
  const int status = static_cast<int>(d.status);
  if (exists) {
    RIFF_RETURN_IF_ERROR(
        c.exec("UPDATE products SET handle = $2, title = $3, description = $4, category = $5,"
               " status = $6, options = $7, price_min = $8, price_max = $9, updated_at = $10"
               " WHERE id = $1",
               {product_id, d.handle, d.title, d.description, d.category, status, options,
                price_min, price_max, now})
            .status());
  } else {
    RIFF_RETURN_IF_ERROR(
        c.exec("INSERT INTO products (id, shop_id, handle, title, description, category, status,"
               " options, price_min, price_max, created_at, updated_at)"
               " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)",
               {product_id, shop_id, d.handle, d.title, d.description, d.category, status, options,
                price_min, price_max, now})
            .status());
  }

  // Stored variants of the shop with these SKUs, and this product's current ones.
  RIFF_ASSIGN_OR_RETURN(
      db::Rows current,
      c.query("SELECT id, sku, reserved FROM product_variants WHERE product_id = $1 FOR UPDATE",
              {product_id}));
  std::unordered_map<std::string, std::pair<Id, std::int64_t>> by_sku;
  for (const auto& r : current) by_sku.emplace(r.str(1), std::pair{r.i64(0), r.i64(2)});

  std::vector<FieldError> errors;
  for (const auto& [sku, stored] : by_sku) {
    const bool kept = std::any_of(d.variants.begin(), d.variants.end(),
                                  [&](const Variant& v) { return v.sku == sku; });
    if (kept) continue;
    if (stored.second > 0) {
      errors.push_back(
          {p + "/variants",
           fmt::format("SKU {} has {} reserved units; it cannot be removed.", sku, stored.second)});
      continue;
    }
    RIFF_RETURN_IF_ERROR(
        c.exec("DELETE FROM product_variants WHERE id = $1", {stored.first}).status());
  }
  for (std::size_t i = 0; i < d.variants.size(); ++i) {
    const Variant& v = d.variants[i];
    const std::string vp = fmt::format("{}/variants/{}", p, i);
    std::string o[kMaxOptions];
    for (std::size_t k = 0; k < v.option_values.size() && k < kMaxOptions; ++k)
      o[k] = v.option_values[k];
    auto it = by_sku.find(v.sku);
    if (it != by_sku.end()) {
      if (!v.on_hand_given) {
        // Stock left out: the variant keeps what it has (sales may have moved it).
        RIFF_RETURN_IF_ERROR(
            c.exec("UPDATE product_variants SET option1 = $2, option2 = $3, option3 = $4,"
                   " position = $5, price = $6, compare_at_price = $7, weight_grams = $8,"
                   " updated_at = $9 WHERE id = $1",
                   {it->second.first, o[0], o[1], o[2], static_cast<std::int64_t>(i), v.price,
                    v.compare_at_price, v.weight_grams, now})
                .status());
        continue;
      }
      if (v.on_hand < it->second.second) {
        errors.push_back({vp + "/on_hand", fmt::format("{} units are reserved; on_hand cannot be"
                                                       " below that.",
                                                       it->second.second)});
        continue;
      }
      RIFF_RETURN_IF_ERROR(
          c.exec("UPDATE product_variants SET option1 = $2, option2 = $3, option3 = $4,"
                 " position = $5, price = $6, compare_at_price = $7, weight_grams = $8,"
                 " on_hand = $9, updated_at = $10 WHERE id = $1",
                 {it->second.first, o[0], o[1], o[2], static_cast<std::int64_t>(i), v.price,
                  v.compare_at_price, v.weight_grams, v.on_hand, now})
              .status());
      continue;
    }
    RIFF_ASSIGN_OR_RETURN(
        std::int64_t inserted,
        c.exec(
            "INSERT INTO product_variants (id, product_id, shop_id, sku, option1, option2,"
            " option3, position, price, compare_at_price, weight_grams, on_hand, created_at,"
            " updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13)"
            " ON CONFLICT (shop_id, sku) DO NOTHING",
            {ids.next(), product_id, shop_id, v.sku, o[0], o[1], o[2], static_cast<std::int64_t>(i),
             v.price, v.compare_at_price, v.weight_grams, v.on_hand, now}));
    if (inserted == 0) {
      errors.push_back({vp + "/sku", "Another product of the shop has this SKU."});
    }
  }
  if (!errors.empty()) return Status::conflict(std::move(errors));
  return Status::ok();
}

}  // namespace riff::shop
