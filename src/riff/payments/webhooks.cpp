#include "riff/payments/webhooks.hpp"

#include <boost/json.hpp>

#include "riff/payments/signature.hpp"

namespace riff::payments {
namespace {

namespace json = boost::json;

std::string str_of(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

std::int64_t int_of(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_int64() ? v->as_int64() : 0;
}

/// The event in `body`, or nullopt when it is not one of ours.
std::optional<WebhookEvent> parse_event(std::string_view body) {
  json::error_code ec;
  json::value v = json::parse(body, ec);
  if (ec || !v.is_object()) return std::nullopt;
  const json::object& root = v.as_object();
  const json::value* data = root.if_contains("data");
  const json::value* object = data && data->is_object() ? data->as_object().if_contains("object")
                                                        : nullptr;
  if (object == nullptr || !object->is_object()) return std::nullopt;
  const json::object& o = object->as_object();
  WebhookEvent e;
  e.id = str_of(root, "id");
  e.type = str_of(root, "type");
  e.created = int_of(root, "created");
  e.object_id = str_of(o, "id");
  const bool refund = str_of(o, "object") == "refund";
  e.intent_id = refund ? str_of(o, "payment_intent") : e.object_id;
  e.amount = refund ? int_of(o, "amount") : int_of(o, "amount_captured");
  e.currency = str_of(o, "currency");
  e.customer_id = parse_id(str_of(o, "customer")).value_or(0);
  e.reference = str_of(o, "reference");
  e.status = refund ? std::string() : str_of(o, "status");
  if (e.id.empty() || e.id.size() > 100 || e.type.empty() || e.object_id.empty()) {
    return std::nullopt;
  }
  return e;
}

}  // namespace

WebhookReceiver::WebhookReceiver(db::Database& db, const Clock& clock, std::string secret,
                                 std::int64_t tolerance_seconds)
    : db_(db), clock_(clock), secret_(std::move(secret)), tolerance_s_(tolerance_seconds) {}

void WebhookReceiver::on(std::string type, WebhookHandler handler) {
  handlers_[std::move(type)].push_back(std::move(handler));
}

Result<WebhookResult> WebhookReceiver::receive(std::string_view signature_header,
                                               std::string_view body) {
  const SignatureCheck check =
      verify_webhook(secret_, signature_header, body, clock_.now_ms() / 1000, tolerance_s_);
  if (check.error == SignatureError::kStale) {
    return WebhookResult{WebhookOutcome::kStale, check.detail, {}};
  }
  if (!check.ok()) return WebhookResult{WebhookOutcome::kBadSignature, check.detail, {}};
  auto event = parse_event(body);
  if (!event) {
    return WebhookResult{WebhookOutcome::kMalformed, "not a payment event: needs id, type and"
                                                     " data.object with an id", {}};
  }
  auto outcome = db_.transact_result([&](db::Conn& c) -> Result<WebhookOutcome> {
    RIFF_ASSIGN_OR_RETURN(std::int64_t fresh,
                          c.exec("INSERT INTO payments_webhook_events (event_id, type, received_at)"
                                 " VALUES ($1, $2, $3) ON CONFLICT (event_id) DO NOTHING",
                                 {event->id, event->type, clock_.now_ms()}));
    if (fresh == 0) return WebhookOutcome::kReplayed;
    if (auto it = handlers_.find(event->type); it != handlers_.end()) {
      for (const auto& handler : it->second) {
        RIFF_RETURN_IF_ERROR(handler(c, *event).with_context(event->type));
      }
    }
    return WebhookOutcome::kProcessed;
  });
  if (!outcome) return outcome.status();
  return WebhookResult{*outcome,
                       *outcome == WebhookOutcome::kReplayed
                           ? "event " + event->id + " was already processed"
                           : std::string(),
                       event->id};
}

}  // namespace riff::payments
