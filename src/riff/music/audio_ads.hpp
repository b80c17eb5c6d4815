#pragma once
// The free tier's audio ads: an inventory admins manage, the "every N
// tracks" rule, serving an ad to a listener and recording that it was heard.
//
// - A free listener's counted plays raise a per-listener counter
//   (music_ad_listeners, so every node and a restart see the same count);
//   a play report says an ad is due once the counter reaches
//   music.ad_every_tracks. Premium plays never count and premium listeners
//   are never served ads.
// - next_for() serves an ad only while one is due; it issues a random token
//   (stored as a hash) and voids the listener's earlier unheard tokens, so a
//   break has exactly one token that can be recorded.
// - record_impression() counts a token once: the first report marks it
//   heard and resets the counter; a replay changes nothing; a forged,
//   expired or someone else's token is refused.
// - Ad audio goes through the catalog's probe (a `riffd music probe` child:
//   decode, loudness, AAC tiers); the 160 kbit/s file is what listeners get.
//
// Thread-safe: holds no mutable state besides its dependencies.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "riff/core/clock.hpp"
#include "riff/core/ids.hpp"
#include "riff/core/status.hpp"
#include "riff/db/database.hpp"
#include "riff/music/availability.hpp"
#include "riff/music/importer.hpp"
#include "riff/music/model.hpp"
#include "riff/music/subscriptions.hpp"

namespace riff::music {

/// A served token may be recorded for this long after it was served.
inline constexpr std::int64_t kAdTokenTtlMs = 3'600'000;
/// Ads are short: longer audio is refused at upload.
inline constexpr std::int64_t kMaxAdDurationMs = 120'000;

enum class AdStatus { kActive, kPaused };
std::string_view ad_status_name(AdStatus s);
std::optional<AdStatus> parse_ad_status(std::string_view s);

struct AudioAd {
  Id id = 0;
  std::string title;
  std::string advertiser;
  std::string click_url;  // "" = none
  std::optional<std::int64_t> starts_at;
  std::optional<std::int64_t> ends_at;
  std::string countries;  // canonical territories (availability.hpp); "" = everywhere
  AdStatus status = AdStatus::kActive;
  bool has_audio = false;
  std::int64_t duration_ms = 0;
  std::optional<double> loudness_lufs;
  std::int64_t created_at = 0;
  std::int64_t updated_at = 0;
  std::int64_t impressions = 0;  // heard tokens
};

/// What an admin sets; every field optional on edit.
struct AudioAdFields {
  std::optional<std::string> title;
  std::optional<std::string> advertiser;
  std::optional<std::string> click_url;
  std::optional<std::optional<std::int64_t>> starts_at;  // set to nullopt = no start
  std::optional<std::optional<std::int64_t>> ends_at;
  std::optional<std::string> countries;
  std::optional<AdStatus> status;
};

/// Checks `f` and normalises it in place (countries to canonical form);
/// kInvalid names every bad field ("/title", "/click_url", ...).
Status check_ad_fields(AudioAdFields& f, bool creating);

struct ServedAd {
  AudioAd ad;
  std::string token;
};

struct ImpressionOutcome {
  bool counted = false;  // false: this token was already recorded
  Id ad_id = 0;
};

/// The rule: true when a listener on `plan` who has had `plays_since_ad`
/// counted plays since their last heard ad is due one. Never for premium;
/// never when `every_tracks` <= 0 (ads off).
bool ad_due(Plan plan, std::int64_t plays_since_ad, int every_tracks);

/// True when `ad` may be served at `now_ms` to someone in `country`.
bool ad_runs(const AudioAd& ad, std::int64_t now_ms, std::string_view country);

/// Counts one counted play of `user_id` on `plan` inside the caller's
/// transaction and says whether an ad is now due. Premium plays leave the
/// counter alone.
Result<bool> count_play_for_ads(db::Conn& c, Id user_id, Plan plan, int every_tracks,
                                std::int64_t now_ms);

struct AudioAdOptions {
  std::filesystem::path ads_dir;  // <data_dir>/music/ads: <id>.m4a
  int every_tracks = 3;
  ProbeRunner probe;  // decodes and transcodes uploaded audio in a child
};

class AudioAds {
 public:
  AudioAds(db::Database& db, IdGenerator& ids, const Clock& clock, Subscriptions& subscriptions,
           Availability& availability, AudioAdOptions options);

  int every_tracks() const { return options_.every_tracks; }

  /// A new ad without audio (not served until attach_audio()). kInvalid
  /// names the bad field. `admin_id` 0: made by the server (demo content).
  Result<AudioAd> create(Id admin_id, const AudioAdFields& fields);
  Result<AudioAd> edit(Id ad_id, const AudioAdFields& fields);
  Result<AudioAd> get(Id ad_id);
  /// Ads newest first, after the ad `before` (0 = from the newest), with
  /// their impression counts: the admin's report.
  Result<std::vector<AudioAd>> list(Id before, int limit);

  /// Probes `file` in a child, keeps its 160 kbit/s AAC as the ad's audio.
  /// kInvalid (field "audio") for what is not audio, silent, or too long.
  Result<AudioAd> attach_audio(Id ad_id, const std::filesystem::path& file);
  /// Where uploads are written before attach_audio() reads them.
  std::filesystem::path upload_dir() const { return options_.ads_dir / "tmp"; }
  /// The ad's audio file; kNotFound when it has none.
  Result<std::filesystem::path> audio_path(Id ad_id);

  /// Counted plays since the listener's last heard ad.
  Result<std::int64_t> plays_since_ad(Id user_id);

  /// An ad for `user_id` when one is due and one runs in their region;
  /// nullopt otherwise (always for premium).
  Result<std::optional<ServedAd>> next_for(Id user_id);

  /// Records that `user_id` heard the ad behind `token`. kForbidden for a
  /// premium listener; kInvalid for a token that is unknown, someone
  /// else's, voided by a later serve, or expired.
  Result<ImpressionOutcome> record_impression(Id user_id, std::string_view token);

 private:
  db::Database& db_;
  IdGenerator& ids_;
  const Clock& clock_;
  Subscriptions& subscriptions_;
  Availability& availability_;
  AudioAdOptions options_;
};

}  // namespace riff::music
