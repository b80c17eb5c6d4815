#pragma once
// The orders module as one unit for the composition root: carts, seller
// checkout settings, checkout and orders, their jobs (expiry of unpaid
// checkouts, refunds, completion) and the webhook handler that books a
// captured payment, and the routes.

#include <memory>

#include "riff/accounts/notifications.hpp"
#include "riff/jobs/worker.hpp"
#include "riff/ledger/module.hpp"
#include "riff/net/router.hpp"
#include "riff/orders/affiliates.hpp"
#include "riff/orders/cart.hpp"
#include "riff/orders/checkout.hpp"
#include "riff/orders/deals.hpp"
#include "riff/orders/orders.hpp"
#include "riff/payments/module.hpp"
#include "riff/shop/module.hpp"

namespace riff::orders {

struct OrdersOptions {
  CheckoutOptions checkout;
  LifecycleOptions lifecycle;
};

class OrdersModule {
 public:
  /// Registers the jobs on `worker` and the webhook handler on the payments
  /// receiver. References must outlive the module.
  OrdersModule(db::Database& db, IdGenerator& ids, const Clock& clock, jobs::JobQueue& queue,
               jobs::Worker& worker, shop::ShopModule& shop, payments::PaymentsModule& payments,
               ledger::LedgerModule& ledger, accounts::NotificationService& notifications,
               OrdersOptions options);

  /// Adds the /api/v1 cart, checkout, order and seller-settings routes.
  void mount(net::Router& router);

  CartService& carts() { return carts_; }
  AffiliateService& affiliates() { return affiliates_; }
  FlashDealService& deals() { return deals_; }
  SellerSettings& sellers() { return sellers_; }
  CheckoutService& checkout() { return checkout_; }
  OrderService& orders() { return orders_; }
  shop::ShopModule& shop() { return shop_; }
  const Clock& clock() const { return clock_; }

 private:
  const Clock& clock_;
  shop::ShopModule& shop_;
  CartService carts_;
  AffiliateService affiliates_;
  FlashDealService deals_;
  SellerSettings sellers_;
  CheckoutService checkout_;
  OrderService orders_;
};

void mount_cart_routes(net::Router& router, OrdersModule& m);
void mount_checkout_routes(net::Router& router, OrdersModule& m);
void mount_order_routes(net::Router& router, OrdersModule& m);
void mount_affiliate_routes(net::Router& router, OrdersModule& m);
void mount_deal_routes(net::Router& router, OrdersModule& m);

}  // namespace riff::orders
