#pragma once
// riff Music's plain types: the catalog (artists, albums, tracks), plans and
// the quality tiers a track is streamed at. No I/O here.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "riff/core/ids.hpp"

namespace riff::music {

/// The AAC bit rates (kbit/s) every imported track is transcoded to, lowest first.
inline constexpr int kTiers[] = {96, 160, 320};
/// The loudness every client normalises to (ReplayGain-style gains aim here).
inline constexpr double kTargetLufs = -14.0;

enum class Plan { kFree = 0, kPremium = 1 };
std::string_view plan_name(Plan p);
std::optional<Plan> parse_plan(std::string_view s);
/// The highest tier a plan may receive: free 160, premium 320.
int max_tier(Plan p);
/// The tier to serve: the highest of `available` that is at most both
/// `requested` (0 = no preference) and the plan's cap; nullopt when none is.
std::optional<int> choose_tier(Plan plan, int requested, const std::vector<int>& available);

/// The gain (dB) that brings `lufs` to kTargetLufs.
double gain_to_target(double lufs);
/// The loudness of tracks played one after another: the energy mean of their
/// integrated loudness weighted by duration. (Exact album loudness would gate
/// the concatenated audio; tracks are measured one per child process, so this
/// is the usual approximation.)
double combined_loudness(const std::vector<std::pair<double, std::int64_t>>& lufs_and_ms);

/// "96,160,320" <-> {96,160,320}.
std::string tiers_to_text(const std::vector<int>& tiers);
std::vector<int> tiers_from_text(std::string_view text);

/// What a gapless player needs about one tier: the AAC encoder's priming
/// samples (the MP4's edit list skips them) and the silence it appended to
/// fill the last frame.
struct TierGapless {
  int kbps = 0;
  std::int64_t encoder_delay_samples = 0;
  std::int64_t padding_samples = 0;
};
/// "96:1024:820,160:1024:820" <-> tiers' gapless data; bad entries are skipped.
std::string gapless_to_text(const std::vector<TierGapless>& tiers);
std::vector<TierGapless> gapless_from_text(std::string_view text);

struct Artist {
  Id id = 0;
  std::string name;
  std::int64_t album_count = 0;
  std::int64_t track_count = 0;
};

struct Album {
  Id id = 0;
  std::string title;
  Id artist_id = 0;
  std::string artist_name;
  std::int64_t year = 0;
  std::string genre;
  bool has_cover = false;
  std::optional<double> loudness_lufs;
  std::optional<double> peak_dbtp;
  std::int64_t track_count = 0;
  std::int64_t duration_ms = 0;
  std::int64_t created_at = 0;
  std::int64_t play_count = 0;
};

struct Track {
  Id id = 0;
  std::string title;
  Id album_id = 0;
  std::string album_title;
  Id artist_id = 0;                                 // the first credited artist
  std::string artist_name;                          // every credited artist, as displayed ("A, B")
  std::vector<std::pair<Id, std::string>> artists;  // filled by Catalog::track() only
  std::int64_t track_no = 0;
  std::int64_t disc_no = 0;
  std::int64_t year = 0;
  std::string genre;
  std::string isrc;
  std::int64_t duration_ms = 0;
  std::int64_t sample_rate = 0;
  std::int64_t channels = 0;
  std::int64_t bit_rate = 0;  // of the source, bit/s
  std::string suffix;         // of the source ("flac", "mp3", ...)
  std::int64_t size = 0;      // of the source
  std::optional<double> loudness_lufs;
  std::optional<double> true_peak_dbtp;
  std::optional<double> album_loudness_lufs;
  std::optional<double> album_peak_dbtp;
  std::vector<int> tiers;
  std::string territories;  // ISO 3166 codes separated by ',', empty = everywhere
  bool has_cover = false;
  std::int64_t play_count = 0;
  std::int64_t created_at = 0;
  std::optional<Id> sound_id;  // the catalog sound videos use this song as
  std::optional<Id> label_id;  // the label that owns it (uploaded it)
  std::int64_t duration_samples = 0;  // at kTierSampleRate; 0 = not measured yet
  std::vector<TierGapless> gapless;

  std::optional<double> track_gain_db() const;
  std::optional<double> album_gain_db() const;
};

}  // namespace riff::music
