// App Store Server Notifications V2: verify the signed payload and its
// signed transaction and renewal infos, map the notification type to a
// subscription event, record and apply it (store_notifications.hpp).

#include "riff/music/store_notifications.hpp"

namespace riff::music {

namespace json = boost::json;

std::optional<SubEvent> app_store_event(const json::object& payload,
                                        const json::object& transaction,
                                        const std::optional<json::object>& renewal) {
  using K = SubEvent::Kind;
  const std::string type = json_string(payload, "notificationType");
  const std::string subtype = json_string(payload, "subtype");
  SubEvent e;
  e.source = SubSource::kAppStore;
  e.period_end_ms = json_int(transaction, "expiresDate");
  e.original_transaction_id = json_string(transaction, "originalTransactionId");
  e.product_id = json_string(transaction, "productId");
  if (type == "SUBSCRIBED") {
    e.kind = K::kPurchase;
  } else if (type == "DID_RENEW") {
    e.kind = K::kRenew;
  } else if (type == "DID_CHANGE_RENEWAL_STATUS") {
    if (subtype == "AUTO_RENEW_DISABLED") {
      e.kind = K::kAutoRenewOff;
    } else if (subtype == "AUTO_RENEW_ENABLED") {
      e.kind = K::kAutoRenewOn;
    } else if (renewal) {
      e.kind = json_int(*renewal, "autoRenewStatus") == 1 ? K::kAutoRenewOn : K::kAutoRenewOff;
    } else {
      return std::nullopt;
    }
  } else if (type == "EXPIRED" || type == "GRACE_PERIOD_EXPIRED") {
    e.kind = K::kExpire;
  } else if (type == "REFUND" || type == "REVOKE") {
    e.kind = K::kRefund;
  } else {
    return std::nullopt;
  }
  if ((e.kind == K::kPurchase || e.kind == K::kRenew) && !e.period_end_ms) return std::nullopt;
  return e;
}

Result<NotificationOutcome> StoreNotifications::app_store(std::string_view signed_payload) {
  if (!options_.app_store_root) {
    return Status::unavailable("App Store notifications are not configured.");
  }
  const TrustedRoot& root = *options_.app_store_root;
  const std::int64_t now_s = clock_.now_ms() / 1000;
  RIFF_ASSIGN_OR_RETURN(json::object payload, verify_x5c_jws(signed_payload, root, now_s));
  const std::string uuid = json_string(payload, "notificationUUID");
  const std::string type = json_string(payload, "notificationType");
  if (uuid.empty() || uuid.size() > 64 || type.empty() || type.size() > 64) {
    return Status::invalid("/signedPayload", "notificationUUID and notificationType are required");
  }
  const auto* data = payload.if_contains("data");
  json::object transaction;
  std::optional<json::object> renewal;
  if (data && data->is_object()) {
    const json::object& d = data->as_object();
    if (!options_.app_store_bundle_id.empty() &&
        json_string(d, "bundleId") != options_.app_store_bundle_id) {
      return Status::invalid("/signedPayload", "the notification is for another app");
    }
    if (auto tx = json_string(d, "signedTransactionInfo"); !tx.empty()) {
      RIFF_ASSIGN_OR_RETURN(transaction, verify_x5c_jws(tx, root, now_s));
    }
    if (auto rn = json_string(d, "signedRenewalInfo"); !rn.empty()) {
      RIFF_ASSIGN_OR_RETURN(renewal, verify_x5c_jws(rn, root, now_s));
    }
  }
  return record(SubSource::kAppStore, uuid, type, json_string(transaction, "appAccountToken"),
                json_string(transaction, "originalTransactionId"),
                app_store_event(payload, transaction, renewal));
}

}  // namespace riff::music
