#pragma once
// Purchases through the app stores: App Store Server Notifications V2 and
// Google Play Real-time Developer Notifications, verified, de-duplicated and
// applied to the listener's subscription.
//
// - App Store (app_store_notifications.cpp): `signedPayload` is a JWS whose
//   x5c chain must end at the configured root; the nested
//   signedTransactionInfo / signedRenewalInfo are verified the same way.
//   The listener is the one whose account token is the transaction's
//   appAccountToken, else the one whose subscription has its
//   originalTransactionId.
// - Google Play (google_play_notifications.cpp): the Pub/Sub push must carry
//   a Bearer JWT signed by the configured key for the configured audience.
//   There is no Play Developer API here, so the period end comes from the
//   notification: `riffExpiryTimeMillis` in subscriptionNotification when
//   present, else eventTimeMillis + kDefaultStorePeriodMs. The listener is
//   the one whose account token is `obfuscatedExternalAccountId`, else the
//   one whose subscription has the purchaseToken.
//
// Each notification is recorded in music_store_notifications (source + id:
// notificationUUID / messageId) in the same transaction that changes the
// subscription, so a replay changes nothing and a crash loses nothing.
// A notification for no known listener is recorded and acknowledged (the
// stores retry anything else for days). Forged or altered ones change
// nothing and are refused (kUnauthenticated).
//
// Thread-safe: immutable after construction besides the database.

#include <boost/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "riff/core/clock.hpp"
#include "riff/core/status.hpp"
#include "riff/db/database.hpp"
#include "riff/music/jws.hpp"
#include "riff/music/subscriptions.hpp"

namespace riff::music {

/// The period a Google Play purchase or renewal buys when the notification
/// does not say (the Play Developer API would): 30 days.
inline constexpr std::int64_t kDefaultStorePeriodMs = 30LL * 86'400'000;

struct StoreOptions {
  std::optional<TrustedRoot> app_store_root;  // unset: the App Store webhook answers 503
  std::string app_store_bundle_id;            // when set, notifications for others are refused
  std::optional<VerifyKey> google_push_key;   // unset: the Google Play webhook answers 503
  std::string google_push_audience;
  std::string google_package_name;  // when set, notifications for others are refused
};

struct NotificationOutcome {
  std::string type;          // the store's notification type, e.g. "DID_RENEW" or "2"
  bool duplicate = false;    // seen before: nothing changed
  bool applied = false;      // a listener's subscription changed
  std::optional<Id> user_id;
};

/// What an App Store notification does, from its verified parts; nullopt
/// for types that change nothing (e.g. DID_FAIL_TO_RENEW: premium then ends
/// with the period, there is no grace period).
std::optional<SubEvent> app_store_event(const boost::json::object& payload,
                                        const boost::json::object& transaction,
                                        const std::optional<boost::json::object>& renewal);

/// What a Google Play developer notification (the decoded `data`) does, at
/// `now_ms` when it carries no event time.
std::optional<SubEvent> google_play_event(const boost::json::object& notification,
                                          std::int64_t now_ms);

class StoreNotifications {
 public:
  StoreNotifications(db::Database& db, const Clock& clock, Subscriptions& subscriptions,
                     StoreOptions options);

  /// An App Store Server Notification V2 `signedPayload`. kUnauthenticated
  /// for a bad signature or chain, kInvalid for a malformed payload,
  /// kUnavailable when no root is configured.
  Result<NotificationOutcome> app_store(std::string_view signed_payload);

  /// A Google Play RTDN Pub/Sub push: the Authorization header's bearer
  /// token and the JSON body. Errors as app_store().
  Result<NotificationOutcome> google_play(std::string_view bearer_token,
                                          const boost::json::value& body);

 private:
  /// Records the notification and applies `event` to the listener found by
  /// `account_token` or `transaction_id`, in one transaction.
  Result<NotificationOutcome> record(SubSource source, const std::string& notification_id,
                                     const std::string& type, const std::string& account_token,
                                     const std::string& transaction_id,
                                     const std::optional<SubEvent>& event);

  db::Database& db_;
  const Clock& clock_;
  Subscriptions& subscriptions_;
  StoreOptions options_;
};

/// `o[key]` as a string ("" when absent or not a string).
std::string json_string(const boost::json::object& o, std::string_view key);
/// `o[key]` as an integer from a JSON number or a decimal string.
std::optional<std::int64_t> json_int(const boost::json::object& o, std::string_view key);

}  // namespace riff::music
