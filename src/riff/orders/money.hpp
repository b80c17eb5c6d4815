#pragma once
// The orders module's money movements, each one balanced ledger
// transaction posted in the caller's db::Conn together with the order
// change it belongs to, and each keyed so it happens once:
//
//   order:<id>:paid       buyer_payments(buyer) -> seller_pending(seller),
//                         platform_fees, tax_payable, creator_pending(creator)
//   order:<id>:refund:<r> the paid split given back in proportion to the
//                         refunded share, into buyer_payments, before the
//                         gateway's refund takes it from there
//
// and the refund requests the gateway carries out (an order_refunds row and
// a durable job, written in the same transaction).

#include <string_view>

#include "riff/core/ids.hpp"
#include "riff/db/database.hpp"
#include "riff/jobs/queue.hpp"
#include "riff/orders/model.hpp"

namespace riff::ledger {
class Ledger;
class Settlements;
}

namespace riff::orders {

inline constexpr std::string_view kRefundJob = "orders.refund";

Status post_paid(ledger::Ledger& ledger, db::Conn& c, const Order& order);

/// Gives back `amount` of a paid order's split (all of it when it equals the
/// total), in proportion to each share, and records a refund for the
/// gateway; returns the refund id. kInvalid when `amount` is more than is
/// left to refund.
///
/// A party's share comes from where it is now: its pending account before
/// settlement (a scheduled settlement is cancelled and rescheduled for what
/// is left), its available account after. An available balance already
/// paid out cannot go negative: the refund is then kConflict
/// (ledger::kInsufficientFunds) and changes nothing.
Result<Id> refund_paid(ledger::Ledger& ledger, ledger::Settlements& settlements, db::Conn& c,
                       IdGenerator& ids,
                       jobs::JobQueue& queue, const Order& order, std::int64_t amount,
                       std::string_view reason, std::int64_t now);

/// Records a refund of money that was never split (a payment that came for
/// an order already cancelled): only the gateway's refund is needed.
Result<Id> refund_unallocated(db::Conn& c, IdGenerator& ids, jobs::JobQueue& queue,
                              const Order& order, std::string_view reason, std::int64_t now);

}  // namespace riff::orders
