#pragma once
// Radio: an endless-feeling list of tracks like a seed track, from
// co-listening.
//
// - Co-listeners are the listeners with a counted play of the seed (the
//   kRadioListeners most recent of them). A candidate track scores by how
//   many co-listeners played it, each counted once however often they
//   played it, normalised by how many listeners it has in all:
//   co / sqrt(listeners), the cosine of the two tracks' listener sets up to
//   the seed's constant. A hit everyone plays does not beat a track the
//   seed's listeners play and few others do.
// - Ties go to more co-listeners, then the lower track id: the same plays
//   always give the same radio.
// - When co-listening gives fewer than asked, the rest comes from the
//   seed's artist, then its genre, then the most played tracks (each most
//   played first). The seed itself is never in its radio.
// - Everything is filtered by the listener's region.
//
// Thread-safe: holds no mutable state besides its dependencies.

#include <cstdint>
#include <string_view>
#include <vector>

#include "riff/core/ids.hpp"
#include "riff/core/status.hpp"
#include "riff/db/database.hpp"
#include "riff/music/availability.hpp"
#include "riff/music/catalog.hpp"
#include "riff/music/model.hpp"

namespace riff::music {

/// How many of the seed's listeners (the most recent) radio looks at.
inline constexpr int kRadioListeners = 500;
inline constexpr int kRadioMaxTracks = 100;

/// Why a track is in a radio.
enum class RadioReason { kCoListening, kSameArtist, kSameGenre, kPopular };
std::string_view radio_reason_name(RadioReason r);

/// A candidate from co-listening: how many of the seed's listeners played
/// it, and how many listeners it has in all.
struct CoListened {
  Id track_id = 0;
  std::int64_t co_listeners = 0;
  std::int64_t listeners = 0;
};

/// Sorts `c` best first by the rule above.
void rank_co_listened(std::vector<CoListened>& c);

struct RadioTrack {
  Track track;
  RadioReason reason = RadioReason::kCoListening;
};

class Radio {
 public:
  Radio(db::Database& db, Catalog& catalog);

  /// Up to `limit` (1..kRadioMaxTracks) tracks for a radio from `seed_id`,
  /// best first. kNotFound for an unknown seed, kForbidden for one not
  /// available in `region` (as Catalog::track).
  Result<std::vector<RadioTrack>> tracks(Id seed_id, int limit, const Region& region);

  /// The co-listening candidates of `seed_id` available in `region`, ranked.
  Result<std::vector<CoListened>> co_listened(Id seed_id, const Region& region);

 private:
  db::Database& db_;
  Catalog& catalog_;
};

}  // namespace riff::music
