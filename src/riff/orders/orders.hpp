#pragma once
// Orders after checkout: what buyers and sellers see, and the lifecycle
//
//   unpaid -> awaiting_shipment -> in_transit -> delivered -> completed
//     |              |
//     +--------------+--> cancelled
//
// The seller ships (carrier and tracking number); the seller or the buyer
// marks delivery, which schedules the seller's and creators' settlements
// (pending -> available after the settlement delay) and the order's
// completion when the return window closes. A buyer cancels an unpaid
// order, or a paid one before it ships; a seller cancels a paid one before
// it ships. A paid cancellation puts the units back on hand and refunds
// the buyer in full (money.hpp).
//
// Every change is one conditional UPDATE on the order's status inside a
// transaction that also records the history row, moves the stock and posts
// the money, so concurrent or repeated requests change an order once.
//
// Thread-safe: holds no mutable state besides its dependencies.

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "riff/core/clock.hpp"
#include "riff/core/ids.hpp"
#include "riff/db/database.hpp"
#include "riff/jobs/queue.hpp"
#include "riff/jobs/worker.hpp"
#include "riff/orders/model.hpp"

namespace riff::payments {
class PaymentGateway;
}
namespace riff::shop {
class StockService;
}
namespace riff::ledger {
class Ledger;
class Settlements;
}  // namespace riff::ledger
namespace riff::accounts {
class NotificationService;
}

namespace riff::orders {

struct OrderPage {
  std::vector<Order> items;
  std::optional<std::string> next_cursor;
};

struct LifecycleOptions {
  std::int64_t settlement_delay_ms = 7 * 86'400'000LL;  // after delivery
  std::int64_t return_window_ms = 15 * 86'400'000LL;    // after delivery; then completed
  std::int64_t return_response_ms = 2 * 86'400'000LL;   // a seller's time to decide a return
};

struct ReturnPage {
  std::vector<ReturnRequest> items;
  std::optional<std::string> next_cursor;
};

class OrderService {
 public:
  static constexpr std::string_view kCompleteJob = "orders.complete";

  /// References must outlive the service.
  OrderService(db::Database& db, IdGenerator& ids, const Clock& clock, jobs::JobQueue& queue,
               shop::StockService& stock, payments::PaymentGateway& gateway, ledger::Ledger& ledger,
               ledger::Settlements& settlements, accounts::NotificationService& notifications,
               LifecycleOptions options);

  /// A buyer's orders, newest first, optionally of one status.
  Result<OrderPage> buyer_orders(Id buyer_id, std::optional<OrderStatus> status, int limit,
                                 const std::optional<std::string>& cursor);
  /// The orders of the seller's shop, newest first. kNotFound without a shop.
  Result<OrderPage> seller_orders(Id seller_id, std::optional<OrderStatus> status, int limit,
                                  const std::optional<std::string>& cursor);
  /// An order its buyer or its seller may see; kNotFound for anyone else.
  Result<Order> get(Id viewer_id, Id order_id);

  /// The seller hands the parcel to a carrier.
  Result<Order> ship(Id seller_id, Id order_id, const std::string& carrier,
                     const std::string& tracking_number);
  /// The seller (the carrier's word) or the buyer (received) marks delivery.
  Result<Order> deliver(Id actor_id, Id order_id);
  /// See above for who may cancel what. `reason` is shown to the other party.
  Result<Order> cancel(Id actor_id, Id order_id, const std::string& reason);

  /// Returns (returns.cpp). The buyer asks within the return window of a
  /// delivered order, one open request at a time, for at most what is left
  /// to refund (all of it by default). The seller approves (the refund is
  /// made at once) or rejects with a note; a request not decided by
  /// `respond_by` is approved by kReturnDeadlineJob.
  Result<ReturnRequest> request_return(Id buyer_id, Id order_id, std::optional<std::int64_t> amount,
                                       const std::string& reason, bool send_back);
  Result<ReturnRequest> approve_return(Id seller_id, Id return_id);
  Result<ReturnRequest> reject_return(Id seller_id, Id return_id, const std::string& note);
  /// A request its buyer or seller may see; kNotFound for anyone else.
  Result<ReturnRequest> return_request(Id viewer_id, Id return_id);
  /// An order's requests, for its buyer or seller, oldest first.
  Result<std::vector<ReturnRequest>> order_returns(Id viewer_id, Id order_id);
  /// The seller's requests, newest first, optionally of one state.
  Result<ReturnPage> seller_returns(Id seller_id, std::optional<ReturnState> state, int limit,
                                    const std::optional<std::string>& cursor);
  jobs::JobOutcome return_deadline_job(jobs::JobContext& ctx);
  static constexpr std::string_view kReturnDeadlineJob = "orders.return_deadline";

  /// Job bodies: a delivered order completes; a refund is asked of the gateway.
  jobs::JobOutcome complete_job(jobs::JobContext& ctx);
  jobs::JobOutcome refund_job(jobs::JobContext& ctx);

 private:
  /// Notifications decided in a transaction, sent after it commits.
  struct Notices {
    struct Notice {
      Id user_id;
      std::string kind;
      std::optional<Id> actor_id;
      Id order_id;
    };
    std::vector<Notice> pending;
    void add(Id user, std::string kind, std::optional<Id> actor, Id order) {
      pending.push_back({user, std::move(kind), actor, order});
    }
  };
  void send(const Notices& notices);
  Result<Order> change(Id order_id,
                       const std::function<Status(db::Conn&, const Order&, Notices&)>& fn);
  /// Approves a requested return in `c`: the refund and the notices.
  Result<bool> approve_in(db::Conn& c, const ReturnRequest& r, std::optional<Id> actor,
                          Notices& notices);
  Result<ReturnRequest> decide(Id seller_id, Id return_id, bool approve, const std::string& note);
  Result<OrderPage> page(std::string_view column, Id owner, std::optional<OrderStatus> status,
                         int limit, const std::optional<std::string>& cursor);

  db::Database& db_;
  IdGenerator& ids_;
  const Clock& clock_;
  jobs::JobQueue& queue_;
  shop::StockService& stock_;
  payments::PaymentGateway& gateway_;
  ledger::Ledger& ledger_;
  ledger::Settlements& settlements_;
  accounts::NotificationService& notifications_;
  LifecycleOptions options_;
};

/// The first decimal id in a job payload ({"order_id":"123"}); 0 when none.
Id payload_id(std::string_view payload);

}  // namespace riff::orders
