#pragma once
// Brand ads: advertisers fund an ad budget with a card, run campaigns that
// promote one of their videos (and a product) with a budget, a CPM bid, an
// optional per-tap bid and targeting (countries, hashtags); the For You feed
// inserts sponsored videos at a capped rate, chosen by bid x predicted
// engagement; impressions and taps reported with the card's signed token
// charge the campaign through the ledger.
//
// Money: a card payment lands through the gateway's webhook as
// buyer_payments(advertiser) -> ad_budget(advertiser) ("adfunds:<id>").
// Spend accrues in thousandths of a minor unit and is billed in whole minor
// units, ad_budget(advertiser) -> ad_revenue, in the same transaction as
// the event that caused it. Spend never exceeds the campaign's budget (the
// event that would pass it is not charged and the campaign is marked
// exhausted) nor the advertiser's funds (ad_budget may not go negative: the
// event is recorded uncharged and the campaign is not served while the
// budget is empty).
//
// Thread-safe: holds no mutable state besides its dependencies.

#include <optional>
#include <string>
#include <vector>

#include "riff/ads/model.hpp"
#include "riff/core/clock.hpp"
#include "riff/db/database.hpp"
#include "riff/video/feed.hpp"

namespace riff::payments {
class PaymentGateway;
struct WebhookEvent;
}  // namespace riff::payments
namespace riff::ledger {
class Ledger;
}

namespace riff::ads {

struct AdOptions {
  int every_n = 5;           // at most one sponsored video per this many organic ones
  int frequency_cap = 3;     // impressions of one campaign per viewer per day
  std::int64_t token_ttl_ms = 86'400'000;  // a token must be reported within this
};

enum class FundingState { kPending = 0, kPaid = 1, kDeclined = 2 };

struct Funding {
  Id id = 0;
  Id advertiser_id = 0;
  std::int64_t amount = 0;
  std::string currency;
  FundingState state = FundingState::kPending;
  std::optional<std::string> decline_code;
  std::int64_t created_at = 0;
};

struct EventResult {
  bool counted = false;       // false: a replayed token
  std::int64_t charged = 0;   // thousandths of a minor unit
  std::string reason;         // why nothing was charged: "replay", "budget", "funds", "inactive"
};

class AdService {
 public:
  AdService(db::Database& db, IdGenerator& ids, const Clock& clock,
            payments::PaymentGateway& gateway, ledger::Ledger& ledger, std::string token_key,
            AdOptions options);

  /// Pays `amount` into the advertiser's ad budget with a card; one funding
  /// per (advertiser, Idempotency-Key). Paid when the gateway's webhook lands.
  Result<Funding> fund(Id advertiser_id, const std::string& idempotency_key, std::int64_t amount,
                       const std::string& currency, const std::string& payment_method);
  Result<std::vector<Funding>> fundings(Id advertiser_id);
  /// The advertiser's unspent ad budget in `currency`.
  Result<std::int64_t> balance(Id advertiser_id, const std::string& currency);
  /// The webhook handler of payment_intent.succeeded for "adfunds:<id>".
  Status payment_succeeded(db::Conn& c, const payments::WebhookEvent& e);

  /// kInvalid for a bad campaign, a video that is not the advertiser's own
  /// public ready video, or a product not of their shop.
  Result<Campaign> create(Id advertiser_id, Campaign c);
  Result<std::vector<Campaign>> campaigns(Id advertiser_id);
  Result<Campaign> campaign(Id advertiser_id, Id campaign_id);
  /// active <-> paused, or ended (for good). An exhausted campaign stays so.
  Result<Campaign> set_status(Id advertiser_id, Id campaign_id, CampaignStatus status);

  /// The feed's SponsoredPicker.
  Result<std::vector<video::SponsoredInsert>> pick(db::Conn& c, std::optional<Id> viewer,
                                                   const std::vector<video::VideoCard>& organic);
  /// Records an impression or a tap reported with a card's token, charging
  /// the campaign once per token and kind. kInvalid for a bad or expired
  /// token; kForbidden when a signed-in token is reported by someone else.
  Result<EventResult> record(std::optional<Id> reporter, const std::string& token, AdEventKind kind);

 private:
  db::Database& db_;
  IdGenerator& ids_;
  const Clock& clock_;
  payments::PaymentGateway& gateway_;
  ledger::Ledger& ledger_;
  std::string token_key_;
  AdOptions options_;
};

}  // namespace riff::ads
