#pragma once
// What riff asks of a payment gateway: authorize a payment (capturing at once
// or later), capture it (in part), refund it (in part, several times) and void
// an uncaptured one. Amounts are integer minor units. Each call carries an
// idempotency key: a retried call returns the first call's object and moves
// no money again. The gateway reports what happened asynchronously with
// signed webhooks (webhooks.hpp); riff books money on those, not on the
// call's return, as with a real gateway.
//
// Implementations are thread-safe.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "riff/core/ids.hpp"
#include "riff/core/status.hpp"

namespace riff::payments {

enum class IntentStatus { kRequiresCapture, kSucceeded, kCanceled, kFailed };
std::string_view status_name(IntentStatus s);

struct AuthorizeRequest {
  std::int64_t amount = 0;
  std::string currency;
  std::string payment_method;  // a test token of the simulated gateway (sim_gateway.hpp)
  bool capture_later = false;  // authorize only; capture() takes the money
  Id customer_id = 0;          // the buyer
  std::string reference;       // the caller's thing (an order id)
  std::string idempotency_key;
};

struct PaymentIntent {
  std::string id;  // pi_...
  std::int64_t amount = 0;  // authorized
  std::int64_t amount_captured = 0;
  std::int64_t amount_refunded = 0;
  std::string currency;
  IntentStatus status = IntentStatus::kRequiresCapture;
  std::string decline_code;  // set when failed: card_declined, insufficient_funds
  Id customer_id = 0;
  std::string reference;
  std::int64_t created_at = 0;
};

struct Refund {
  std::string id;  // re_...
  std::string intent_id;
  std::int64_t amount = 0;
  std::int64_t created_at = 0;
};

class PaymentGateway {
 public:
  virtual ~PaymentGateway() = default;
  /// A declined card is not an error: the intent comes back kFailed with a
  /// decline code. kInvalid for a bad amount, currency or token.
  virtual Result<PaymentIntent> authorize(const AuthorizeRequest& request) = 0;
  /// Captures `amount` (all of it when unset) of an authorized intent; the
  /// rest of the authorization is released. kConflict unless kRequiresCapture.
  virtual Result<PaymentIntent> capture(std::string_view intent_id,
                                        std::optional<std::int64_t> amount,
                                        std::string_view idempotency_key) = 0;
  /// Gives back `amount` of the captured money; kConflict beyond what is left.
  virtual Result<Refund> refund(std::string_view intent_id, std::int64_t amount,
                                std::string_view idempotency_key) = 0;
  /// Releases an authorization that was not captured.
  virtual Result<PaymentIntent> void_authorization(std::string_view intent_id,
                                                   std::string_view idempotency_key) = 0;
  virtual Result<PaymentIntent> intent(std::string_view intent_id) = 0;
};

}  // namespace riff::payments
