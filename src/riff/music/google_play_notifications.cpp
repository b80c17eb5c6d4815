// Google Play Real-time Developer Notifications through a Pub/Sub push:
// authenticate the push's bearer JWT, decode the message, map the
// notification to a subscription event, record and apply it
// (store_notifications.hpp).

#include "riff/music/store_notifications.hpp"

namespace riff::music {

namespace json = boost::json;

namespace {

// SubscriptionNotification.notificationType values.
enum GoogleType : std::int64_t {
  kRecovered = 1,
  kRenewed = 2,
  kCanceled = 3,
  kPurchased = 4,
  kOnHold = 5,
  kInGracePeriod = 6,
  kRestarted = 7,
  kDeferred = 9,
  kPaused = 10,
  kRevoked = 12,
  kExpired = 13,
};

}  // namespace

std::optional<SubEvent> google_play_event(const json::object& n, std::int64_t now_ms) {
  using K = SubEvent::Kind;
  SubEvent e;
  e.source = SubSource::kGooglePlay;
  const std::int64_t at = json_int(n, "eventTimeMillis").value_or(now_ms);
  if (const auto* v = n.if_contains("voidedPurchaseNotification"); v && v->is_object()) {
    e.kind = K::kRefund;
    e.original_transaction_id = json_string(v->as_object(), "purchaseToken");
    return e;
  }
  const auto* sn = n.if_contains("subscriptionNotification");
  if (!sn || !sn->is_object()) return std::nullopt;
  const json::object& s = sn->as_object();
  e.original_transaction_id = json_string(s, "purchaseToken");
  e.product_id = json_string(s, "subscriptionId");
  const auto paid_until = [&] {
    return json_int(s, "riffExpiryTimeMillis").value_or(at + kDefaultStorePeriodMs);
  };
  switch (json_int(s, "notificationType").value_or(0)) {
    case kPurchased:
      e.kind = K::kPurchase;
      e.period_end_ms = paid_until();
      break;
    case kRecovered:
    case kRenewed:
    case kDeferred:
      e.kind = K::kRenew;
      e.period_end_ms = paid_until();
      break;
    case kCanceled:
      e.kind = K::kAutoRenewOff;
      break;
    case kRestarted:
      e.kind = K::kAutoRenewOn;
      break;
    case kOnHold:  // payment failed and there is no grace period here
    case kPaused:
    case kExpired:
      e.kind = K::kExpire;
      break;
    case kRevoked:
      e.kind = K::kRefund;
      break;
    case kInGracePeriod:
    default:
      return std::nullopt;
  }
  return e;
}

Result<NotificationOutcome> StoreNotifications::google_play(std::string_view bearer_token,
                                                            const json::value& body) {
  if (!options_.google_push_key) {
    return Status::unavailable("Google Play notifications are not configured.");
  }
  RIFF_RETURN_IF_ERROR(verify_jwt(bearer_token, *options_.google_push_key,
                                  options_.google_push_audience, clock_.now_ms() / 1000)
                           .status());
  const auto* message = body.is_object() ? body.as_object().if_contains("message") : nullptr;
  if (!message || !message->is_object()) {
    return Status::invalid("/message", "a Pub/Sub push message is required");
  }
  const json::object& m = message->as_object();
  const std::string message_id = json_string(m, "messageId");
  if (message_id.empty() || message_id.size() > 128) {
    return Status::invalid("/message/messageId", "required");
  }
  auto data = base64_decode(json_string(m, "data"));
  boost::system::error_code ec;
  json::value decoded = data ? json::parse(*data, ec) : json::value();
  if (!data || ec || !decoded.is_object()) {
    return Status::invalid("/message/data", "base64 of a developer notification");
  }
  const json::object& n = decoded.as_object();
  if (!options_.google_package_name.empty() &&
      json_string(n, "packageName") != options_.google_package_name) {
    return Status::invalid("/message/data", "the notification is for another app");
  }
  std::string type = "test";
  std::string account_token;
  std::string purchase_token;
  if (const auto* sn = n.if_contains("subscriptionNotification"); sn && sn->is_object()) {
    type = std::to_string(json_int(sn->as_object(), "notificationType").value_or(0));
    account_token = json_string(sn->as_object(), "obfuscatedExternalAccountId");
    purchase_token = json_string(sn->as_object(), "purchaseToken");
  } else if (const auto* v = n.if_contains("voidedPurchaseNotification"); v && v->is_object()) {
    type = "voided";
    purchase_token = json_string(v->as_object(), "purchaseToken");
  }
  return record(SubSource::kGooglePlay, message_id, type, account_token, purchase_token,
                google_play_event(n, clock_.now_ms()));
}

}  // namespace riff::music
