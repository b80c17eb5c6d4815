#include "riff/orders/checkout.hpp"

#include <sodium.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <set>
#include <tuple>
#include <unordered_map>

#include "riff/accounts/notifications.hpp"
#include "riff/ledger/ledger.hpp"
#include "riff/orders/affiliates.hpp"
#include "riff/orders/deals.hpp"
#include "riff/orders/money.hpp"
#include "riff/orders/store.hpp"
#include "riff/payments/gateway.hpp"
#include "riff/payments/webhooks.hpp"
#include "riff/shop/links.hpp"
#include "riff/shop/stock.hpp"

namespace riff::orders {
namespace {

// Stock stays held a day past the payment deadline: the checkout's own
// expiry job frees it first, and StockService's sweep is only a safety net.
constexpr std::int64_t kHoldGraceMs = 86'400'000;

std::string hex_sha256(std::string_view text) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(text.data()), text.size());
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return hex;
}

/// What makes two checkout requests the same request, in a fixed order.
std::string fingerprint(const CheckoutRequest& r) {
  std::string s = "items:";
  std::vector<CheckoutItem> items = r.items;
  std::sort(items.begin(), items.end(),
            [](const auto& a, const auto& b) { return a.variant_id < b.variant_id; });
  for (const auto& i : items) s += std::to_string(i.variant_id) + "x" + std::to_string(i.quantity) + ",";
  if (r.address) {
    const auto& a = *r.address;
    for (const auto* f : {&a.name, &a.line1, &a.line2, &a.city, &a.region, &a.postal_code,
                          &a.country, &a.phone}) {
      s += "|" + std::to_string(f->size()) + ":" + *f;
    }
  }
  s += "|shipping:";
  for (const auto& [shop, option] : r.shipping) s += std::to_string(shop) + "=" + std::to_string(option) + ",";
  s += "|coupons:";
  std::vector<std::string> coupons;
  for (const auto& c : r.coupons) coupons.push_back(normalize_coupon_code(c));
  std::sort(coupons.begin(), coupons.end());
  for (const auto& c : coupons) s += c + ",";
  s += "|pm:" + r.payment_method;
  return hex_sha256(s);
}

std::string money_text(std::int64_t minor, const std::string& currency) {
  return std::to_string(minor) + " " + currency + " minor units";
}


}  // namespace

std::string_view to_string(CheckoutState s) {
  switch (s) {
    case CheckoutState::kPending: return "pending";
    case CheckoutState::kSubmitted: return "processing";
    case CheckoutState::kPaid: return "paid";
    case CheckoutState::kDeclined: return "declined";
    case CheckoutState::kExpired: return "expired";
  }
  return "pending";
}

std::optional<Id> checkout_of_reference(std::string_view reference) {
  constexpr std::string_view kPrefix = "checkout:";
  if (!reference.starts_with(kPrefix)) return std::nullopt;
  reference.remove_prefix(kPrefix.size());
  Id id = 0;
  auto [end, ec] = std::from_chars(reference.data(), reference.data() + reference.size(), id);
  if (ec != std::errc() || end != reference.data() + reference.size() || id <= 0) return std::nullopt;
  return id;
}

struct CheckoutService::Plan {
  Quote quote;
  bool from_cart = false;
  std::map<Id, FlashDeal> deals;  // by id, the deals the lines are priced at
};

CheckoutService::CheckoutService(db::Database& db, IdGenerator& ids, const Clock& clock,
                                 jobs::JobQueue& queue, shop::StockService& stock,
                                 shop::LinkService& links, payments::PaymentGateway& gateway,
                                 ledger::Ledger& ledger,
                                 accounts::NotificationService& notifications,
                                 CheckoutOptions options)
    : db_(db),
      ids_(ids),
      clock_(clock),
      queue_(queue),
      stock_(stock),
      links_(links),
      gateway_(gateway),
      ledger_(ledger),
      notifications_(notifications),
      options_(std::move(options)) {}

Result<CheckoutService::Plan> CheckoutService::plan(db::Conn& c, Id buyer_id,
                                                    const CheckoutRequest& request,
                                                    std::int64_t now) {
  Plan plan;
  std::vector<FieldError> errors;
  // The lines: named in the request, or the cart's. A variant named twice is one line.
  std::vector<CheckoutItem> lines;
  if (request.items.empty()) {
    plan.from_cart = true;
    RIFF_ASSIGN_OR_RETURN(db::Rows cart,
                          c.query("SELECT variant_id, quantity FROM cart_items WHERE user_id = $1"
                                  " ORDER BY added_at, variant_id",
                                  {buyer_id}));
    for (const auto& r : cart) lines.push_back({r.i64(0), r.i64(1)});
    if (lines.empty()) return Status::invalid("/items", "Nothing to buy: the cart is empty.");
  } else {
    for (std::size_t i = 0; i < request.items.size(); ++i) {
      const auto& item = request.items[i];
      auto same = std::find_if(lines.begin(), lines.end(),
                               [&](const auto& l) { return l.variant_id == item.variant_id; });
      if (same != lines.end()) {
        same->quantity += item.quantity;
      } else {
        lines.push_back(item);
      }
    }
  }
  if (lines.size() > kMaxCartLines) {
    return Status::invalid("/items", "At most " + std::to_string(kMaxCartLines) +
                                         " different items in one checkout.");
  }
  std::vector<Id> variant_ids;
  for (const auto& l : lines) variant_ids.push_back(l.variant_id);
  RIFF_ASSIGN_OR_RETURN(std::vector<ItemInfo> infos, store::load_items(c, variant_ids));
  std::unordered_map<Id, const ItemInfo*> by_id;
  for (const auto& i : infos) by_id[i.variant_id] = &i;

  std::unordered_map<Id, std::size_t> line_index;  // variant -> its line, for error pointers
  for (std::size_t i = 0; i < lines.size(); ++i) line_index.emplace(lines[i].variant_id, i);
  // Shops in the order their first line appears.
  std::vector<Id> shop_order;
  std::unordered_map<Id, std::vector<std::pair<const ItemInfo*, std::int64_t>>> per_shop;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string pointer = "/items/" + std::to_string(i);
    const auto& l = lines[i];
    if (l.quantity < 1 || l.quantity > kMaxLineQuantity) {
      errors.push_back({pointer + "/quantity",
                        "quantity is 1-" + std::to_string(kMaxLineQuantity)});
    }
    auto it = by_id.find(l.variant_id);
    if (it == by_id.end()) {
      errors.push_back({pointer + "/variant_id", "no such product variant"});
      continue;
    }
    const ItemInfo& info = *it->second;
    if (!info.purchasable) {
      errors.push_back({pointer + "/variant_id", info.title + " is not for sale now"});
      continue;
    }
    if (info.seller_id == buyer_id) {
      errors.push_back({pointer + "/variant_id", "you cannot buy from your own shop"});
      continue;
    }
    if (plan.quote.currency.empty()) plan.quote.currency = info.currency;
    if (info.currency != plan.quote.currency) {
      errors.push_back({pointer + "/variant_id",
                        "one checkout pays in one currency; " + info.title + " is priced in " +
                            info.currency + ", not " + plan.quote.currency});
      continue;
    }
    if (!per_shop.contains(info.shop_id)) shop_order.push_back(info.shop_id);
    per_shop[info.shop_id].push_back({&info, l.quantity});
  }
  for (const auto& [shop, option] : request.shipping) {
    if (!per_shop.contains(shop)) {
      errors.push_back({"/shipping/" + std::to_string(shop), "no item of this checkout is from that shop"});
    }
  }
  if (!errors.empty()) return Status::invalid(std::move(errors));

  // Coupons: each names one shop of this checkout; one per shop.
  std::unordered_map<Id, Coupon> coupon_of;
  for (std::size_t i = 0; i < request.coupons.size(); ++i) {
    const std::string pointer = "/coupons/" + std::to_string(i);
    const std::string code = normalize_coupon_code(request.coupons[i]);
    std::optional<Coupon> found;
    if (!code.empty()) {
      RIFF_ASSIGN_OR_RETURN(
          db::Rows rows,
          c.query("SELECT " + std::string(store::kCouponColumns) +
                      " FROM coupons WHERE code = $1 ORDER BY id",
                  {code}));
      for (const auto& r : rows) {
        Coupon cp = store::coupon_from(r);
        if (per_shop.contains(cp.shop_id)) {
          found = cp;
          break;
        }
      }
    }
    if (!found) {
      errors.push_back({pointer, "no such coupon for the shops in this checkout"});
      continue;
    }
    if (!found->active || now < found->starts_at || (found->ends_at && now >= *found->ends_at)) {
      errors.push_back({pointer, "coupon " + code + " is not valid now"});
      continue;
    }
    if (found->max_uses && found->uses >= *found->max_uses) {
      errors.push_back({pointer, "coupon " + code + " has been used up"});
      continue;
    }
    if (found->per_buyer_limit > 0) {
      RIFF_ASSIGN_OR_RETURN(db::Rows used,
                            c.query("SELECT COUNT(*) FROM coupon_redemptions"
                                    " WHERE coupon_id = $1 AND buyer_id = $2",
                                    {found->id, buyer_id}));
      if (used[0].i64(0) >= found->per_buyer_limit) {
        errors.push_back({pointer, "you have already used coupon " + code});
        continue;
      }
    }
    if (coupon_of.contains(found->shop_id)) {
      errors.push_back({pointer, "one coupon per shop"});
      continue;
    }
    coupon_of[found->shop_id] = *found;
  }

  const std::int64_t tax_bps =
      request.address ? options_.tax.rate_bps(request.address->country, request.address->region)
                      : 0;
  for (Id shop_id : shop_order) {
    const auto& shop_lines = per_shop[shop_id];
    ShopQuote sq;
    sq.shop_id = shop_id;
    sq.seller_id = shop_lines.front().first->seller_id;
    sq.shop_handle = shop_lines.front().first->shop_handle;
    sq.shop_name = shop_lines.front().first->shop_name;
    RIFF_ASSIGN_OR_RETURN(db::Rows options,
                          c.query("SELECT id, name, price, min_days, max_days FROM shipping_options"
                                  " WHERE shop_id = $1 ORDER BY position, id",
                                  {shop_id}));
    for (const auto& r : options) {
      sq.shipping_options.push_back(ShippingOption{r.i64(0), shop_id, r.str(1), r.i64(2),
                                                   static_cast<int>(r.i64(3)),
                                                   static_cast<int>(r.i64(4))});
    }
    if (auto chosen = request.shipping.find(shop_id); chosen != request.shipping.end()) {
      for (const auto& o : sq.shipping_options) {
        if (o.id == chosen->second) sq.shipping = o;
      }
      if (!sq.shipping) {
        errors.push_back({"/shipping/" + std::to_string(shop_id), "no such shipping option of this shop"});
        continue;
      }
    } else if (!sq.shipping_options.empty()) {
      sq.shipping = *std::min_element(
          sq.shipping_options.begin(), sq.shipping_options.end(),
          [](const auto& a, const auto& b) { return a.price < b.price; });
    } else {
      sq.shipping = ShippingOption{0, shop_id, "Standard shipping", 0, 0, 0};
    }
    std::vector<PriceLine> price_lines;
    for (const auto& [info, quantity] : shop_lines) {
      OrderItem item;
      item.variant_id = info->variant_id;
      item.product_id = info->product_id;
      item.title = info->title;
      item.variant_title = info->variant_title;
      item.sku = info->sku;
      item.unit_price = info->unit_price;
      item.quantity = quantity;
      // A live flash deal with units left prices the whole line, within its limits.
      RIFF_ASSIGN_OR_RETURN(std::optional<FlashDeal> deal,
                            FlashDealService::live_for(c, info->variant_id, now));
      if (deal && deal->sold < deal->quantity) {
        const std::string pointer = "/items/" + std::to_string(line_index.at(info->variant_id));
        const std::int64_t left = deal->quantity - deal->sold;
        std::int64_t allowed = left;
        if (deal->per_buyer_limit > 0) {
          RIFF_ASSIGN_OR_RETURN(std::int64_t had,
                                FlashDealService::claimed_by(c, deal->id, buyer_id));
          allowed = std::min(allowed, deal->per_buyer_limit - had);
        }
        if (quantity > allowed) {
          errors.push_back({pointer + "/quantity",
                            allowed <= 0 ? "you have bought all the deal allows on " + info->title
                                         : "at most " + std::to_string(allowed) + " of " +
                                               info->title + " at the deal price"});
        }
        item.unit_price = deal->deal_price;
        item.deal_id = deal->id;
        plan.deals[deal->id] = *deal;
      }
      // Last tap wins, within the attribution window; no one earns on their own purchase.
      RIFF_ASSIGN_OR_RETURN(auto tap, links_.last_tap(c, buyer_id, info->product_id, now));
      if (tap && tap->creator_id != buyer_id && tap->creator_id != info->seller_id) {
        item.creator_id = tap->creator_id;
        RIFF_ASSIGN_OR_RETURN(item.commission_bps,
                              AffiliateService::rate_for(c, shop_id, info->product_id,
                                                         tap->creator_id, now));
      }
      price_lines.push_back({item.unit_price, quantity});
      sq.items.push_back(std::move(item));
    }
    if (auto cp = coupon_of.find(shop_id); cp != coupon_of.end()) {
      sq.coupon = cp->second;
    }
    sq.quote = quote_order(price_lines, sq.shipping->price, sq.coupon ? &*sq.coupon : nullptr,
                           tax_bps, options_.platform_fee_bps);
    if (sq.coupon && sq.quote.discount == 0) {
      errors.push_back({"/coupons", "coupon " + sq.coupon->code + " needs a subtotal of at least " +
                                        money_text(sq.coupon->min_subtotal, plan.quote.currency)});
      continue;
    }
    for (std::size_t i = 0; i < sq.items.size(); ++i) {
      auto& item = sq.items[i];
      item.discount = sq.quote.line_discounts[i];
      if (item.creator_id) item.commission = apply_bps(item.amount(), item.commission_bps);
    }
    plan.quote.subtotal += sq.quote.subtotal;
    plan.quote.discount += sq.quote.discount;
    plan.quote.shipping += sq.quote.shipping;
    plan.quote.tax += sq.quote.tax;
    plan.quote.total += sq.quote.total;
    plan.quote.shops.push_back(std::move(sq));
  }
  if (!errors.empty()) return Status::invalid(std::move(errors));
  return plan;
}

Result<Quote> CheckoutService::quote(Id buyer_id, const CheckoutRequest& request) {
  return store::read_result(db_, [&](db::Conn& c) -> Result<Quote> {
    RIFF_ASSIGN_OR_RETURN(Plan p, plan(c, buyer_id, request, clock_.now_ms()));
    return std::move(p.quote);
  });
}

Result<std::optional<Checkout>> CheckoutService::load(db::Conn& c, Id checkout_id) {
  RIFF_ASSIGN_OR_RETURN(
      db::Rows rows,
      c.query("SELECT id, buyer_id, state, currency, amount, intent_id, decline_code, expires_at,"
              " created_at FROM checkouts WHERE id = $1",
              {checkout_id}));
  if (rows.empty()) return std::optional<Checkout>();
  const auto& r = rows[0];
  Checkout out;
  out.id = r.i64(0);
  out.buyer_id = r.i64(1);
  const auto state = r.i64(2);
  out.state = state >= 0 && state <= 4 ? static_cast<CheckoutState>(state) : CheckoutState::kPending;
  out.currency = r.str(3);
  out.amount = r.i64(4);
  out.intent_id = r.opt_str(5);
  out.decline_code = r.opt_str(6);
  out.expires_at = r.i64(7);
  out.created_at = r.i64(8);
  RIFF_ASSIGN_OR_RETURN(std::vector<Id> ids, store::checkout_order_ids(c, out.id));
  RIFF_ASSIGN_OR_RETURN(out.orders, store::load_orders(c, ids));
  return std::optional<Checkout>(std::move(out));
}

Result<Checkout> CheckoutService::get(Id buyer_id, Id checkout_id) {
  RIFF_ASSIGN_OR_RETURN(std::optional<Checkout> found,
                        store::read_result(db_, [&](db::Conn& c) { return load(c, checkout_id); }));
  if (!found || found->buyer_id != buyer_id) return Status::not_found("No such checkout.");
  return std::move(*found);
}

Result<Checkout> CheckoutService::place(Id buyer_id, const std::string& idempotency_key,
                                        const CheckoutRequest& request) {
  if (!request.address) return Status::invalid("/shipping_address", "shipping_address is required");
  if (request.payment_method.empty()) {
    return Status::invalid("/payment_method", "payment_method is required");
  }
  const std::string print = fingerprint(request);
  const Id checkout_id = ids_.next();
  std::optional<Id> existing;
  std::vector<accounts::Notification> made;
  RIFF_RETURN_IF_ERROR(db_.transact([&](db::Conn& c) -> Status {
    existing.reset();
    made.clear();
    RIFF_ASSIGN_OR_RETURN(db::Rows seen,
                          c.query("SELECT id, fingerprint FROM checkouts"
                                  " WHERE buyer_id = $1 AND idempotency_key = $2",
                                  {buyer_id, idempotency_key}));
    if (!seen.empty()) {
      if (seen[0].str(1) != print) {
        return Status::conflict("This Idempotency-Key was used for a different checkout.");
      }
      existing = seen[0].i64(0);
      return Status::ok();
    }
    const std::int64_t now = clock_.now_ms();
    RIFF_ASSIGN_OR_RETURN(Plan p, plan(c, buyer_id, request, now));
    const std::int64_t expires_at = now + options_.payment_timeout_ms;
    // A concurrent twin inserts the same (buyer, key) too: one insert wins,
    // the other waits for it (PostgreSQL) or runs after it (SQLite) and
    // finds the row on the retry below.
    RIFF_ASSIGN_OR_RETURN(
        std::int64_t inserted,
        c.exec("INSERT INTO checkouts (id, buyer_id, idempotency_key, fingerprint, state, currency,"
               " amount, payment_method, expires_at, created_at, updated_at)"
               " VALUES ($1, $2, $3, $4, 0, $5, $6, $7, $8, $9, $9)"
               " ON CONFLICT (buyer_id, idempotency_key) DO NOTHING",
               {checkout_id, buyer_id, idempotency_key, print, p.quote.currency, p.quote.total,
                request.payment_method, expires_at, now}));
    if (inserted == 0) return Status::retry("a concurrent checkout with the same key");
    std::vector<std::pair<Id, std::pair<Id, std::int64_t>>> holds;  // variant -> (order, qty)
    for (auto& sq : p.quote.shops) {
      Order o;
      o.id = ids_.next();
      o.checkout_id = checkout_id;
      o.buyer_id = buyer_id;
      o.shop_id = sq.shop_id;
      o.seller_id = sq.seller_id;
      o.status = OrderStatus::kUnpaid;
      o.currency = p.quote.currency;
      o.subtotal = sq.quote.subtotal;
      o.discount = sq.quote.discount;
      o.shipping = sq.quote.shipping;
      o.tax = sq.quote.tax;
      o.total = sq.quote.total;
      o.platform_fee = sq.quote.platform_fee;
      if (sq.coupon) o.coupon_code = sq.coupon->code;
      o.shipping_option = sq.shipping->name;
      o.address = *request.address;
      o.expires_at = expires_at;
      o.created_at = now;
      o.items = sq.items;
      RIFF_RETURN_IF_ERROR(store::insert_order(c, o, ids_.next()));
      for (const auto& i : o.items) holds.push_back({i.variant_id, {o.id, i.quantity}});
      if (sq.coupon) {
        // The conditional UPDATE takes the coupon's row lock, so the use
        // count and the per-buyer count below are decided one checkout at a time.
        RIFF_ASSIGN_OR_RETURN(
            std::int64_t taken,
            c.exec("UPDATE coupons SET uses = uses + 1, updated_at = $2 WHERE id = $1"
                   " AND active = 1 AND (max_uses IS NULL OR uses < max_uses)",
                   {sq.coupon->id, now}));
        if (taken == 0) {
          return Status::conflict(std::vector<FieldError>{
              {"/coupons", "coupon " + sq.coupon->code + " has been used up"}});
        }
        if (sq.coupon->per_buyer_limit > 0) {
          RIFF_ASSIGN_OR_RETURN(db::Rows used,
                                c.query("SELECT COUNT(*) FROM coupon_redemptions"
                                        " WHERE coupon_id = $1 AND buyer_id = $2",
                                        {sq.coupon->id, buyer_id}));
          if (used[0].i64(0) >= sq.coupon->per_buyer_limit) {
            return Status::conflict(std::vector<FieldError>{
                {"/coupons", "you have already used coupon " + sq.coupon->code}});
          }
        }
        RIFF_RETURN_IF_ERROR(c.exec("INSERT INTO coupon_redemptions (coupon_id, order_id,"
                                    " buyer_id, created_at) VALUES ($1, $2, $3, $4)",
                                    {sq.coupon->id, o.id, buyer_id, now})
                                 .status());
      }
      auto n = notifications_.add(c, {sq.seller_id, "order_placed", buyer_id, o.id, {}, 0});
      if (n && *n) made.push_back(**n);
    }
    // Flash deal units, deals in id order.
    std::vector<std::tuple<Id, Id, std::int64_t>> claims;  // deal, order, quantity
    for (const auto& [variant, hold] : holds) {
      for (const auto& sq : p.quote.shops) {
        for (const auto& i : sq.items) {
          if (i.variant_id == variant && i.deal_id) claims.emplace_back(*i.deal_id, hold.first, hold.second);
        }
      }
    }
    std::sort(claims.begin(), claims.end());
    for (const auto& [deal, order, quantity] : claims) {
      RIFF_RETURN_IF_ERROR(
          FlashDealService::claim(c, p.deals.at(deal), order, buyer_id, quantity, now));
    }
    // Variants in id order across the whole checkout: two checkouts never
    // wait on each other's rows in opposite orders.
    std::sort(holds.begin(), holds.end());
    for (const auto& [variant, hold] : holds) {
      Status held = stock_.reserve(c, variant, hold.second, hold.first, expires_at + kHoldGraceMs);
      if (!held) {
        if (held.code() == Code::kConflict && held.message() == shop::kOutOfStock) {
          std::string title;
          for (const auto& sq : p.quote.shops) {
            for (const auto& i : sq.items) {
              if (i.variant_id == variant) title = i.title + (i.variant_title.empty() ? "" : " (" + i.variant_title + ")");
            }
          }
          return Status::conflict(std::string(kOutOfStockPrefix) + ": " + title);
        }
        return held;
      }
    }
    if (p.from_cart) {
      RIFF_RETURN_IF_ERROR(c.exec("DELETE FROM cart_items WHERE user_id = $1", {buyer_id}).status());
    }
    return queue_
        .enqueue(c, kExpireJob, "{\"checkout_id\":\"" + std::to_string(checkout_id) + "\"}",
                 expires_at, 10, checkout_id)
        .status();
  }));
  notifications_.publish(made);
  const Id id = existing.value_or(checkout_id);
  RIFF_ASSIGN_OR_RETURN(std::optional<Checkout> found,
                        store::read_result(db_, [&](db::Conn& c) { return load(c, id); }));
  if (!found) return Status::internal("checkout " + std::to_string(id) + " vanished");
  // A checkout whose payment was never asked for (a crash, or the gateway
  // down) is submitted again: the gateway's idempotency key makes it one charge.
  if (found->state == CheckoutState::kPending) return submit(std::move(*found), request.payment_method);
  return std::move(*found);
}

Result<Checkout> CheckoutService::submit(Checkout checkout, const std::string& payment_method) {
  const Id id = checkout.id;
  if (checkout.amount == 0) {
    // Nothing to charge (a coupon took it all): paid at once, no money moves.
    payments::WebhookEvent free;
    free.intent_id = "";
    free.amount = 0;
    free.currency = checkout.currency;
    free.customer_id = checkout.buyer_id;
    free.reference = "checkout:" + std::to_string(id);
    RIFF_RETURN_IF_ERROR(db_.transact([&](db::Conn& c) { return payment_succeeded(c, free); }));
  } else {
    payments::AuthorizeRequest ask;
    ask.amount = checkout.amount;
    ask.currency = checkout.currency;
    ask.payment_method = payment_method;
    ask.customer_id = checkout.buyer_id;
    ask.reference = "checkout:" + std::to_string(id);
    ask.idempotency_key = ask.reference;
    auto intent = gateway_.authorize(ask);
    if (!intent) {
      if (intent.status().code() != Code::kInvalid) return intent.status();  // try again later
      // A token the gateway refuses: nothing was authorized.
      RIFF_RETURN_IF_ERROR(db_.transact([&](db::Conn& c) {
        return cancel_unpaid(c, id, CheckoutState::kDeclined, "payment method refused",
                             std::string("invalid_payment_method"));
      }));
      return Status::invalid("/payment_method", intent.status().message());
    }
    if (intent->status == payments::IntentStatus::kFailed ||
        intent->status == payments::IntentStatus::kCanceled) {
      RIFF_RETURN_IF_ERROR(db_.transact([&](db::Conn& c) {
        return cancel_unpaid(c, id, CheckoutState::kDeclined, "payment declined",
                             intent->decline_code.empty() ? std::string("declined")
                                                          : intent->decline_code);
      }));
    } else {
      // The webhook may have come first and marked it paid: only a pending one moves.
      RIFF_RETURN_IF_ERROR(db_.transact([&](db::Conn& c) {
        return c.exec("UPDATE checkouts SET state = $2, intent_id = $3, updated_at = $4"
                      " WHERE id = $1 AND state = 0",
                      {id, static_cast<int>(CheckoutState::kSubmitted), intent->id,
                       clock_.now_ms()})
            .status();
      }));
    }
  }
  RIFF_ASSIGN_OR_RETURN(std::optional<Checkout> found,
                        store::read_result(db_, [&](db::Conn& c) { return load(c, id); }));
  if (!found) return Status::internal("checkout " + std::to_string(id) + " vanished");
  return std::move(*found);
}

Status CheckoutService::cancel_unpaid(db::Conn& c, Id checkout_id, CheckoutState state,
                                      std::string_view reason,
                                      std::optional<std::string> decline_code) {
  const std::int64_t now = clock_.now_ms();
  RIFF_RETURN_IF_ERROR(c.exec("UPDATE checkouts SET state = $2, decline_code = COALESCE($3,"
                              " decline_code), updated_at = $4 WHERE id = $1 AND state IN (0, 1)",
                              {checkout_id, static_cast<int>(state), decline_code, now})
                           .status());
  RIFF_ASSIGN_OR_RETURN(std::vector<Id> order_ids, store::checkout_order_ids(c, checkout_id));
  for (Id order_id : order_ids) {
    RIFF_ASSIGN_OR_RETURN(bool cancelled,
                          store::transition(c, order_id, {OrderStatus::kUnpaid},
                                            OrderStatus::kCancelled, "cancelled_at", now,
                                            ids_.next(), std::nullopt, reason));
    if (!cancelled) continue;
    RIFF_RETURN_IF_ERROR(c.exec("UPDATE orders SET cancel_reason = $2 WHERE id = $1",
                                {order_id, reason})
                             .status());
    RIFF_RETURN_IF_ERROR(stock_.release(c, order_id).status());
    RIFF_RETURN_IF_ERROR(FlashDealService::release(c, order_id));
    RIFF_ASSIGN_OR_RETURN(db::Rows redeemed,
                          c.query("SELECT coupon_id FROM coupon_redemptions WHERE order_id = $1",
                                  {order_id}));
    for (const auto& r : redeemed) {
      RIFF_RETURN_IF_ERROR(c.exec("UPDATE coupons SET uses = uses - 1 WHERE id = $1 AND uses > 0",
                                  {r.i64(0)})
                               .status());
    }
    RIFF_RETURN_IF_ERROR(
        c.exec("DELETE FROM coupon_redemptions WHERE order_id = $1", {order_id}).status());
  }
  return Status::ok();
}

Status CheckoutService::payment_succeeded(db::Conn& c, const payments::WebhookEvent& event) {
  const auto checkout_id = checkout_of_reference(event.reference);
  if (!checkout_id) return Status::ok();  // another module's payment
  const std::int64_t now = clock_.now_ms();
  RIFF_ASSIGN_OR_RETURN(db::Rows rows,
                        c.query("SELECT amount, currency FROM checkouts WHERE id = $1",
                                {*checkout_id}));
  if (rows.empty()) {
    spdlog::warn("orders: payment {} names checkout {} that does not exist", event.intent_id,
                 *checkout_id);
    return Status::ok();
  }
  if (rows[0].i64(0) != event.amount || rows[0].str(1) != event.currency) {
    // The gateway captured what riff asked; anything else is a bug to see, not to book.
    return Status::internal("payment " + event.intent_id + " captured " +
                            std::to_string(event.amount) + " " + event.currency +
                            ", checkout " + std::to_string(*checkout_id) + " asked " +
                            rows[0].str(0) + " " + rows[0].str(1));
  }
  RIFF_RETURN_IF_ERROR(c.exec("UPDATE checkouts SET state = $2, intent_id = $3, updated_at = $4"
                              " WHERE id = $1",
                              {*checkout_id, static_cast<int>(CheckoutState::kPaid),
                               event.intent_id.empty() ? std::optional<std::string>()
                                                       : std::optional(event.intent_id),
                               now})
                           .status());
  RIFF_ASSIGN_OR_RETURN(std::vector<Id> order_ids, store::checkout_order_ids(c, *checkout_id));
  RIFF_ASSIGN_OR_RETURN(std::vector<Order> orders, store::load_orders(c, order_ids));
  for (Order& o : orders) {
    if (o.status == OrderStatus::kCancelled) {
      // The money came after the order timed out or was cancelled: give it back.
      if (o.total > 0) {
        RIFF_RETURN_IF_ERROR(
            refund_unallocated(c, ids_, queue_, o, "paid after cancellation", now).status());
      }
      continue;
    }
    if (o.status != OrderStatus::kUnpaid) continue;
    std::int64_t wanted = 0;
    for (const auto& i : o.items) wanted += i.quantity;
    RIFF_ASSIGN_OR_RETURN(std::int64_t sold, stock_.commit(c, o.id));
    if (sold != wanted) {
      // The hold was lost (released by the safety sweep a day after the
      // deadline): cancel and refund rather than sell stock that is gone.
      RIFF_ASSIGN_OR_RETURN(bool cancelled,
                            store::transition(c, o.id, {OrderStatus::kUnpaid},
                                              OrderStatus::kCancelled, "cancelled_at", now,
                                              ids_.next(), std::nullopt, "stock hold expired"));
      if (cancelled) RIFF_RETURN_IF_ERROR(FlashDealService::release(c, o.id));
      if (cancelled && o.total > 0) {
        RIFF_RETURN_IF_ERROR(
            refund_unallocated(c, ids_, queue_, o, "stock hold expired", now).status());
      }
      if (sold > 0) {
        spdlog::error("orders: order {} committed {} of {} units", o.id, sold, wanted);
      }
      continue;
    }
    RIFF_ASSIGN_OR_RETURN(bool paid,
                          store::transition(c, o.id, {OrderStatus::kUnpaid},
                                            OrderStatus::kAwaitingShipment, "paid_at", now,
                                            ids_.next(), std::nullopt, ""));
    if (!paid) continue;
    RIFF_RETURN_IF_ERROR(post_paid(ledger_, c, o));
    (void)notifications_.add(c, {o.buyer_id, "order_paid", std::nullopt, o.id, {}, 0});
    (void)notifications_.add(c, {o.seller_id, "order_to_ship", o.buyer_id, o.id, {}, 0});
    for (const auto& i : o.items) {
      if (i.creator_id) {
        (void)notifications_.add(c, {*i.creator_id, "commission_earned", std::nullopt, o.id, {}, 0});
      }
    }
  }
  return Status::ok();
}

jobs::JobOutcome CheckoutService::expire(jobs::JobContext& ctx) {
  const std::string& payload = ctx.job().payload;
  const auto digits = payload.find_first_of("0123456789");
  Id checkout_id = 0;
  if (digits != std::string::npos) {
    std::from_chars(payload.data() + digits, payload.data() + payload.size(), checkout_id);
  }
  if (checkout_id <= 0) return jobs::JobOutcome::fail("bad payload " + payload);
  auto found = store::read_result(db_, [&](db::Conn& c) { return load(c, checkout_id); });
  if (!found) return jobs::JobOutcome::retry(found.status().message());
  if (!*found) return jobs::JobOutcome::done();
  const Checkout& co = **found;
  if (co.state != CheckoutState::kPending && co.state != CheckoutState::kSubmitted) {
    return jobs::JobOutcome::done();
  }
  if (co.intent_id) {
    auto intent = gateway_.intent(*co.intent_id);
    if (!intent) return jobs::JobOutcome::retry(intent.status().message());
    // Captured: its webhook is on the way and will mark the orders paid.
    if (intent->status == payments::IntentStatus::kSucceeded) return jobs::JobOutcome::done();
    if (intent->status == payments::IntentStatus::kRequiresCapture) {
      auto voided = gateway_.void_authorization(*co.intent_id, "checkout:" + std::to_string(co.id) + ":void");
      if (!voided) return jobs::JobOutcome::retry(voided.status().message());
    }
  }
  // Unpaid past the deadline. Should the money still come, payment_succeeded refunds it.
  Status st = db_.transact([&](db::Conn& c) {
    return cancel_unpaid(c, checkout_id, CheckoutState::kExpired, "payment timed out", std::nullopt);
  });
  if (!st) return jobs::JobOutcome::retry(st.message());
  return jobs::JobOutcome::done();
}

}  // namespace riff::orders
