#pragma once
// Checkout: turns a buyer's items (their cart, or items named in the
// request) into one order per shop, holds the stock, and asks the payment
// gateway for the money.
//
// place() in three steps:
//  1. One database transaction: the checkout row (unique per buyer and
//     Idempotency-Key), its orders and items priced from the server's own
//     catalog, shipping options, coupons and tax table, the stock held per
//     variant (StockService, in the same transaction, variants in id order
//     so concurrent checkouts cannot deadlock), coupon uses counted, the
//     bought lines taken out of the cart, and a job that expires the
//     checkout when it stays unpaid. Too little stock, a bad coupon or a
//     changed catalog fails the transaction: nothing is made.
//  2. The gateway authorizes and captures the total with the idempotency
//     key "checkout:<id>", so a retry (the same Idempotency-Key again, or
//     after a crash) never charges twice.
//  3. A declined card cancels the orders at once and frees their stock.
//     An approved one is booked when the gateway's signed webhook arrives
//     (payment_succeeded()), in the webhook's transaction: the orders move
//     to awaiting_shipment, the held stock becomes sold, and the ledger
//     splits the buyer's payment over seller, riff, tax and creators.
//
// The same Idempotency-Key with the same request returns the first
// checkout (whatever it became); with another request it is kConflict.
//
// Thread-safe: holds no mutable state besides its dependencies.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "riff/core/clock.hpp"
#include "riff/core/ids.hpp"
#include "riff/db/database.hpp"
#include "riff/jobs/queue.hpp"
#include "riff/jobs/worker.hpp"
#include "riff/orders/model.hpp"

namespace riff::shop {
class LinkService;
class StockService;
}  // namespace riff::shop
namespace riff::payments {
class PaymentGateway;
struct WebhookEvent;
}  // namespace riff::payments
namespace riff::ledger {
class Ledger;
}
namespace riff::accounts {
class NotificationService;
}

namespace riff::orders {

/// The message of the kConflict when an item has too little stock.
inline constexpr std::string_view kOutOfStockPrefix = "out of stock";

struct CheckoutItem {
  Id variant_id = 0;
  std::int64_t quantity = 0;
};

struct CheckoutRequest {
  std::vector<CheckoutItem> items;  // empty: everything in the buyer's cart
  std::optional<ShippingAddress> address;  // required by place(); a quote may go without
  std::map<Id, Id> shipping;        // shop id -> shipping option id (default: the cheapest)
  std::vector<std::string> coupons;  // at most one applies per shop
  std::string payment_method;       // the gateway's token (tok_visa, ...)
};

/// One shop's part of a checkout, priced.
struct ShopQuote {
  Id shop_id = 0;
  Id seller_id = 0;
  std::string shop_handle;
  std::string shop_name;
  std::vector<OrderItem> items;
  std::vector<ShippingOption> shipping_options;  // what the shop offers
  std::optional<ShippingOption> shipping;        // chosen
  std::optional<Coupon> coupon;                  // applied
  OrderQuote quote;
};

struct Quote {
  std::string currency;
  std::vector<ShopQuote> shops;
  std::int64_t subtotal = 0;
  std::int64_t discount = 0;
  std::int64_t shipping = 0;
  std::int64_t tax = 0;
  std::int64_t total = 0;
};

enum class CheckoutState { kPending = 0, kSubmitted = 1, kPaid = 2, kDeclined = 3, kExpired = 4 };
std::string_view to_string(CheckoutState s);

struct Checkout {
  Id id = 0;
  Id buyer_id = 0;
  CheckoutState state = CheckoutState::kPending;
  std::string currency;
  std::int64_t amount = 0;
  std::optional<std::string> intent_id;
  std::optional<std::string> decline_code;
  std::int64_t expires_at = 0;
  std::int64_t created_at = 0;
  std::vector<Order> orders;
};

struct CheckoutOptions {
  std::int64_t payment_timeout_ms = 30 * 60'000;  // unpaid orders are cancelled after this
  std::int64_t platform_fee_bps = 500;
  TaxTable tax;
};

class CheckoutService {
 public:
  static constexpr std::string_view kExpireJob = "orders.expire";

  /// References must outlive the service.
  CheckoutService(db::Database& db, IdGenerator& ids, const Clock& clock, jobs::JobQueue& queue,
                  shop::StockService& stock, shop::LinkService& links,
                  payments::PaymentGateway& gateway, ledger::Ledger& ledger,
                  accounts::NotificationService& notifications, CheckoutOptions options);

  /// Prices a checkout without changing anything.
  Result<Quote> quote(Id buyer_id, const CheckoutRequest& request);
  /// Places (or, for a key seen before, returns) a checkout; see above.
  Result<Checkout> place(Id buyer_id, const std::string& idempotency_key,
                         const CheckoutRequest& request);
  /// The buyer's own checkout; kNotFound for anyone else's.
  Result<Checkout> get(Id buyer_id, Id checkout_id);

  /// The webhook handler of payment_intent.succeeded for checkouts (the
  /// reference "checkout:<id>"), in the webhook's transaction. Orders that
  /// timed out or were cancelled before the money came are refunded.
  Status payment_succeeded(db::Conn& c, const payments::WebhookEvent& event);
  /// The kExpireJob body: cancels the orders of a checkout still unpaid.
  jobs::JobOutcome expire(jobs::JobContext& ctx);

  const CheckoutOptions& options() const { return options_; }

 private:
  struct Plan;
  Result<Plan> plan(db::Conn& c, Id buyer_id, const CheckoutRequest& request, std::int64_t now);
  Result<std::optional<Checkout>> load(db::Conn& c, Id checkout_id);
  Result<Checkout> submit(Checkout checkout, const std::string& payment_method);
  /// Cancels the unpaid orders of a checkout and frees their stock and coupons.
  Status cancel_unpaid(db::Conn& c, Id checkout_id, CheckoutState state, std::string_view reason,
                       std::optional<std::string> decline_code);

  db::Database& db_;
  IdGenerator& ids_;
  const Clock& clock_;
  jobs::JobQueue& queue_;
  shop::StockService& stock_;
  shop::LinkService& links_;
  payments::PaymentGateway& gateway_;
  ledger::Ledger& ledger_;
  accounts::NotificationService& notifications_;
  CheckoutOptions options_;
};

/// "checkout:<id>" -> id; nullopt for other references.
std::optional<Id> checkout_of_reference(std::string_view reference);

}  // namespace riff::orders
