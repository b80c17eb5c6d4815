#pragma once
// riff Music subscriptions: one row per listener with a plan, a status and a
// paid-up period, fed by an admin grant, the App Store or Google Play.
//
// The rules are a pure state machine (apply_event) plus one question,
// effective_plan(): premium holds only while the subscription is active or
// cancelled (auto-renew off) and now < current_period_end. There is no grace
// period. Expired, refunded and revoked subscriptions are free at once.
// Every caller that asks "is this listener premium?" (tier choice, ads,
// offline licences, the plan recorded with a play) goes through
// Subscriptions::effective_plan.
//
// Thread-safe: Subscriptions holds no mutable state besides its dependencies.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "riff/core/clock.hpp"
#include "riff/core/ids.hpp"
#include "riff/core/status.hpp"
#include "riff/db/database.hpp"
#include "riff/music/model.hpp"

namespace riff::music {

enum class SubStatus { kActive, kCancelled, kExpired, kRefunded };
enum class SubSource { kAdmin, kAppStore, kGooglePlay };

std::string_view sub_status_name(SubStatus s);
std::optional<SubStatus> parse_sub_status(std::string_view s);
std::string_view sub_source_name(SubSource s);
std::optional<SubSource> parse_sub_source(std::string_view s);

struct Subscription {
  Plan plan = Plan::kFree;
  SubStatus status = SubStatus::kExpired;
  SubSource source = SubSource::kAdmin;
  std::optional<std::int64_t> period_end_ms;  // nullopt: no end (an admin grant without days)
  bool auto_renew = false;
  std::string original_transaction_id;  // the store's id for the purchase chain
  std::string product_id;
  std::int64_t updated_at = 0;
};

/// What happened to a subscription, from whichever source.
struct SubEvent {
  enum class Kind {
    kPurchase,      // a new (or re-)purchase: active, auto-renew on
    kRenew,         // a paid renewal: the period moves to period_end_ms
    kAutoRenewOff,  // the listener cancelled: premium lasts to the period end
    kAutoRenewOn,   // the listener changed their mind before it ended
    kExpire,        // the store says the period ended without renewal
    kRefund,        // money returned or access revoked: premium ends now
  };
  Kind kind = Kind::kPurchase;
  SubSource source = SubSource::kAdmin;
  std::optional<std::int64_t> period_end_ms;
  std::string original_transaction_id;
  std::string product_id;
};

/// The subscription after `event` at `now_ms`. Pure; `current` is nullopt
/// for a listener who never subscribed. Renewals never shorten a period;
/// a renewal without a subscription starts one (stores do not promise
/// order); other events on a listener without one leave nothing (nullopt).
std::optional<Subscription> apply_event(const std::optional<Subscription>& current,
                                        const SubEvent& event, std::int64_t now_ms);

/// The plan `sub` gives at `now_ms`: premium only while active or cancelled
/// and before the period end.
Plan effective_plan(const std::optional<Subscription>& sub, std::int64_t now_ms);

/// The status to show at `now_ms`: an active or cancelled subscription whose
/// period is over reads as expired.
SubStatus effective_status(const Subscription& sub, std::int64_t now_ms);

class Subscriptions {
 public:
  Subscriptions(db::Database& db, const Clock& clock);

  /// The listener's subscription row, nullopt when there is none.
  Result<std::optional<Subscription>> get(Id user_id);
  Result<std::optional<Subscription>> get(db::Conn& c, Id user_id);

  /// The one answer to "is this listener premium right now?".
  Result<Plan> effective_plan(Id user_id);

  /// Applies `event` to the listener's row inside `c` (the caller's
  /// transaction, so a store notification and its de-duplication commit
  /// together). Returns the new state.
  Result<std::optional<Subscription>> apply(db::Conn& c, Id user_id, const SubEvent& event);

  /// An admin grant of premium until `period_end_ms` (nullopt: no end), or
  /// with `plan` free, the end of whatever the listener had.
  Result<std::optional<Subscription>> admin_set(Id user_id, Plan plan,
                                                std::optional<std::int64_t> period_end_ms);

  /// The listener turns auto-renew off; premium lasts to the period end.
  /// kNotFound without a live subscription; kConflict for one the stores
  /// bill (those are cancelled in the store, which then notifies riff).
  Result<Subscription> cancel(Id user_id);

  /// The listener's stable store account token (a UUID the apps pass as
  /// appAccountToken / obfuscatedExternalAccountId), made on first use.
  Result<std::string> account_token(Id user_id);
  /// The listener holding `token`, nullopt when none does.
  Result<std::optional<Id>> user_for_token(db::Conn& c, std::string_view token);
  /// The listener whose subscription has `original_transaction_id` from `source`.
  Result<std::optional<Id>> user_for_transaction(db::Conn& c, SubSource source,
                                                 std::string_view original_transaction_id);

 private:
  db::Database& db_;
  const Clock& clock_;
};

}  // namespace riff::music
