// Commerce endpoints: shops, products, showcases, taps (tag "shop"), and
// carts, checkout, orders, shipping options and coupons (tag "orders").
// Every amount is an integer in minor units of `currency`; prices and totals
// always come from the server.
import { request, type Page, type PageParams } from '../api';

const enc = encodeURIComponent;
const pq = (p?: PageParams) => ({ cursor: p?.cursor ?? undefined, limit: p?.limit ?? undefined });

export interface Address {
  name: string;
  line1: string;
  line2: string;
  city: string;
  region: string;
  postal_code: string;
  country: string;
}

export interface ShippingAddress extends Address {
  phone?: string;
}

export type ShopStatus = 'active' | 'paused' | 'closed';

export interface Shop {
  id: string;
  handle: string;
  name: string;
  description: string;
  logo_url: string | null;
  policies: string;
  return_address: Address;
  currency: string;
  status: ShopStatus;
  owner: { id: string; handle: string };
  created_at: string;
  updated_at: string;
}

export interface ShopRef {
  id: string;
  handle: string;
  name: string;
}

export type ProductStatus = 'draft' | 'active' | 'archived';

export interface ProductOption {
  name: string;
  values: string[];
}

export interface ProductSummary {
  id: string;
  handle: string;
  title: string;
  category: string;
  status: ProductStatus;
  shop: ShopRef;
  currency: string;
  price_min: number;
  price_max: number;
  image_url: string | null;
  in_stock: boolean;
}

export interface Variant {
  id: string;
  sku: string;
  options: string[];
  price: number;
  compare_at_price: number | null;
  weight_grams: number;
  /** on_hand - reserved. */
  available: number;
  /** The owner only. */
  on_hand?: number;
  reserved?: number;
}

export interface Product extends ProductSummary {
  description: string;
  options: ProductOption[];
  variants: Variant[];
  images: Array<{ id: string; url: string }>;
  created_at: string;
  updated_at: string;
}

export interface VariantInput {
  sku: string;
  price: number;
  on_hand?: number;
  options?: string[];
  compare_at_price?: number | null;
}

export interface ProductInput {
  title?: string;
  description?: string;
  category?: string;
  status?: ProductStatus;
  options?: ProductOption[];
  variants?: VariantInput[];
}

/** A product linked to a video: its card in the feed (`products` on a Video). */
export interface ProductCard {
  id: string;
  title: string;
  /** The lowest variant price. */
  price: number;
  price_max?: number;
  currency: string;
  image_url: string | null;
}

export interface CartLine {
  variant_id: string;
  product_id: string;
  shop: ShopRef;
  title: string;
  variant_title: string;
  sku: string;
  image_url: string | null;
  unit_price: number;
  currency: string;
  quantity: number;
  available: number;
  /** For sale and enough in stock for the quantity. */
  purchasable: boolean;
  added_at: string;
}

export interface Cart {
  items: CartLine[];
  item_count: number;
  /** null when the lines are priced in several currencies. */
  currency: string | null;
  subtotal: number | null;
}

export interface ShippingOption {
  id: string;
  name: string;
  price: number;
  min_days: number;
  max_days: number;
}

export interface OrderItem {
  variant_id: string;
  product_id: string;
  title: string;
  variant_title: string;
  sku: string;
  unit_price: number;
  quantity: number;
  discount: number;
  amount: number;
  /** Seller view only. */
  creator_id?: string | null;
  commission_rate_bps?: number;
  commission?: number;
}

export interface ShopQuote {
  shop: ShopRef;
  items: OrderItem[];
  shipping_options: ShippingOption[];
  shipping: ShippingOption;
  coupon_code: string | null;
  subtotal: number;
  discount: number;
  shipping_price: number;
  tax: number;
  total: number;
}

export interface Quote {
  currency: string;
  shops: ShopQuote[];
  subtotal: number;
  discount: number;
  shipping: number;
  tax: number;
  total: number;
}

export type OrderStatus = 'unpaid' | 'awaiting_shipment' | 'in_transit' | 'delivered' | 'completed' | 'cancelled';

export interface Order {
  id: string;
  checkout_id: string;
  status: OrderStatus;
  shop: ShopRef;
  buyer_id: string;
  currency: string;
  subtotal: number;
  discount: number;
  shipping: number;
  tax: number;
  total: number;
  refunded: number;
  coupon_code: string | null;
  shipping_option: string;
  shipping_address: ShippingAddress;
  carrier: string | null;
  tracking_number: string | null;
  cancel_reason: string | null;
  pay_by: string | null;
  paid_at: string | null;
  shipped_at: string | null;
  delivered_at: string | null;
  completed_at: string | null;
  cancelled_at: string | null;
  created_at: string;
  items: OrderItem[];
  history: Array<{ status: OrderStatus | string; note: string; at: string }>;
  /** Seller view only. */
  platform_fee?: number;
  commission_total?: number;
  seller_share?: number;
}

export type CheckoutStatus = 'pending' | 'processing' | 'paid' | 'declined' | 'expired';

export interface Checkout {
  id: string;
  status: CheckoutStatus;
  currency: string;
  total: number;
  payment_intent: string | null;
  decline_code: string | null;
  pay_by: string;
  created_at: string;
  orders: Order[];
}

export interface CheckoutRequest {
  items?: Array<{ variant_id: string; quantity: number }>;
  shipping_address?: ShippingAddress;
  /** shop id -> shipping option id (default: the cheapest). */
  shipping?: Record<string, string>;
  coupons?: string[];
  payment_method?: string;
}

export interface Coupon {
  id: string;
  code: string;
  kind: 'percent' | 'amount';
  value: number;
  min_subtotal: number;
  max_uses: number | null;
  per_buyer_limit: number;
  uses: number;
  active: boolean;
  starts_at: string;
  ends_at: string | null;
  created_at: string;
}

export type ReturnState = 'requested' | 'approved' | 'rejected';

export interface ReturnRequest {
  id: string;
  order_id: string;
  kind: 'refund_only' | 'return_and_refund';
  amount: number;
  currency: string;
  reason: string;
  state: ReturnState;
  seller_note: string;
  auto_approved: boolean;
  respond_by: string;
  decided_at: string | null;
  created_at: string;
}

export interface PromotableProduct {
  product_id: string;
  title: string;
  shop: { id: string; handle: string };
  currency: string;
  price_from: number;
  /** What the caller earns, in basis points of the amount paid. */
  rate_bps: number;
  /** A plan naming the caller (it wins over the open rate). */
  targeted: boolean;
}

export interface Earning {
  order_id: string;
  title: string;
  amount: number;
  rate_bps: number;
  /** After refunds. */
  commission: number;
  currency: string;
  status: 'pending' | 'available' | 'reversed';
  created_at: string;
}

export interface Earnings extends Page<Earning> {
  currency: string | null;
  pending: number;
  available: number;
}

export interface AffiliatePlan {
  id: string;
  kind: 'open' | 'targeted';
  rate_bps: number;
  creator_id: string | null;
  product_id: string | null;
  starts_at: string;
  ends_at: string | null;
  active: boolean;
  created_at: string;
}

export interface AffiliateReportLine {
  creator: { id: string; handle: string };
  orders: number;
  sales: number;
  commission: number;
}

export interface LedgerAccount {
  id: string;
  kind: string;
  currency: string;
  balance: number;
  owner_id: string;
}

export interface FlashDeal {
  id: string;
  shop_id: string;
  product_id: string;
  variant_id: string;
  title: string;
  currency: string;
  deal_price: number;
  regular_price: number;
  quantity: number;
  sold: number;
  left: number;
  per_buyer_limit: number;
  starts_at: string;
  ends_at: string;
  live: boolean;
  created_at: string;
}

export interface ImportReport {
  dry_run: boolean;
  applied: boolean;
  rows: number;
  products_created: number;
  products_updated: number;
}

export interface CouponInput {
  code: string;
  kind: 'percent' | 'amount';
  value: number;
  min_subtotal?: number;
  max_uses?: number;
  per_buyer_limit?: number;
  ends_at?: string;
}

/**
 * A random Idempotency-Key. crypto.getRandomValues works on plain-http
 * origins too, where crypto.randomUUID() does not exist.
 */
export function newIdempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export const shopApi = {
  // shops
  myShop: () => request<Shop>('GET', '/me/shop'),
  openShop: (b: { name: string; handle: string; currency: string; description?: string }) =>
    request<Shop>('POST', '/me/shop', { json: b }),
  shop: (ref: string) => request<Shop>('GET', `/shops/${enc(ref)}`),
  updateShop: (ref: string, b: Partial<Pick<Shop, 'name' | 'description' | 'policies' | 'return_address' | 'status'>>) =>
    request<Shop>('PATCH', `/shops/${enc(ref)}`, { json: b }),
  uploadLogo: (file: Blob) =>
    request<Shop>('PUT', '/me/shop/logo', { body: file, contentType: file.type || 'application/octet-stream' }),
  shopProducts: (ref: string, p?: PageParams) =>
    request<Page<ProductSummary>>('GET', `/shops/${enc(ref)}/products`, { query: pq(p) }),

  // products
  myProducts: (p?: PageParams) => request<Page<ProductSummary>>('GET', '/me/shop/products', { query: pq(p) }),
  createProduct: (b: ProductInput) => request<Product>('POST', '/me/shop/products', { json: b }),
  product: (id: string) => request<Product>('GET', `/products/${enc(id)}`),
  updateProduct: (id: string, b: ProductInput) => request<Product>('PATCH', `/products/${enc(id)}`, { json: b }),
  addImage: (id: string, file: Blob) =>
    request<Product>('POST', `/products/${enc(id)}/images`, {
      body: file,
      contentType: file.type || 'application/octet-stream',
    }),
  /** 422 (`import-rejected`) carries one error per row and column, pointer /rows/<row>/<field>. */
  importProducts: (file: Blob, format: 'csv' | 'json', dryRun: boolean) =>
    request<ImportReport>('POST', '/me/shop/products/import', {
      body: file,
      contentType: format === 'csv' ? 'text/csv' : 'application/json',
      query: { format, dry_run: dryRun ? 'true' : undefined },
    }),
  search: (q: string, p?: PageParams) => request<Page<ProductSummary>>('GET', '/products', { query: { q, ...pq(p) } }),

  // product links on videos (the video's author)
  linkProduct: (videoId: string, productId: string) =>
    request<{ items: ProductCard[] }>('POST', `/videos/${enc(videoId)}/products`, { json: { product_id: productId } }),
  unlinkProduct: (videoId: string, productId: string) =>
    request<{ items: ProductCard[] }>('DELETE', `/videos/${enc(videoId)}/products/${enc(productId)}`),

  // showcase and attribution
  showcase: (handle: string, p?: PageParams) =>
    request<Page<ProductSummary>>('GET', `/users/${enc(handle)}/showcase`, { query: pq(p) }),
  addToShowcase: (productId: string) => request<void>('POST', `/me/showcase/${enc(productId)}`),
  removeFromShowcase: (productId: string) => request<void>('DELETE', `/me/showcase/${enc(productId)}`),
  tap: (productId: string, b: { source: 'video'; video_id: string } | { source: 'showcase'; creator_id: string }) =>
    request<unknown>('POST', `/products/${enc(productId)}/taps`, { json: b }),

  // cart
  cart: () => request<Cart>('GET', '/me/cart'),
  setCartItem: (variantId: string, quantity: number) =>
    request<Cart>('PUT', `/me/cart/items/${enc(variantId)}`, { json: { quantity } }),
  removeCartItem: (variantId: string) => request<Cart>('DELETE', `/me/cart/items/${enc(variantId)}`),

  // checkout
  quote: (b: CheckoutRequest) => request<Quote>('POST', '/checkout/quote', { json: b }),
  checkout: (b: CheckoutRequest, idempotencyKey: string) =>
    request<Checkout>('POST', '/checkout', { json: b, headers: { 'Idempotency-Key': idempotencyKey } }),
  checkoutStatus: (id: string) => request<Checkout>('GET', `/checkouts/${enc(id)}`),

  // orders
  myOrders: (p?: PageParams & { status?: OrderStatus }) =>
    request<Page<Order>>('GET', '/me/orders', { query: { status: p?.status, ...pq(p) } }),
  shopOrders: (p?: PageParams & { status?: OrderStatus }) =>
    request<Page<Order>>('GET', '/me/shop/orders', { query: { status: p?.status, ...pq(p) } }),
  order: (id: string) => request<Order>('GET', `/orders/${enc(id)}`),
  ship: (id: string, b: { carrier: string; tracking_number: string }) =>
    request<Order>('POST', `/orders/${enc(id)}/ship`, { json: b }),
  deliver: (id: string) => request<Order>('POST', `/orders/${enc(id)}/deliver`),
  cancel: (id: string, reason: string, idempotencyKey: string) =>
    request<Order>('POST', `/orders/${enc(id)}/cancel`, {
      json: reason ? { reason } : {},
      headers: { 'Idempotency-Key': idempotencyKey },
    }),

  // creators
  promotable: (limit = 50) => request<{ items: PromotableProduct[] }>('GET', '/affiliate/products', { query: { limit } }),
  earnings: (p?: PageParams) => request<Earnings>('GET', '/me/affiliate/earnings', { query: pq(p) }),

  // seller affiliate plans and money
  plans: () => request<{ items: AffiliatePlan[] }>('GET', '/me/shop/affiliate-plans'),
  createPlan: (b: { rate_bps: number; creator_id?: string; product_id?: string; ends_at?: string }) =>
    request<AffiliatePlan>('POST', '/me/shop/affiliate-plans', { json: b }),
  endPlan: (id: string) => request<AffiliatePlan>('POST', `/me/shop/affiliate-plans/${enc(id)}/end`),
  affiliateReport: () => request<{ items: AffiliateReportLine[] }>('GET', '/me/shop/affiliate-report'),
  balances: () => request<{ items: LedgerAccount[] }>('GET', '/me/balances'),
  payout: (from: 'seller' | 'creator', currency: string, amount: number, key: string) =>
    request<unknown>('POST', '/me/payouts', { json: { from, currency, amount }, headers: { 'Idempotency-Key': key } }),

  // flash deals
  flashDeals: (limit = 100) => request<{ items: FlashDeal[] }>('GET', '/flash-deals', { query: { limit } }),
  myDeals: () => request<{ items: FlashDeal[] }>('GET', '/me/shop/flash-deals'),
  createDeal: (b: { variant_id: string; deal_price: number; quantity: number; per_buyer_limit?: number; ends_at: string }) =>
    request<FlashDeal>('POST', '/me/shop/flash-deals', { json: b }),
  endDeal: (id: string) => request<FlashDeal>('POST', `/me/shop/flash-deals/${enc(id)}/end`),

  // returns
  orderReturns: (orderId: string) => request<{ items: ReturnRequest[] }>('GET', `/orders/${enc(orderId)}/returns`),
  requestReturn: (orderId: string, b: { reason: string; kind: ReturnRequest['kind']; amount?: number }) =>
    request<ReturnRequest>('POST', `/orders/${enc(orderId)}/returns`, { json: b }),
  shopReturns: (p?: PageParams & { state?: ReturnState }) =>
    request<Page<ReturnRequest>>('GET', '/me/shop/returns', { query: { state: p?.state, ...pq(p) } }),
  approveReturn: (id: string, idempotencyKey: string) =>
    request<ReturnRequest>('POST', `/returns/${enc(id)}/approve`, { headers: { 'Idempotency-Key': idempotencyKey } }),
  rejectReturn: (id: string, note: string) => request<ReturnRequest>('POST', `/returns/${enc(id)}/reject`, { json: { note } }),

  // seller settings
  shippingOptions: () => request<{ items: ShippingOption[] }>('GET', '/me/shop/shipping-options'),
  setShippingOptions: (items: Array<Omit<ShippingOption, 'id'>>) =>
    request<{ items: ShippingOption[] }>('PUT', '/me/shop/shipping-options', { json: { items } }),
  coupons: () => request<{ items: Coupon[] }>('GET', '/me/shop/coupons'),
  createCoupon: (b: CouponInput) => request<Coupon>('POST', '/me/shop/coupons', { json: b }),
  setCouponActive: (id: string, active: boolean) =>
    request<Coupon>('PATCH', `/me/shop/coupons/${enc(id)}`, { json: { active } }),
};

// ---------- paths ----------

export const shopPaths = {
  hub: '/shop',
  shop: (handle: string) => `/shop/${enc(handle)}`,
  product: (id: string) => `/product/${enc(id)}`,
  cart: '/cart',
  checkout: '/checkout',
  /** "Buy now": one variant, not the cart. */
  buyNow: (variantId: string, quantity: number) => `/checkout?variant=${enc(variantId)}&quantity=${quantity}`,
  orders: '/orders',
  order: (id: string) => `/orders/${enc(id)}`,
  seller: '/seller',
  affiliate: '/affiliate',
  sellerTab: (tab: string) => `/seller/${enc(tab)}`,
  newProduct: '/seller/products/new',
  editProduct: (id: string) => `/seller/products/${enc(id)}`,
};
