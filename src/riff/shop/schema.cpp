#include "riff/shop/schema.hpp"

namespace riff::shop {

// Same conventions as the other modules: BIGINT ids, money (integer minor
// units of the shop's currency), quantities and ms times; INTEGER enums.
// Stock lives on the variant row (on_hand, reserved) so that one conditional
// UPDATE decides a reservation; the CHECKs are the last line of defence.
std::vector<db::Migration> migrations() {
  return {
      {500, "shop_shops", R"sql(
CREATE TABLE shops (
  id BIGINT PRIMARY KEY,
  owner_id BIGINT NOT NULL UNIQUE REFERENCES users(id) ON DELETE CASCADE,
  handle TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  logo_path TEXT,
  policies TEXT NOT NULL DEFAULT '',
  return_name TEXT NOT NULL DEFAULT '',
  return_line1 TEXT NOT NULL DEFAULT '',
  return_line2 TEXT NOT NULL DEFAULT '',
  return_city TEXT NOT NULL DEFAULT '',
  return_region TEXT NOT NULL DEFAULT '',
  return_postal_code TEXT NOT NULL DEFAULT '',
  return_country TEXT NOT NULL DEFAULT '',
  currency TEXT NOT NULL,
  status INTEGER NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
))sql",
       std::nullopt},
      // options: JSON [{"name": "Size", "values": ["S", "M"]}], at most three;
      // a variant's option1..3 hold one value of each. price_min/max follow
      // the variants, for listings sorted by price.
      {501, "shop_products", R"sql(
CREATE TABLE products (
  id BIGINT PRIMARY KEY,
  shop_id BIGINT NOT NULL REFERENCES shops(id) ON DELETE CASCADE,
  handle TEXT NOT NULL,
  title TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  category TEXT NOT NULL DEFAULT '',
  status INTEGER NOT NULL DEFAULT 0,
  options TEXT NOT NULL DEFAULT '[]',
  price_min BIGINT NOT NULL DEFAULT 0,
  price_max BIGINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  UNIQUE (shop_id, handle)
);
CREATE INDEX products_listing ON products (status, id);
CREATE INDEX products_shop ON products (shop_id, id);
CREATE INDEX products_category ON products (category, status, id);
CREATE TABLE product_images (
  id BIGINT PRIMARY KEY,
  product_id BIGINT NOT NULL REFERENCES products(id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  path TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX product_images_product ON product_images (product_id, position);
CREATE TABLE product_variants (
  id BIGINT PRIMARY KEY,
  product_id BIGINT NOT NULL REFERENCES products(id) ON DELETE CASCADE,
  shop_id BIGINT NOT NULL REFERENCES shops(id) ON DELETE CASCADE,
  sku TEXT NOT NULL,
  option1 TEXT NOT NULL DEFAULT '',
  option2 TEXT NOT NULL DEFAULT '',
  option3 TEXT NOT NULL DEFAULT '',
  position INTEGER NOT NULL,
  price BIGINT NOT NULL CHECK (price > 0),
  compare_at_price BIGINT,
  weight_grams BIGINT NOT NULL DEFAULT 0 CHECK (weight_grams >= 0),
  on_hand BIGINT NOT NULL DEFAULT 0 CHECK (on_hand >= 0),
  reserved BIGINT NOT NULL DEFAULT 0 CHECK (reserved >= 0 AND reserved <= on_hand),
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  UNIQUE (shop_id, sku)
);
CREATE INDEX product_variants_product ON product_variants (product_id, position))sql",
       std::nullopt},
      // Full-text search over title, description and category; the same
      // engines (and tokenizers) as video search (migration 223).
      {502, "shop_product_search",
       R"sql(
CREATE VIRTUAL TABLE product_fts USING fts5(title, description, category,
  tokenize = 'unicode61 remove_diacritics 2');
CREATE TRIGGER product_fts_insert AFTER INSERT ON products BEGIN
  INSERT INTO product_fts (rowid, title, description, category)
  VALUES (new.id, new.title, new.description, new.category);
END;
CREATE TRIGGER product_fts_update AFTER UPDATE OF title, description, category ON products BEGIN
  UPDATE product_fts SET title = new.title, description = new.description,
    category = new.category WHERE rowid = new.id;
END;
CREATE TRIGGER product_fts_delete AFTER DELETE ON products BEGIN
  DELETE FROM product_fts WHERE rowid = old.id;
END)sql",
       R"sql(
ALTER TABLE products ADD COLUMN search_tsv tsvector
  GENERATED ALWAYS AS (to_tsvector('simple',
    title || ' ' || description || ' ' || category)) STORED;
CREATE INDEX products_search ON products USING GIN (search_tsv))sql"},
      // One row per (reservation, variant): a checkout's hold on units.
      // state: 0 held, 1 committed (sold), 2 released. Transitions are
      // conditional UPDATEs on state, so each happens once.
      {510, "shop_stock_reservations", R"sql(
CREATE TABLE stock_reservations (
  reservation_id BIGINT NOT NULL,
  variant_id BIGINT NOT NULL REFERENCES product_variants(id) ON DELETE CASCADE,
  quantity BIGINT NOT NULL CHECK (quantity > 0),
  state INTEGER NOT NULL DEFAULT 0,
  expires_at BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (reservation_id, variant_id)
);
CREATE INDEX stock_reservations_expiry ON stock_reservations (state, expires_at))sql",
       std::nullopt},
      {520, "shop_links", R"sql(
CREATE TABLE video_products (
  video_id BIGINT NOT NULL REFERENCES videos(id) ON DELETE CASCADE,
  product_id BIGINT NOT NULL REFERENCES products(id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (video_id, product_id)
);
CREATE INDEX video_products_product ON video_products (product_id);
CREATE TABLE showcase_items (
  user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  product_id BIGINT NOT NULL REFERENCES products(id) ON DELETE CASCADE,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (user_id, product_id)
);
CREATE INDEX showcase_items_user ON showcase_items (user_id, created_at, product_id);
CREATE TABLE product_taps (
  id BIGINT PRIMARY KEY,
  user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  product_id BIGINT NOT NULL REFERENCES products(id) ON DELETE CASCADE,
  creator_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  source INTEGER NOT NULL,
  video_id BIGINT,
  created_at BIGINT NOT NULL
);
CREATE INDEX product_taps_attribution ON product_taps (user_id, product_id, created_at))sql",
       std::nullopt},
  };
}

}  // namespace riff::shop
