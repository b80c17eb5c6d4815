#include "riff/orders/money.hpp"

#include <string>

#include "riff/ledger/ledger.hpp"
#include "riff/ledger/settlements.hpp"

namespace riff::orders {
namespace {

namespace lg = riff::ledger;

lg::AccountKey platform(std::string_view kind, const std::string& currency) {
  return {std::string(kind), 0, currency};
}
lg::AccountKey owned(std::string_view kind, Id owner, const std::string& currency) {
  return {std::string(kind), owner, currency};
}

/// part x num / den, rounded down (den > 0, all >= 0).
std::int64_t share(std::int64_t part, std::int64_t num, std::int64_t den) {
  return static_cast<std::int64_t>(static_cast<__int128>(part) * num / den);
}

Result<Id> insert_refund(db::Conn& c, IdGenerator& ids, jobs::JobQueue& queue, Id order_id,
                         std::int64_t amount, std::string_view reason, std::int64_t now) {
  const Id id = ids.next();
  RIFF_RETURN_IF_ERROR(c.exec("INSERT INTO order_refunds (id, order_id, amount, reason, state,"
                              " created_at, updated_at) VALUES ($1, $2, $3, $4, 0, $5, $5)",
                              {id, order_id, amount, reason, now})
                           .status());
  RIFF_RETURN_IF_ERROR(queue
                           .enqueue(c, kRefundJob, "{\"refund_id\":\"" + std::to_string(id) + "\"}",
                                    0, 20, id)
                           .status());
  return id;
}

}  // namespace

Status post_paid(lg::Ledger& ledger, db::Conn& c, const Order& o) {
  const Allocation a = o.allocation();
  lg::TransferSpec spec;
  spec.kind = "order_paid";
  spec.reference = "order:" + std::to_string(o.id);
  spec.idempotency_key = spec.reference + ":paid";
  spec.debit(owned(lg::kBuyerPayments, o.buyer_id, o.currency), o.total);
  if (a.seller != 0) spec.credit(owned(lg::kSellerPending, o.seller_id, o.currency), a.seller);
  if (a.platform_fee != 0) spec.credit(platform(lg::kPlatformFees, o.currency), a.platform_fee);
  if (a.tax != 0) spec.credit(platform(lg::kTaxPayable, o.currency), a.tax);
  for (const auto& [creator, amount] : a.creators) {
    spec.credit(owned(lg::kCreatorPending, creator, o.currency), amount);
  }
  if (o.total == 0) return Status::ok();  // nothing was paid (a 100% coupon, free shipping)
  return ledger.post(c, spec).status();
}

Result<Id> refund_paid(lg::Ledger& ledger, lg::Settlements& settlements, db::Conn& c,
                       IdGenerator& ids, jobs::JobQueue& queue, const Order& o,
                       std::int64_t amount, std::string_view reason, std::int64_t now) {
  if (amount <= 0 || amount > o.total - o.refunded) {
    return Status::invalid("/amount", "A refund is more than zero and at most what was paid and"
                                      " not yet refunded (" +
                                          std::to_string(o.total - o.refunded) + ").");
  }
  // Each share gives back its proportion of the amount; the seller's share
  // takes the rounding, so the entries balance exactly.
  const Allocation a = o.allocation();
  const Id refund_id = ids.next();
  const std::string reference = "order:" + std::to_string(o.id);
  lg::TransferSpec spec;
  spec.kind = "order_refund";
  spec.reference = reference;
  spec.idempotency_key = reference + ":refund:" + std::to_string(refund_id);
  spec.credit(owned(lg::kBuyerPayments, o.buyer_id, o.currency), amount);

  // Takes `value` from an owner's pending or available account, wherever
  // their share of this order is now (see the header).
  auto take_owned = [&](std::string_view pending, std::string_view available, Id owner,
                        const std::string& who, std::int64_t value) -> Status {
    if (value == 0) return Status::ok();
    const std::string key = reference + ":settle:" + who;
    RIFF_ASSIGN_OR_RETURN(
        db::Rows cancelled,
        c.query("UPDATE ledger_settlements SET state = 2 WHERE reference = $1 AND state = 0"
                " AND (idempotency_key = $2 OR idempotency_key LIKE $3) RETURNING amount, due_at",
                {reference, key, key + ":after-refund:%"}));
    if (!cancelled.empty()) {
      spec.debit(owned(pending, owner, o.currency), value);
      const std::int64_t left = cancelled[0].i64(0) - value;
      if (left > 0) {
        lg::SettlementSpec again;
        again.from = owned(pending, owner, o.currency);
        again.to = owned(available, owner, o.currency);
        again.amount = left;
        again.reference = reference;
        again.idempotency_key = key + ":after-refund:" + std::to_string(refund_id);
        again.due_at = cancelled[0].i64(1);
        RIFF_RETURN_IF_ERROR(settlements.schedule(c, again).status());
      }
      return Status::ok();
    }
    // Settled already (state 1, or a rescheduled remainder that settled): from
    // the available balance. Not delivered yet (no row): still pending.
    RIFF_ASSIGN_OR_RETURN(
        db::Rows settled,
        c.query("SELECT COUNT(*) FROM ledger_settlements WHERE reference = $1"
                " AND (idempotency_key = $2 OR idempotency_key LIKE $3) AND state = 1",
                {reference, key, key + ":after-refund:%"}));
    spec.debit(owned(settled[0].i64(0) > 0 ? available : pending, owner, o.currency), value);
    return Status::ok();
  };

  // Each share's reversal so far is floor(part x refunded / total), so the
  // refunds of an order add up to each share exactly once all is refunded.
  std::int64_t rest = amount;
  auto portion = [&](std::int64_t part) {
    const std::int64_t v =
        share(part, o.refunded + amount, o.total) - share(part, o.refunded, o.total);
    rest -= v;
    return v;
  };
  if (const auto fee = portion(a.platform_fee); fee != 0) {
    spec.debit(platform(lg::kPlatformFees, o.currency), fee);
  }
  if (const auto tax = portion(a.tax); tax != 0) spec.debit(platform(lg::kTaxPayable, o.currency), tax);
  for (const auto& [creator, commission] : a.creators) {
    RIFF_RETURN_IF_ERROR(take_owned(lg::kCreatorPending, lg::kCreatorAvailable, creator,
                                    "creator:" + std::to_string(creator), portion(commission)));
  }
  RIFF_RETURN_IF_ERROR(
      take_owned(lg::kSellerPending, lg::kSellerAvailable, o.seller_id, "seller", rest));
  RIFF_RETURN_IF_ERROR(ledger.post(c, spec).status());
  RIFF_ASSIGN_OR_RETURN(
      std::int64_t changed,
      c.exec("UPDATE orders SET refunded = refunded + $2, updated_at = $3"
             " WHERE id = $1 AND refunded + $2 <= total",
             {o.id, amount, now}));
  if (changed == 0) return Status::conflict("The order was refunded concurrently.");
  RIFF_RETURN_IF_ERROR(c.exec("INSERT INTO order_refunds (id, order_id, amount, reason, state,"
                              " created_at, updated_at) VALUES ($1, $2, $3, $4, 0, $5, $5)",
                              {refund_id, o.id, amount, reason, now})
                           .status());
  RIFF_RETURN_IF_ERROR(
      queue
          .enqueue(c, kRefundJob, "{\"refund_id\":\"" + std::to_string(refund_id) + "\"}", 0, 20,
                   refund_id)
          .status());
  return refund_id;
}

Result<Id> refund_unallocated(db::Conn& c, IdGenerator& ids, jobs::JobQueue& queue,
                              const Order& o, std::string_view reason, std::int64_t now) {
  return insert_refund(c, ids, queue, o.id, o.total, reason, now);
}

}  // namespace riff::orders
