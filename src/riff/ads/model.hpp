#pragma once
// Plain types of brand ads: campaigns, the advertiser's funding, and the
// signed tokens a sponsored card carries so that its impressions and taps
// can be reported (and charged) once.
//
// Money is integer minor units. A campaign bids `cpm_bid` minor units per
// 1000 impressions, so one impression costs cpm_bid thousandths of a minor
// unit: spend is counted in those thousandths ("micros") and billed to the
// ledger in whole minor units as it accrues.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "riff/core/ids.hpp"
#include "riff/core/status.hpp"

namespace riff::ads {

/// Stored as integers; keep the numbers stable.
enum class CampaignStatus { kActive = 0, kPaused = 1, kEnded = 2, kExhausted = 3 };
std::string_view to_string(CampaignStatus s);
std::optional<CampaignStatus> parse_campaign_status(std::string_view s);

struct Campaign {
  Id id = 0;
  Id advertiser_id = 0;
  std::string name;
  Id video_id = 0;                // the creative: one of the advertiser's videos
  std::optional<Id> product_id;   // the product it sells, if any (shown on the video)
  std::string currency;
  std::int64_t budget = 0;        // minor units, the most it may ever spend
  std::int64_t cpm_bid = 0;       // minor units per 1000 impressions
  std::int64_t cpc_bid = 0;       // minor units per tap (0: taps are free)
  std::vector<std::string> countries;  // ISO codes; empty: everywhere
  std::vector<std::string> hashtags;   // lower case, no '#'; empty: everyone
  CampaignStatus status = CampaignStatus::kActive;
  std::int64_t starts_at = 0;
  std::optional<std::int64_t> ends_at;
  std::int64_t spent_micros = 0;  // thousandths of a minor unit
  std::int64_t billed = 0;        // minor units posted to the ledger (= spent_micros / 1000)
  std::int64_t impressions = 0;
  std::int64_t taps = 0;
  std::int64_t created_at = 0;

  std::int64_t spent() const { return spent_micros / 1000; }
  /// A smoothed tap rate: (taps + 1) / (impressions + 50), i.e. a 2% prior
  /// that the campaign's own record overrides as it accrues.
  double predicted_engagement() const {
    return (static_cast<double>(taps) + 1.0) / (static_cast<double>(impressions) + 50.0);
  }
};

/// Checks a campaign as an advertiser writes it and normalises its
/// targeting (countries upper case, hashtags lower case without '#').
Result<Campaign> validate_campaign(Campaign c);

enum class AdEventKind { kImpression = 0, kTap = 1 };

/// What a sponsored card's token says; signed with riff's ads key.
struct AdToken {
  Id campaign_id = 0;
  Id video_id = 0;
  Id viewer_id = 0;  // 0: an anonymous viewer
  std::int64_t issued_at = 0;
  std::string nonce;  // 16 hex digits
};
std::string sign_token(const AdToken& t, std::string_view key);
/// nullopt when malformed or the signature does not match.
std::optional<AdToken> verify_token(std::string_view token, std::string_view key);

}  // namespace riff::ads
