#pragma once
// The catalog's SQL: loading products (with shop, options, variants and
// images) a page at a time, and writing one validated product with its
// variants inside a caller's transaction. Used by ProductService, the bulk
// importer and search.

#include <optional>
#include <string>
#include <vector>

#include "riff/core/ids.hpp"
#include "riff/core/status.hpp"
#include "riff/db/database.hpp"
#include "riff/shop/model.hpp"

namespace riff::shop {

/// "$<first>, $<first+1>, ..." for an IN list of `n` parameters.
std::string placeholders(std::size_t first, std::size_t n);

/// Products for `ids`, in that order, with everything; unknown ids are skipped.
/// Three queries whatever the number of ids.
Result<std::vector<Product>> load_products(db::Conn& c, const std::vector<Id>& ids);
/// One product; nullopt when there is none.
Result<std::optional<Product>> load_product(db::Conn& c, Id id);
/// The id of the product with `handle` in `shop_id`, if any.
Result<std::optional<Id>> find_product_by_handle(db::Conn& c, Id shop_id,
                                                 const std::string& handle);

/// Writes a validated draft as product `product_id` of `shop_id` (inserting
/// it when `exists` is false). Variants are matched by SKU: stored ones keep
/// their ids (and reservations), new SKUs are added, SKUs no longer listed
/// are removed. Errors name fields under `pointer_prefix`: a handle or SKU
/// used by another product of the shop (kConflict), on_hand below the units
/// reserved, or removing a variant with reserved units (kConflict).
Status write_product(db::Conn& c, IdGenerator& ids, std::int64_t now, Id shop_id, Id product_id,
                     bool exists, const ProductDraft& draft, const std::string& pointer_prefix);

}  // namespace riff::shop
