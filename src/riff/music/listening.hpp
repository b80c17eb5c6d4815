#pragma once
// Listening: who may hear what at which quality, and what was heard.
//
// - A listener's plan (Subscriptions::effective_plan) caps the tier: a free listener never receives
// bytes above 160 kbit/s.
// - Plays count only when the listener reports them, at 30 seconds or the
//   end of the track; a stream request never counts. Counted plays are kept
//   (with the plan at the time) for the charts.
// - Stars: saved tracks, albums and artists.
//
// Thread-safe: holds no mutable state besides its dependencies.

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "riff/core/clock.hpp"
#include "riff/core/ids.hpp"
#include "riff/core/status.hpp"
#include "riff/db/database.hpp"
#include "riff/music/catalog.hpp"
#include "riff/music/model.hpp"
#include "riff/music/subscriptions.hpp"

namespace riff::music {

/// Reported listening counts as a play at this much, or at the end.
inline constexpr std::int64_t kPlayThresholdMs = 30'000;
/// How close to the end counts as "the end" (clients report in steps).
inline constexpr std::int64_t kEndSlackMs = 2'000;

/// True when `ms_played` of a track lasting `duration_ms` is a play.
bool counts_as_play(std::int64_t ms_played, std::int64_t duration_ms);

struct StreamChoice {
  std::filesystem::path path;
  int kbps = 0;
};

struct PlayOutcome {
  bool counted = false;
  std::int64_t play_count = 0;  // the track's, after this report
  bool ad_due = false;          // a free listener is due an audio ad (audio_ads.hpp)
};

enum class StarKind { kTrack, kAlbum, kArtist };

/// "track", "album" or "artist", as stored in music_stars.kind.
std::string_view star_kind_name(StarKind k);

struct Starred {
  std::vector<Id> artists, albums, tracks;
};

class Listening {
 public:
  /// `ad_every_tracks`: a free listener is due an ad after this many
  /// counted plays since their last heard one (0 = no ads).
  Listening(db::Database& db, IdGenerator& ids, const Clock& clock, Catalog& catalog,
            Subscriptions& subscriptions, int ad_every_tracks = 0);

  /// The listener's plan right now (Subscriptions::effective_plan).
  Result<Plan> plan(Id user_id) { return subscriptions_.effective_plan(user_id); }

  /// The tier file `user_id` gets for `track_id` when asking for
  /// `requested_kbps` (0 = the best allowed). kNotFound for an unknown
  /// track; kConflict when the track has no streaming tiers.
  Result<StreamChoice> stream(Id user_id, Id track_id, int requested_kbps);

  /// The tiers `user_id` may stream `track_id` at (those within the plan's
  /// cap), lowest first; empty when the track has none.
  Result<std::vector<int>> allowed_tiers(Id user_id, Id track_id);

  /// Records a reported play; counts it by counts_as_play(). `source` says
  /// where it came from ("api", "subsonic"). A counted play of a free
  /// listener also counts toward their next audio ad, in the same transaction.
  Result<PlayOutcome> report_play(Id user_id, Id track_id, std::int64_t ms_played,
                                  const std::string& source);
  /// A Subsonic scrobble submission: the client decided it was a play.
  Result<PlayOutcome> record_play(Id user_id, Id track_id, std::int64_t ms_played,
                                  const std::string& source);

  Status star(Id user_id, StarKind kind, Id item_id);
  Status unstar(Id user_id, StarKind kind, Id item_id);
  Result<Starred> starred(Id user_id);

  /// One saved item of the listener's library.
  struct SavedItem {
    Id item_id = 0;
    std::int64_t saved_at = 0;
  };
  struct SavedPage {
    std::vector<SavedItem> items;
    std::optional<std::string> next_cursor;
  };
  /// The listener's saved items of one kind, newest saved first (ties by
  /// item id, highest first). Whether each item is still available is the
  /// caller's to check. kInvalid for a cursor this list did not make.
  Result<SavedPage> saved(Id user_id, StarKind kind, int limit,
                          const std::optional<std::string>& cursor);
  /// Which of `item_ids` the listener saved (one query).
  Result<std::unordered_set<Id>> saved_among(Id user_id, StarKind kind,
                                             const std::vector<Id>& item_ids);

  /// One track a listener played, at its latest play.
  struct RecentPlay {
    Id track_id = 0;
    std::int64_t played_at = 0;
  };
  struct RecentPage {
    std::vector<RecentPlay> items;
    std::optional<std::string> next_cursor;
  };
  /// The listener's counted plays, each track once at its latest play,
  /// newest first.
  Result<RecentPage> recently_played(Id user_id, int limit, const std::optional<std::string>& cursor);

 private:
  db::Database& db_;
  IdGenerator& ids_;
  const Clock& clock_;
  Catalog& catalog_;
  Subscriptions& subscriptions_;
  int ad_every_tracks_;
};

}  // namespace riff::music
