#include "riff/shop/catalog.hpp"

#include <algorithm>
#include <set>

#include "riff/accounts/cursor.hpp"
#include "riff/accounts/db_util.hpp"
#include "riff/shop/catalog_store.hpp"

namespace riff::shop {
namespace {

ProductDraft draft_of(const Product& p) {
  return {p.handle, p.title, p.description, p.category, p.status, p.options, p.variants};
}

Status not_found() {
  return Status::not_found("No such product.");
}

}  // namespace

ProductService::ProductService(db::Database& db, IdGenerator& ids, const Clock& clock,
                               std::filesystem::path media_dir)
    : db_(db), ids_(ids), clock_(clock), files_(std::move(media_dir), "shop") {}

Result<Product> ProductService::create(Id owner_id, ProductDraft input) {
  RIFF_ASSIGN_OR_RETURN(ProductDraft draft, validate_product(std::move(input)));
  const Id id = ids_.next();
  return db_.transact_result([&](db::Conn& c) -> Result<Product> {
    RIFF_ASSIGN_OR_RETURN(db::Rows shop,
                          c.query("SELECT id FROM shops WHERE owner_id = $1", {owner_id}));
    if (shop.empty()) return Status::not_found("Open a shop first.");
    RIFF_RETURN_IF_ERROR(
        write_product(c, ids_, clock_.now_ms(), shop[0].i64(0), id, false, draft, ""));
    RIFF_ASSIGN_OR_RETURN(auto product, load_product(c, id));
    return std::move(*product);
  });
}

Result<Product> ProductService::get(std::optional<Id> viewer, Id product_id) {
  std::optional<Product> out;
  RIFF_RETURN_IF_ERROR(accounts::read_with(db_, [&](db::Conn& c) -> Status {
    RIFF_ASSIGN_OR_RETURN(out, load_product(c, product_id));
    return Status::ok();
  }));
  if (!out || (!out->publicly_visible() && viewer != out->shop_owner_id)) return not_found();
  return std::move(*out);
}

Result<Product> ProductService::load_for_owner(db::Conn& c, Id user_id, Id product_id) {
  RIFF_RETURN_IF_ERROR(
      c.query("SELECT id FROM products WHERE id = $1 FOR UPDATE", {product_id}).status());
  RIFF_ASSIGN_OR_RETURN(auto p, load_product(c, product_id));
  if (!p) return not_found();
  if (p->shop_owner_id != user_id) {
    if (!p->publicly_visible()) return not_found();
    return Status::forbidden("Only the shop's owner can change its products.");
  }
  return std::move(*p);
}

Result<Product> ProductService::update(Id user_id, Id product_id, const ProductPatch& patch) {
  return db_.transact_result([&](db::Conn& c) -> Result<Product> {
    RIFF_ASSIGN_OR_RETURN(Product p, load_for_owner(c, user_id, product_id));
    ProductDraft d = draft_of(p);
    if (patch.handle) d.handle = *patch.handle;
    if (patch.title) d.title = *patch.title;
    if (patch.description) d.description = *patch.description;
    if (patch.category) d.category = *patch.category;
    if (patch.status) d.status = *patch.status;
    if (patch.options) d.options = *patch.options;
    if (patch.variants) d.variants = *patch.variants;
    RIFF_ASSIGN_OR_RETURN(ProductDraft valid, validate_product(std::move(d)));
    const std::int64_t now = clock_.now_ms();
    RIFF_RETURN_IF_ERROR(write_product(c, ids_, now, p.shop_id, p.id, true, valid, ""));
    if (patch.image_ids) {
      std::set<Id> have, given(patch.image_ids->begin(), patch.image_ids->end());
      for (const auto& img : p.images) have.insert(img.id);
      if (have != given || given.size() != patch.image_ids->size()) {
        return Status::invalid("/image_ids", "List each of the product's images exactly once.");
      }
      for (std::size_t i = 0; i < patch.image_ids->size(); ++i) {
        RIFF_RETURN_IF_ERROR(c.exec("UPDATE product_images SET position = $2 WHERE id = $1",
                                    {(*patch.image_ids)[i], static_cast<std::int64_t>(i)})
                                 .status());
      }
    }
    RIFF_ASSIGN_OR_RETURN(auto updated, load_product(c, p.id));
    return std::move(*updated);
  });
}

Result<accounts::Page<Product>> ProductService::list_shop(std::optional<Id> viewer, Id shop_id,
                                                          const accounts::PageRequest& page) {
  Id before = INT64_MAX;
  if (page.cursor) {
    auto key = accounts::decode_cursor(*page.cursor);
    if (!key) return Status::invalid("/cursor", "Not a cursor from this list.");
    before = key->id;
  }
  accounts::Page<Product> out;
  RIFF_RETURN_IF_ERROR(accounts::read_with(db_, [&](db::Conn& c) -> Status {
    RIFF_ASSIGN_OR_RETURN(db::Rows rows,
                          c.query("SELECT p.id FROM products p JOIN shops s ON s.id = p.shop_id"
                                  " WHERE p.shop_id = $1 AND p.id < $2 AND (s.owner_id = $3 OR"
                                  " (p.status = 1 AND s.status = 0)) ORDER BY p.id DESC LIMIT $4",
                                  {shop_id, before, viewer.value_or(0), page.limit + 1}));
    std::vector<Id> ids;
    for (const auto& r : rows) ids.push_back(r.i64(0));
    if (ids.size() > static_cast<std::size_t>(page.limit)) {
      ids.resize(page.limit);
      out.next_cursor = accounts::encode_cursor({0, ids.back()});
    }
    RIFF_ASSIGN_OR_RETURN(out.items, load_products(c, ids));
    return Status::ok();
  }));
  return out;
}

Result<Product> ProductService::add_image(Id user_id, Id product_id, accounts::ImageType type,
                                          std::string_view bytes) {
  if (!accounts::magic_matches(type, bytes)) {
    return Status::invalid("/image", "The body is not an image of the type it claims.");
  }
  RIFF_ASSIGN_OR_RETURN(std::string path, files_.write(product_id, type, bytes));
  auto out = db_.transact_result([&](db::Conn& c) -> Result<Product> {
    RIFF_ASSIGN_OR_RETURN(Product p, load_for_owner(c, user_id, product_id));
    if (p.images.size() >= kMaxImages) {
      return Status::conflict("A product has at most " + std::to_string(kMaxImages) + " images.");
    }
    RIFF_RETURN_IF_ERROR(
        c.exec("INSERT INTO product_images (id, product_id, position, path, created_at)"
               " VALUES ($1, $2, $3, $4, $5)",
               {ids_.next(), product_id, static_cast<std::int64_t>(p.images.size()), path,
                clock_.now_ms()})
            .status());
    RIFF_ASSIGN_OR_RETURN(auto updated, load_product(c, product_id));
    return std::move(*updated);
  });
  if (!out) files_.remove(path);
  return out;
}

Result<Product> ProductService::remove_image(Id user_id, Id product_id, Id image_id) {
  std::string removed;
  auto out = db_.transact_result([&](db::Conn& c) -> Result<Product> {
    RIFF_ASSIGN_OR_RETURN(Product p, load_for_owner(c, user_id, product_id));
    std::vector<Id> kept;
    for (const auto& img : p.images) {
      if (img.id == image_id) {
        removed = img.path;
      } else {
        kept.push_back(img.id);
      }
    }
    if (removed.empty()) return Status::not_found("No such image.");
    RIFF_RETURN_IF_ERROR(c.exec("DELETE FROM product_images WHERE id = $1", {image_id}).status());
    for (std::size_t i = 0; i < kept.size(); ++i) {
      RIFF_RETURN_IF_ERROR(c.exec("UPDATE product_images SET position = $2 WHERE id = $1",
                                  {kept[i], static_cast<std::int64_t>(i)})
                               .status());
    }
    RIFF_ASSIGN_OR_RETURN(auto updated, load_product(c, product_id));
    return std::move(*updated);
  });
  if (out) files_.remove(removed);
  return out;
}

}  // namespace riff::shop
