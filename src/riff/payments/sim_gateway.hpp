#pragma once
// The built-in simulated gateway: behaves like a card processor so that
// checkout, refunds and the ledger are exercised end to end without one. It
// keeps its own state in its own tables (gateway_*), honours idempotency
// keys per operation, and reports every change as a webhook event written to
// its outbox in the same transaction; a durable job per event
// (kDeliveryJob) signs and delivers it, retried with backoff until riff
// acknowledges it, so a crash between the change and the delivery loses no
// event.
//
// Test payment methods (Stripe's names):
//   tok_visa                              approved
//   tok_chargeDeclined                    declined, decline_code card_declined
//   tok_chargeDeclinedInsufficientFunds   declined, decline_code insufficient_funds
// Capture later with AuthorizeRequest::capture_later.
//
// Thread-safe.

#include <functional>
#include <string>

#include "riff/core/clock.hpp"
#include "riff/db/database.hpp"
#include "riff/jobs/queue.hpp"
#include "riff/jobs/worker.hpp"
#include "riff/payments/gateway.hpp"

namespace riff::payments {

/// Hands a signed event to riff; returns ok once riff has it (processed now
/// or before), kRetry/kUnavailable/kInternal to try again later, anything
/// else to give up on the event.
using WebhookTransport =
    std::function<Status(const std::string& signature_header, const std::string& body)>;

class SimulatedGateway final : public PaymentGateway {
 public:
  static constexpr std::string_view kDeliveryJob = "payments.webhook";

  /// `wake` is called after a change committed (to start its delivery now).
  SimulatedGateway(db::Database& db, IdGenerator& ids, const Clock& clock, jobs::JobQueue& queue,
                   std::string secret, std::function<void()> wake = {});

  Result<PaymentIntent> authorize(const AuthorizeRequest& request) override;
  Result<PaymentIntent> capture(std::string_view intent_id, std::optional<std::int64_t> amount,
                                std::string_view idempotency_key) override;
  Result<Refund> refund(std::string_view intent_id, std::int64_t amount,
                        std::string_view idempotency_key) override;
  Result<PaymentIntent> void_authorization(std::string_view intent_id,
                                           std::string_view idempotency_key) override;
  Result<PaymentIntent> intent(std::string_view intent_id) override;

  /// The delivery job's body: signs the event with the current time and
  /// hands it to `transport`.
  jobs::JobOutcome deliver(jobs::JobContext& ctx, const WebhookTransport& transport);

 private:
  Status emit(db::Conn& c, std::string_view type, const std::string& object_json);
  Result<PaymentIntent> emit_intent(db::Conn& c, std::string_view type, std::string_view id);

  db::Database& db_;
  IdGenerator& ids_;
  const Clock& clock_;
  jobs::JobQueue& queue_;
  std::string secret_;
  std::function<void()> wake_;
};

}  // namespace riff::payments
