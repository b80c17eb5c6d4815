#include "riff/orders/module.hpp"

#include "riff/orders/money.hpp"

namespace riff::orders {

OrdersModule::OrdersModule(db::Database& db, IdGenerator& ids, const Clock& clock,
                           jobs::JobQueue& queue, jobs::Worker& worker, shop::ShopModule& shop,
                           payments::PaymentsModule& payments, ledger::LedgerModule& ledger,
                           accounts::NotificationService& notifications, OrdersOptions options)
    : clock_(clock),
      shop_(shop),
      carts_(db, clock),
      affiliates_(db, ids, clock),
      deals_(db, ids, clock),
      sellers_(db, ids, clock),
      checkout_(db, ids, clock, queue, shop.stock(), shop.links(), payments.gateway(),
                ledger.ledger(), notifications, std::move(options.checkout)),
      orders_(db, ids, clock, queue, shop.stock(), payments.gateway(), ledger.ledger(),
              ledger.settlements(), notifications, options.lifecycle) {
  // Registered after the payments module's own handler, so the capture is in
  // the buyer's buyer_payments account before the orders split it.
  payments.receiver().on("payment_intent.succeeded",
                         [this](db::Conn& c, const payments::WebhookEvent& e) {
                           return checkout_.payment_succeeded(c, e);
                         });
  worker.handle(std::string(CheckoutService::kExpireJob),
                [this](jobs::JobContext& ctx) { return checkout_.expire(ctx); });
  worker.handle(std::string(OrderService::kCompleteJob),
                [this](jobs::JobContext& ctx) { return orders_.complete_job(ctx); });
  worker.handle(std::string(OrderService::kReturnDeadlineJob),
                [this](jobs::JobContext& ctx) { return orders_.return_deadline_job(ctx); });
  worker.handle(std::string(kRefundJob),
                [this](jobs::JobContext& ctx) { return orders_.refund_job(ctx); });
}

void OrdersModule::mount(net::Router& router) {
  mount_cart_routes(router, *this);
  mount_checkout_routes(router, *this);
  mount_order_routes(router, *this);
  mount_affiliate_routes(router, *this);
  mount_deal_routes(router, *this);
}

}  // namespace riff::orders
