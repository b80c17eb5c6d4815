// What the gateway's events post into the ledger, and the invariant that
// ties the two together.

#include <fmt/format.h>

#include "riff/payments/module.hpp"

namespace riff::payments {

void post_gateway_events_to_ledger(WebhookReceiver& receiver, ledger::Ledger& ledger) {
  using ledger::kBuyerPayments;
  using ledger::kGatewayClearing;
  receiver.on("payment_intent.succeeded", [&ledger](db::Conn& c, const WebhookEvent& e) {
    ledger::TransferSpec spec;
    spec.kind = "payment_captured";
    spec.reference = e.intent_id;
    spec.idempotency_key = "gateway:" + e.intent_id + ":capture";
    spec.debit({std::string(kGatewayClearing), 0, e.currency}, e.amount)
        .credit({std::string(kBuyerPayments), e.customer_id, e.currency}, e.amount);
    return ledger.post(c, spec).status();
  });
  receiver.on("charge.refunded", [&ledger](db::Conn& c, const WebhookEvent& e) {
    ledger::TransferSpec spec;
    spec.kind = "payment_refunded";
    spec.reference = e.intent_id;
    spec.idempotency_key = "gateway:" + e.object_id + ":refund";
    spec.debit({std::string(kBuyerPayments), e.customer_id, e.currency}, e.amount)
        .credit({std::string(kGatewayClearing), 0, e.currency}, e.amount);
    return ledger.post(c, spec).status();
  });
}

ledger::VerifyCheck gateway_match_check() {
  return {"gateway_match", [](db::Conn& c, std::vector<ledger::Violation>& out) -> Status {
            RIFF_ASSIGN_OR_RETURN(
                db::Rows pending,
                c.query("SELECT COUNT(*) FROM jobs WHERE kind = $1 AND state IN (0, 1)",
                        {SimulatedGateway::kDeliveryJob}));
            const bool drained = pending[0].i64(0) == 0;
            // The ledger's view of each intent: what clearing received and gave back.
            RIFF_ASSIGN_OR_RETURN(
                db::Rows rows,
                c.query("SELECT i.id, i.amount_captured, i.amount_refunded,"
                        " COALESCE((SELECT SUM(e.amount) FROM ledger_transactions t"
                        "   JOIN ledger_entries e ON e.transaction_id = t.id"
                        "   JOIN ledger_accounts a ON a.id = e.account_id"
                        "   WHERE t.reference = i.id AND t.kind = 'payment_captured'"
                        "   AND a.kind = 'gateway_clearing'), 0),"
                        " COALESCE((SELECT -SUM(e.amount) FROM ledger_transactions t"
                        "   JOIN ledger_entries e ON e.transaction_id = t.id"
                        "   JOIN ledger_accounts a ON a.id = e.account_id"
                        "   WHERE t.reference = i.id AND t.kind = 'payment_refunded'"
                        "   AND a.kind = 'gateway_clearing'), 0)"
                        " FROM gateway_intents i ORDER BY i.id"));
            for (const auto& r : rows) {
              const std::int64_t captured = r.i64(1), refunded = r.i64(2);
              const std::int64_t booked = r.i64(3), given_back = r.i64(4);
              const bool over = booked > captured || given_back > refunded;
              const bool short_of = drained && (booked != captured || given_back != refunded);
              if (over || short_of) {
                out.push_back({"gateway_match",
                               fmt::format("intent {}: gateway captured {} and refunded {}, the "
                                           "ledger booked {} and {}{}",
                                           r.str(0), captured, refunded, booked, given_back,
                                           drained ? "" : " (deliveries pending)")});
              }
            }
            return Status::ok();
          }};
}

}  // namespace riff::payments
