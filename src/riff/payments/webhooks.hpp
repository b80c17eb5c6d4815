#pragma once
// riff's side of payment webhooks: POST /api/v1/webhooks/payments.
//
// receive() checks the Riff-Signature header against the exact body bytes
// (signature.hpp) and the timestamp against the tolerance, then, in one
// database transaction, records the event id (payments_webhook_events) and
// runs the handlers registered for its type. An event id seen before is a
// replay: nothing runs again. A handler's failure rolls the whole event back
// (its id included), so the gateway's retry processes it afresh. Processing
// is thereby idempotent, and a forged, altered, stale or replayed request
// changes nothing.
//
// Thread-safe once the handlers are registered (on() before serving).

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "riff/core/clock.hpp"
#include "riff/core/ids.hpp"
#include "riff/db/database.hpp"

namespace riff::payments {

/// A verified event, with the fields of its object that handlers need.
struct WebhookEvent {
  std::string id;    // evt_...
  std::string type;  // payment_intent.succeeded, charge.refunded, ...
  std::int64_t created = 0;  // unix seconds
  std::string object_id;     // pi_... or re_...
  std::string intent_id;     // the payment intent it is about
  std::int64_t amount = 0;   // captured (payment_intent.*) or refunded (charge.refunded)
  std::string currency;
  Id customer_id = 0;
  std::string reference;
  std::string status;        // of the intent ("" for a refund)
};

using WebhookHandler = std::function<Status(db::Conn&, const WebhookEvent&)>;

enum class WebhookOutcome { kProcessed, kReplayed, kBadSignature, kStale, kMalformed };

struct WebhookResult {
  WebhookOutcome outcome = WebhookOutcome::kProcessed;
  std::string detail;
  std::string event_id;
};

class WebhookReceiver {
 public:
  WebhookReceiver(db::Database& db, const Clock& clock, std::string secret,
                  std::int64_t tolerance_seconds);

  /// Adds a handler for an event type (several may share one). Before serving.
  void on(std::string type, WebhookHandler handler);

  /// Verifies and processes one delivery. Fails only when the database does
  /// (or a handler did): the sender should retry then.
  Result<WebhookResult> receive(std::string_view signature_header, std::string_view body);

 private:
  db::Database& db_;
  const Clock& clock_;
  std::string secret_;
  std::int64_t tolerance_s_;
  std::map<std::string, std::vector<WebhookHandler>, std::less<>> handlers_;
};

}  // namespace riff::payments
