#pragma once
// ProductService: a shop's products, their variants and images. Only the
// shop's owner creates or changes them. Others see a product only while it
// and its shop are active (Product::publicly_visible); drafts and archived
// products are visible to the owner alone (others get kNotFound).
//
// Thread-safe: holds no mutable state besides its dependencies.

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "riff/accounts/avatar_files.hpp"
#include "riff/accounts/model.hpp"
#include "riff/core/clock.hpp"
#include "riff/core/ids.hpp"
#include "riff/core/status.hpp"
#include "riff/db/database.hpp"
#include "riff/shop/model.hpp"

namespace riff::shop {

/// A change to a product; absent fields stay. `variants` replaces the whole
/// variant list (matched to stored variants by SKU); `options` without
/// `variants` must still fit the stored variants. `image_ids` is the new
/// order of the product's images (each exactly once).
struct ProductPatch {
  std::optional<std::string> handle;
  std::optional<std::string> title;
  std::optional<std::string> description;
  std::optional<std::string> category;
  std::optional<ProductStatus> status;
  std::optional<std::vector<ProductOption>> options;
  std::optional<std::vector<Variant>> variants;
  std::optional<std::vector<Id>> image_ids;
};

class ProductService {
 public:
  /// Images are stored under <media_dir>/shop/.
  ProductService(db::Database& db, IdGenerator& ids, const Clock& clock,
                 std::filesystem::path media_dir);

  /// A new product in the owner's shop; kNotFound when they have no shop.
  Result<Product> create(Id owner_id, ProductDraft draft);
  /// kNotFound unless visible to `viewer`.
  Result<Product> get(std::optional<Id> viewer, Id product_id);
  /// kForbidden for anyone but the shop's owner (kNotFound when they may not see it).
  Result<Product> update(Id user_id, Id product_id, const ProductPatch& patch);
  /// Products of a shop, newest first: all of them for its owner, active
  /// ones of an active shop for others.
  Result<accounts::Page<Product>> list_shop(std::optional<Id> viewer, Id shop_id,
                                            const accounts::PageRequest& page);

  /// Appends an image (at most kMaxImages). Owner only.
  Result<Product> add_image(Id user_id, Id product_id, accounts::ImageType type,
                            std::string_view bytes);
  Result<Product> remove_image(Id user_id, Id product_id, Id image_id);

 private:
  /// The product for a change by `user_id`, locked; kNotFound / kForbidden.
  Result<Product> load_for_owner(db::Conn& c, Id user_id, Id product_id);

  db::Database& db_;
  IdGenerator& ids_;
  const Clock& clock_;
  accounts::AvatarFiles files_;
};

}  // namespace riff::shop
