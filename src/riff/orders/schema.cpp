#include "riff/orders/schema.hpp"

namespace riff::orders {

// Same conventions as the shop module: BIGINT ids, money in the shop
// currency's minor units, quantities and ms times; INTEGER enums whose
// numbers model.hpp keeps stable. Order rows copy the prices, titles and
// address they were bought with, so later catalog edits never change an
// order.
std::vector<db::Migration> migrations() {
  return {
      {550, "orders_carts_shipping_coupons", R"sql(
CREATE TABLE cart_items (
  user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  variant_id BIGINT NOT NULL REFERENCES product_variants(id) ON DELETE CASCADE,
  quantity BIGINT NOT NULL CHECK (quantity > 0),
  added_at BIGINT NOT NULL,
  PRIMARY KEY (user_id, variant_id)
);
CREATE TABLE shipping_options (
  id BIGINT PRIMARY KEY,
  shop_id BIGINT NOT NULL REFERENCES shops(id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  name TEXT NOT NULL,
  price BIGINT NOT NULL CHECK (price >= 0),
  min_days INTEGER NOT NULL DEFAULT 0,
  max_days INTEGER NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL
);
CREATE INDEX shipping_options_shop ON shipping_options (shop_id, position);
CREATE TABLE coupons (
  id BIGINT PRIMARY KEY,
  shop_id BIGINT NOT NULL REFERENCES shops(id) ON DELETE CASCADE,
  code TEXT NOT NULL,
  kind INTEGER NOT NULL,
  value BIGINT NOT NULL CHECK (value > 0),
  min_subtotal BIGINT NOT NULL DEFAULT 0,
  starts_at BIGINT NOT NULL,
  ends_at BIGINT,
  max_uses BIGINT,
  uses BIGINT NOT NULL DEFAULT 0 CHECK (uses >= 0),
  per_buyer_limit BIGINT NOT NULL DEFAULT 0,
  active INTEGER NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  UNIQUE (shop_id, code),
  CHECK (max_uses IS NULL OR uses <= max_uses)
);
CREATE TABLE coupon_redemptions (
  coupon_id BIGINT NOT NULL REFERENCES coupons(id) ON DELETE CASCADE,
  order_id BIGINT NOT NULL,
  buyer_id BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (coupon_id, order_id)
);
CREATE INDEX coupon_redemptions_buyer ON coupon_redemptions (coupon_id, buyer_id))sql",
       std::nullopt},
      // checkouts.state: 0 pending (orders made, payment not yet asked),
      // 1 submitted (the gateway has it), 2 paid, 3 declined, 4 expired.
      // (buyer_id, idempotency_key) is what makes a retried checkout one
      // checkout. order_refunds.state: 0 pending, 1 succeeded, 2 failed.
      {551, "orders_checkouts_orders", R"sql(
CREATE TABLE checkouts (
  id BIGINT PRIMARY KEY,
  buyer_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  idempotency_key TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  state INTEGER NOT NULL DEFAULT 0,
  currency TEXT NOT NULL,
  amount BIGINT NOT NULL,
  payment_method TEXT NOT NULL,
  intent_id TEXT,
  decline_code TEXT,
  expires_at BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  UNIQUE (buyer_id, idempotency_key)
);
CREATE TABLE orders (
  id BIGINT PRIMARY KEY,
  checkout_id BIGINT NOT NULL REFERENCES checkouts(id) ON DELETE CASCADE,
  buyer_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  shop_id BIGINT NOT NULL REFERENCES shops(id) ON DELETE CASCADE,
  seller_id BIGINT NOT NULL,
  status INTEGER NOT NULL DEFAULT 0,
  currency TEXT NOT NULL,
  subtotal BIGINT NOT NULL,
  discount BIGINT NOT NULL DEFAULT 0,
  shipping BIGINT NOT NULL DEFAULT 0,
  tax BIGINT NOT NULL DEFAULT 0,
  total BIGINT NOT NULL CHECK (total >= 0),
  platform_fee BIGINT NOT NULL DEFAULT 0,
  refunded BIGINT NOT NULL DEFAULT 0 CHECK (refunded >= 0 AND refunded <= total),
  coupon_id BIGINT,
  coupon_code TEXT,
  shipping_option TEXT NOT NULL DEFAULT '',
  ship_name TEXT NOT NULL,
  ship_line1 TEXT NOT NULL,
  ship_line2 TEXT NOT NULL DEFAULT '',
  ship_city TEXT NOT NULL,
  ship_region TEXT NOT NULL DEFAULT '',
  ship_postal_code TEXT NOT NULL,
  ship_country TEXT NOT NULL,
  ship_phone TEXT NOT NULL DEFAULT '',
  carrier TEXT,
  tracking_number TEXT,
  cancel_reason TEXT,
  expires_at BIGINT NOT NULL,
  paid_at BIGINT,
  shipped_at BIGINT,
  delivered_at BIGINT,
  completed_at BIGINT,
  cancelled_at BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX orders_buyer ON orders (buyer_id, id);
CREATE INDEX orders_shop ON orders (shop_id, status, id);
CREATE INDEX orders_shop_all ON orders (shop_id, id);
CREATE INDEX orders_checkout ON orders (checkout_id);
CREATE TABLE order_items (
  order_id BIGINT NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
  variant_id BIGINT NOT NULL,
  product_id BIGINT NOT NULL,
  position INTEGER NOT NULL,
  title TEXT NOT NULL,
  variant_title TEXT NOT NULL DEFAULT '',
  sku TEXT NOT NULL,
  unit_price BIGINT NOT NULL,
  quantity BIGINT NOT NULL CHECK (quantity > 0),
  discount BIGINT NOT NULL DEFAULT 0,
  creator_id BIGINT,
  commission_bps BIGINT NOT NULL DEFAULT 0,
  commission BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (order_id, variant_id)
);
CREATE INDEX order_items_creator ON order_items (creator_id, order_id);
CREATE TABLE order_events (
  id BIGINT PRIMARY KEY,
  order_id BIGINT NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
  status INTEGER NOT NULL,
  actor_id BIGINT,
  note TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL
);
CREATE INDEX order_events_order ON order_events (order_id, id);
CREATE TABLE order_refunds (
  id BIGINT PRIMARY KEY,
  order_id BIGINT NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
  amount BIGINT NOT NULL CHECK (amount > 0),
  reason TEXT NOT NULL DEFAULT '',
  state INTEGER NOT NULL DEFAULT 0,
  gateway_refund_id TEXT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX order_refunds_order ON order_refunds (order_id, id))sql",
       std::nullopt},
      // Affiliate plans: product_id NULL = shop-wide; creator_id NULL = open
      // to every creator, set = targeted at that creator.
      {552, "orders_affiliate_plans", R"sql(
CREATE TABLE affiliate_plans (
  id BIGINT PRIMARY KEY,
  shop_id BIGINT NOT NULL REFERENCES shops(id) ON DELETE CASCADE,
  product_id BIGINT REFERENCES products(id) ON DELETE CASCADE,
  creator_id BIGINT REFERENCES users(id) ON DELETE CASCADE,
  rate_bps BIGINT NOT NULL CHECK (rate_bps >= 100 AND rate_bps <= 8000),
  starts_at BIGINT NOT NULL,
  ends_at BIGINT,
  active INTEGER NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX affiliate_plans_shop ON affiliate_plans (shop_id, active);
CREATE INDEX affiliate_plans_product ON affiliate_plans (product_id, active);
CREATE INDEX affiliate_plans_creator ON affiliate_plans (creator_id, active))sql",
       std::nullopt},
      // Return and refund requests. state: 0 requested, 1 approved, 2 rejected.
      {553, "orders_returns", R"sql(
CREATE TABLE order_returns (
  id BIGINT PRIMARY KEY,
  order_id BIGINT NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
  buyer_id BIGINT NOT NULL,
  seller_id BIGINT NOT NULL,
  send_back INTEGER NOT NULL DEFAULT 0,
  amount BIGINT NOT NULL CHECK (amount > 0),
  reason TEXT NOT NULL,
  state INTEGER NOT NULL DEFAULT 0,
  seller_note TEXT NOT NULL DEFAULT '',
  respond_by BIGINT NOT NULL,
  decided_at BIGINT,
  auto_approved INTEGER NOT NULL DEFAULT 0,
  refund_id BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX order_returns_order ON order_returns (order_id, id);
CREATE INDEX order_returns_seller ON order_returns (seller_id, state, id))sql",
       std::nullopt},
      // Flash deals and the units orders claimed from them.
      {554, "orders_flash_deals", R"sql(
CREATE TABLE flash_deals (
  id BIGINT PRIMARY KEY,
  shop_id BIGINT NOT NULL REFERENCES shops(id) ON DELETE CASCADE,
  variant_id BIGINT NOT NULL REFERENCES product_variants(id) ON DELETE CASCADE,
  deal_price BIGINT NOT NULL CHECK (deal_price > 0),
  quantity BIGINT NOT NULL CHECK (quantity > 0),
  sold BIGINT NOT NULL DEFAULT 0 CHECK (sold >= 0 AND sold <= quantity),
  per_buyer_limit BIGINT NOT NULL DEFAULT 0,
  starts_at BIGINT NOT NULL,
  ends_at BIGINT NOT NULL,
  active INTEGER NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX flash_deals_variant ON flash_deals (variant_id, ends_at);
CREATE INDEX flash_deals_shop ON flash_deals (shop_id, id);
CREATE INDEX flash_deals_ending ON flash_deals (active, ends_at);
CREATE TABLE flash_deal_claims (
  deal_id BIGINT NOT NULL REFERENCES flash_deals(id) ON DELETE CASCADE,
  order_id BIGINT NOT NULL,
  buyer_id BIGINT NOT NULL,
  quantity BIGINT NOT NULL CHECK (quantity > 0),
  created_at BIGINT NOT NULL,
  PRIMARY KEY (deal_id, order_id)
);
CREATE INDEX flash_deal_claims_buyer ON flash_deal_claims (deal_id, buyer_id);
CREATE INDEX flash_deal_claims_order ON flash_deal_claims (order_id);
ALTER TABLE order_items ADD COLUMN deal_id BIGINT)sql",
       std::nullopt},
  };
}

}  // namespace riff::orders
