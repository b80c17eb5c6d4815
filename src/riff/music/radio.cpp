#include "riff/music/radio.hpp"

#include <algorithm>
#include <optional>
#include <unordered_set>

namespace riff::music {

std::string_view radio_reason_name(RadioReason r) {
  switch (r) {
    case RadioReason::kCoListening:
      return "co_listening";
    case RadioReason::kSameArtist:
      return "same_artist";
    case RadioReason::kSameGenre:
      return "same_genre";
    case RadioReason::kPopular:
      return "popular";
  }
  return "popular";
}

void rank_co_listened(std::vector<CoListened>& c) {
  // co / sqrt(listeners) ordered as co^2 / listeners: integers in, one
  // correctly rounded division, so equal ratios compare equal.
  auto score = [](const CoListened& x) {
    const double co = static_cast<double>(x.co_listeners);
    return co * co / static_cast<double>(std::max<std::int64_t>(1, x.listeners));
  };
  std::sort(c.begin(), c.end(), [&](const CoListened& a, const CoListened& b) {
    const double sa = score(a), sb = score(b);
    if (sa != sb) return sa > sb;
    if (a.co_listeners != b.co_listeners) return a.co_listeners > b.co_listeners;
    return a.track_id < b.track_id;
  });
}

Radio::Radio(db::Database& db, Catalog& catalog) : db_(db), catalog_(catalog) {}

Result<std::vector<CoListened>> Radio::co_listened(Id seed_id, const Region& region) {
  std::vector<db::Param> params{seed_id, kRadioListeners};
  std::string rights = "1 = 1";
  if (!region.unrestricted) {
    params.emplace_back(region.country);
    rights = track_available_sql("t", 3);
  }
  RIFF_ASSIGN_OR_RETURN(
      db::Rows rows,
      db_.query("WITH co AS (SELECT user_id FROM music_plays WHERE track_id = $1"
                " GROUP BY user_id ORDER BY MAX(played_at) DESC, user_id LIMIT $2)"
                " SELECT p.track_id, COUNT(DISTINCT p.user_id),"
                " (SELECT COUNT(DISTINCT q.user_id) FROM music_plays q"
                " WHERE q.track_id = p.track_id)"
                " FROM music_plays p JOIN music_tracks t ON t.id = p.track_id"
                " WHERE p.user_id IN (SELECT user_id FROM co) AND p.track_id <> $1 AND " +
                    rights + " GROUP BY p.track_id",
                params));
  std::vector<CoListened> out;
  out.reserve(rows.size());
  for (const auto& r : rows) out.push_back({r.i64(0), r.i64(1), r.i64(2)});
  rank_co_listened(out);
  return out;
}

Result<std::vector<RadioTrack>> Radio::tracks(Id seed_id, int limit, const Region& region) {
  limit = std::clamp(limit, 1, kRadioMaxTracks);
  RIFF_ASSIGN_OR_RETURN(Track seed, catalog_.track(seed_id, region));
  std::vector<RadioTrack> out;
  std::unordered_set<Id> taken{seed_id};
  auto add = [&](std::vector<Track> tracks, RadioReason why) {
    for (auto& t : tracks) {
      if (out.size() == static_cast<std::size_t>(limit)) return;
      if (!taken.insert(t.id).second) continue;
      out.push_back({std::move(t), why});
    }
  };

  RIFF_ASSIGN_OR_RETURN(auto ranked, co_listened(seed_id, region));
  std::vector<Id> ids;
  for (const auto& c : ranked) {
    if (ids.size() == static_cast<std::size_t>(limit)) break;
    ids.push_back(c.track_id);
  }
  RIFF_ASSIGN_OR_RETURN(auto heard, catalog_.tracks(ids, region));
  add(std::move(heard), RadioReason::kCoListening);

  // The fills ask for enough to cover what is already taken.
  auto wanted = [&] { return limit + static_cast<int>(taken.size()); };
  if (out.size() < static_cast<std::size_t>(limit)) {
    RIFF_ASSIGN_OR_RETURN(auto same, catalog_.top_tracks(seed.artist_id, "", wanted(), region));
    add(std::move(same), RadioReason::kSameArtist);
  }
  if (out.size() < static_cast<std::size_t>(limit) && !seed.genre.empty()) {
    RIFF_ASSIGN_OR_RETURN(auto same,
                          catalog_.top_tracks(std::nullopt, seed.genre, wanted(), region));
    add(std::move(same), RadioReason::kSameGenre);
  }
  if (out.size() < static_cast<std::size_t>(limit)) {
    RIFF_ASSIGN_OR_RETURN(auto top, catalog_.top_tracks(std::nullopt, "", wanted(), region));
    add(std::move(top), RadioReason::kPopular);
  }
  return out;
}

}  // namespace riff::music
