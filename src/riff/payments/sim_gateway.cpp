#include "riff/payments/sim_gateway.hpp"

#include <boost/json.hpp>

#include "riff/ledger/model.hpp"
#include "riff/payments/signature.hpp"

namespace riff::payments {
namespace {

namespace json = boost::json;

constexpr std::string_view kIntentColumns =
    "SELECT id, amount, amount_captured, amount_refunded, currency, status, decline_code,"
    " customer_id, reference, created_at FROM gateway_intents ";

IntentStatus parse_status(std::string_view s) {
  if (s == "succeeded") return IntentStatus::kSucceeded;
  if (s == "canceled") return IntentStatus::kCanceled;
  if (s == "failed") return IntentStatus::kFailed;
  return IntentStatus::kRequiresCapture;
}

PaymentIntent intent_from(const db::Row& r) {
  PaymentIntent i;
  i.id = r.str(0);
  i.amount = r.i64(1);
  i.amount_captured = r.i64(2);
  i.amount_refunded = r.i64(3);
  i.currency = r.str(4);
  i.status = parse_status(r.str(5));
  i.decline_code = r.str(6);
  i.customer_id = r.i64(7);
  i.reference = r.str(8);
  i.created_at = r.i64(9);
  return i;
}

Result<PaymentIntent> load_intent(db::Conn& c, std::string_view id, bool lock) {
  RIFF_ASSIGN_OR_RETURN(db::Rows rows, c.query(std::string(kIntentColumns) + "WHERE id = $1" +
                                                   (lock ? " FOR UPDATE" : ""),
                                               {id}));
  if (rows.empty()) return Status::not_found("No such payment intent.");
  return intent_from(rows[0]);
}

Result<Refund> load_refund(db::Conn& c, std::string_view id) {
  RIFF_ASSIGN_OR_RETURN(
      db::Rows rows,
      c.query("SELECT id, intent_id, amount, created_at FROM gateway_refunds WHERE id = $1", {id}));
  if (rows.empty()) return Status::not_found("No such refund.");
  return Refund{rows[0].str(0), rows[0].str(1), rows[0].i64(2), rows[0].i64(3)};
}

/// Records `operation:key` -> `object_id` unless the key was used before;
/// returns the earlier object's id then. A concurrent call with the key
/// waits for the first to commit (PostgreSQL) and then sees its object.
Result<std::optional<std::string>> claim(db::Conn& c, std::string_view operation,
                                         std::string_view key, const std::string& object_id,
                                         std::int64_t now) {
  if (key.empty() || key.size() > 200) {
    return Status::invalid("/idempotency_key", "1 to 200 characters");
  }
  const std::string full = std::string(operation) + ":" + std::string(key);
  RIFF_ASSIGN_OR_RETURN(std::int64_t n,
                        c.exec("INSERT INTO gateway_requests (key, object_id, created_at)"
                               " VALUES ($1, $2, $3) ON CONFLICT (key) DO NOTHING",
                               {full, object_id, now}));
  if (n == 1) return std::optional<std::string>{};
  RIFF_ASSIGN_OR_RETURN(db::Rows rows,
                        c.query("SELECT object_id FROM gateway_requests WHERE key = $1", {full}));
  if (rows.empty()) return Status::internal("gateway request vanished");
  return std::optional<std::string>(rows[0].str(0));
}

std::string intent_json(const PaymentIntent& i) {
  return json::serialize(json::object{{"id", i.id},
                                      {"object", "payment_intent"},
                                      {"amount", i.amount},
                                      {"amount_captured", i.amount_captured},
                                      {"amount_refunded", i.amount_refunded},
                                      {"currency", i.currency},
                                      {"status", status_name(i.status)},
                                      {"decline_code", i.decline_code},
                                      {"customer", id_to_string(i.customer_id)},
                                      {"reference", i.reference}});
}

/// The decline code of a test payment method ("" = approved); nullopt when unknown.
std::optional<std::string> decline_code_of(std::string_view token) {
  if (token == "tok_visa" || token == "pm_card_visa") return std::string();
  if (token == "tok_chargeDeclined") return std::string("card_declined");
  if (token == "tok_chargeDeclinedInsufficientFunds") return std::string("insufficient_funds");
  return std::nullopt;
}

}  // namespace

std::string_view status_name(IntentStatus s) {
  switch (s) {
    case IntentStatus::kRequiresCapture: return "requires_capture";
    case IntentStatus::kSucceeded: return "succeeded";
    case IntentStatus::kCanceled: return "canceled";
    case IntentStatus::kFailed: return "failed";
  }
  return "failed";
}

SimulatedGateway::SimulatedGateway(db::Database& db, IdGenerator& ids, const Clock& clock,
                                   jobs::JobQueue& queue, std::string secret,
                                   std::function<void()> wake)
    : db_(db), ids_(ids), clock_(clock), queue_(queue), secret_(std::move(secret)),
      wake_(std::move(wake)) {}

Status SimulatedGateway::emit(db::Conn& c, std::string_view type, const std::string& object_json) {
  const std::string id = "evt_" + id_to_string(ids_.next());
  const std::int64_t now = clock_.now_ms();
  // The object is embedded as parsed JSON so the body is one document.
  const std::string body = json::serialize(json::object{
      {"id", id},
      {"type", type},
      {"created", now / 1000},
      {"data", json::object{{"object", json::parse(object_json)}}}});
  RIFF_RETURN_IF_ERROR(c.exec("INSERT INTO gateway_events (id, type, body, created_at)"
                              " VALUES ($1, $2, $3, $4)",
                              {id, type, body, now})
                           .status());
  const std::string payload = json::serialize(json::object{{"event_id", id}});
  return queue_.enqueue(c, kDeliveryJob, payload, 0, 25).status();
}

Result<PaymentIntent> SimulatedGateway::emit_intent(db::Conn& c, std::string_view type,
                                                    std::string_view id) {
  RIFF_ASSIGN_OR_RETURN(PaymentIntent i, load_intent(c, id, false));
  RIFF_RETURN_IF_ERROR(emit(c, type, intent_json(i)));
  return i;
}

Result<PaymentIntent> SimulatedGateway::authorize(const AuthorizeRequest& r) {
  std::vector<FieldError> errors;
  if (r.amount <= 0) errors.push_back({"/amount", "a positive amount in minor units"});
  if (!ledger::valid_currency(r.currency)) errors.push_back({"/currency", "an ISO 4217 code"});
  if (r.customer_id <= 0) errors.push_back({"/customer_id", "the buyer's user id"});
  if (r.reference.size() > 200) errors.push_back({"/reference", "at most 200 bytes"});
  const auto decline = decline_code_of(r.payment_method);
  if (!decline) {
    errors.push_back({"/payment_method", "tok_visa, tok_chargeDeclined or "
                                         "tok_chargeDeclinedInsufficientFunds"});
  }
  if (!errors.empty()) return Status::invalid(std::move(errors));
  auto out = db_.transact_result([&](db::Conn& c) -> Result<PaymentIntent> {
    const std::string id = "pi_" + id_to_string(ids_.next());
    const std::int64_t now = clock_.now_ms();
    RIFF_ASSIGN_OR_RETURN(auto earlier, claim(c, "authorize", r.idempotency_key, id, now));
    if (earlier) return load_intent(c, *earlier, false);
    const std::string status = !decline->empty() ? "failed"
                               : r.capture_later ? "requires_capture"
                                                 : "succeeded";
    const std::int64_t captured = status == "succeeded" ? r.amount : 0;
    RIFF_RETURN_IF_ERROR(
        c.exec("INSERT INTO gateway_intents (id, amount, amount_captured, currency, status,"
               " decline_code, payment_method, customer_id, reference, created_at, updated_at)"
               " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)",
               {id, r.amount, captured, r.currency, status, *decline, r.payment_method,
                r.customer_id, r.reference, now})
            .status());
    const std::string_view type = status == "failed"       ? "payment_intent.payment_failed"
                                  : status == "succeeded" ? "payment_intent.succeeded"
                                                          : "payment_intent.amount_capturable_updated";
    return emit_intent(c, type, id);
  });
  if (out && wake_) wake_();
  return out;
}

Result<PaymentIntent> SimulatedGateway::capture(std::string_view intent_id,
                                                std::optional<std::int64_t> amount,
                                                std::string_view key) {
  auto out = db_.transact_result([&](db::Conn& c) -> Result<PaymentIntent> {
    RIFF_ASSIGN_OR_RETURN(auto earlier,
                          claim(c, "capture", key, std::string(intent_id), clock_.now_ms()));
    if (earlier) return load_intent(c, *earlier, false);
    RIFF_ASSIGN_OR_RETURN(PaymentIntent i, load_intent(c, intent_id, true));
    if (i.status != IntentStatus::kRequiresCapture) {
      return Status::conflict("payment intent " + i.id + " is " +
                              std::string(status_name(i.status)) + ", not requires_capture");
    }
    const std::int64_t take = amount.value_or(i.amount);
    if (take <= 0 || take > i.amount) {
      return Status::invalid("/amount", "from 1 to the authorized " + std::to_string(i.amount));
    }
    RIFF_RETURN_IF_ERROR(c.exec("UPDATE gateway_intents SET status = 'succeeded',"
                                " amount_captured = $2, updated_at = $3 WHERE id = $1",
                                {i.id, take, clock_.now_ms()})
                             .status());
    return emit_intent(c, "payment_intent.succeeded", i.id);
  });
  if (out && wake_) wake_();
  return out;
}

Result<Refund> SimulatedGateway::refund(std::string_view intent_id, std::int64_t amount,
                                        std::string_view key) {
  auto out = db_.transact_result([&](db::Conn& c) -> Result<Refund> {
    const std::string id = "re_" + id_to_string(ids_.next());
    const std::int64_t now = clock_.now_ms();
    RIFF_ASSIGN_OR_RETURN(auto earlier, claim(c, "refund", key, id, now));
    if (earlier) return load_refund(c, *earlier);
    RIFF_ASSIGN_OR_RETURN(PaymentIntent i, load_intent(c, intent_id, true));
    if (i.status != IntentStatus::kSucceeded) {
      return Status::conflict("payment intent " + i.id + " has no captured money to refund");
    }
    const std::int64_t left = i.amount_captured - i.amount_refunded;
    if (amount <= 0 || amount > left) {
      return Status::invalid("/amount", "from 1 to the " + std::to_string(left) + " not yet refunded");
    }
    RIFF_RETURN_IF_ERROR(c.exec("INSERT INTO gateway_refunds (id, intent_id, amount, created_at)"
                                " VALUES ($1, $2, $3, $4)",
                                {id, i.id, amount, now})
                             .status());
    RIFF_RETURN_IF_ERROR(c.exec("UPDATE gateway_intents SET amount_refunded = amount_refunded + $2,"
                                " updated_at = $3 WHERE id = $1",
                                {i.id, amount, now})
                             .status());
    RIFF_RETURN_IF_ERROR(emit(c, "charge.refunded",
                              json::serialize(json::object{{"id", id},
                                                           {"object", "refund"},
                                                           {"payment_intent", i.id},
                                                           {"amount", amount},
                                                           {"currency", i.currency},
                                                           {"customer", id_to_string(i.customer_id)},
                                                           {"reference", i.reference}})));
    return Refund{id, i.id, amount, now};
  });
  if (out && wake_) wake_();
  return out;
}

Result<PaymentIntent> SimulatedGateway::void_authorization(std::string_view intent_id,
                                                           std::string_view key) {
  auto out = db_.transact_result([&](db::Conn& c) -> Result<PaymentIntent> {
    RIFF_ASSIGN_OR_RETURN(auto earlier,
                          claim(c, "void", key, std::string(intent_id), clock_.now_ms()));
    if (earlier) return load_intent(c, *earlier, false);
    RIFF_ASSIGN_OR_RETURN(PaymentIntent i, load_intent(c, intent_id, true));
    if (i.status != IntentStatus::kRequiresCapture) {
      return Status::conflict("only an uncaptured authorization can be voided; " + i.id + " is " +
                              std::string(status_name(i.status)));
    }
    RIFF_RETURN_IF_ERROR(c.exec("UPDATE gateway_intents SET status = 'canceled', updated_at = $2"
                                " WHERE id = $1",
                                {i.id, clock_.now_ms()})
                             .status());
    return emit_intent(c, "payment_intent.canceled", i.id);
  });
  if (out && wake_) wake_();
  return out;
}

Result<PaymentIntent> SimulatedGateway::intent(std::string_view intent_id) {
  RIFF_ASSIGN_OR_RETURN(db::Rows rows,
                        db_.query(std::string(kIntentColumns) + "WHERE id = $1", {intent_id}));
  if (rows.empty()) return Status::not_found("No such payment intent.");
  return intent_from(rows[0]);
}

jobs::JobOutcome SimulatedGateway::deliver(jobs::JobContext& ctx,
                                           const WebhookTransport& transport) {
  std::string event_id;
  try {
    event_id = json::value_to<std::string>(json::parse(ctx.job().payload).at("event_id"));
  } catch (const std::exception& e) {
    return jobs::JobOutcome::fail(std::string("bad delivery payload: ") + e.what());
  }
  auto rows = db_.query("SELECT body FROM gateway_events WHERE id = $1", {event_id});
  if (!rows) return jobs::JobOutcome::retry(rows.status().message());
  if (rows->empty()) return jobs::JobOutcome::fail("no event " + event_id);
  const std::string body = (*rows)[0].str(0);
  const Status st = transport(sign_webhook(secret_, clock_.now_ms() / 1000, body), body);
  if (st) return jobs::JobOutcome::done();
  switch (st.code()) {
    case Code::kRetry:
    case Code::kUnavailable:
    case Code::kInternal:
      return jobs::JobOutcome::retry(st.message());
    default:
      return jobs::JobOutcome::fail(st.message());
  }
}

}  // namespace riff::payments
