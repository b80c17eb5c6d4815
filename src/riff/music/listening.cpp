#include "riff/music/listening.hpp"

#include "riff/accounts/cursor.hpp"

#include "riff/music/audio_ads.hpp"

namespace riff::music {

std::string_view star_kind_name(StarKind k) {
  switch (k) {
    case StarKind::kTrack:
      return "track";
    case StarKind::kAlbum:
      return "album";
    case StarKind::kArtist:
      return "artist";
  }
  return "track";
}

bool counts_as_play(std::int64_t ms_played, std::int64_t duration_ms) {
  if (ms_played <= 0) return false;
  if (ms_played >= kPlayThresholdMs) return true;
  return duration_ms > 0 && ms_played >= duration_ms - kEndSlackMs;
}

Listening::Listening(db::Database& db, IdGenerator& ids, const Clock& clock, Catalog& catalog,
                     Subscriptions& subscriptions, int ad_every_tracks)
    : db_(db),
      ids_(ids),
      clock_(clock),
      catalog_(catalog),
      subscriptions_(subscriptions),
      ad_every_tracks_(ad_every_tracks) {}

Result<StreamChoice> Listening::stream(Id user_id, Id track_id, int requested_kbps) {
  RIFF_ASSIGN_OR_RETURN(Track t, catalog_.track(track_id));
  RIFF_ASSIGN_OR_RETURN(Plan p, plan(user_id));
  auto tier = choose_tier(p, requested_kbps, t.tiers);
  if (!tier) return Status::conflict("This track has no streaming files yet.");
  return StreamChoice{catalog_.tier_path(track_id, *tier), *tier};
}

Result<std::vector<int>> Listening::allowed_tiers(Id user_id, Id track_id) {
  RIFF_ASSIGN_OR_RETURN(Track t, catalog_.track(track_id));
  RIFF_ASSIGN_OR_RETURN(Plan p, plan(user_id));
  std::vector<int> out;
  for (int k : t.tiers) {
    if (k <= max_tier(p)) out.push_back(k);
  }
  return out;
}

Result<PlayOutcome> Listening::report_play(Id user_id, Id track_id, std::int64_t ms_played,
                                           const std::string& source) {
  RIFF_ASSIGN_OR_RETURN(Track t, catalog_.track(track_id));
  if (!counts_as_play(ms_played, t.duration_ms)) return PlayOutcome{false, t.play_count};
  return record_play(user_id, track_id, ms_played, source);
}

Result<PlayOutcome> Listening::record_play(Id user_id, Id track_id, std::int64_t ms_played,
                                           const std::string& source) {
  RIFF_ASSIGN_OR_RETURN(Plan p, plan(user_id));
  PlayOutcome out{true, 0};
  Status st = db_.transact([&](db::Conn& c) -> Status {
    RIFF_ASSIGN_OR_RETURN(db::Rows rows, c.query("UPDATE music_tracks SET play_count = play_count "
                                                 "+ 1 WHERE id = $1 RETURNING play_count",
                                                 {track_id}));
    if (rows.empty()) return Status::not_found("No such track.");
    out.play_count = rows[0].i64(0);
    const std::int64_t now = clock_.now_ms();
    RIFF_RETURN_IF_ERROR(
        c.exec("INSERT INTO music_plays (id, user_id, track_id, played_at, ms_played, plan, source)"
               " VALUES ($1, $2, $3, $4, $5, $6, $7)",
               {ids_.next(), user_id, track_id, now, ms_played, plan_name(p), source})
            .status());
    RIFF_ASSIGN_OR_RETURN(out.ad_due, count_play_for_ads(c, user_id, p, ad_every_tracks_, now));
    return Status::ok();
  });
  if (!st) return st;
  return out;
}

Status Listening::star(Id user_id, StarKind kind, Id item_id) {
  // The item must exist; the star row itself has no foreign key (three kinds share the table).
  switch (kind) {
    case StarKind::kTrack:
      RIFF_RETURN_IF_ERROR(catalog_.track(item_id).status());
      break;
    case StarKind::kAlbum:
      RIFF_RETURN_IF_ERROR(catalog_.album(item_id).status());
      break;
    case StarKind::kArtist:
      RIFF_RETURN_IF_ERROR(catalog_.artist(item_id).status());
      break;
  }
  return db_
      .exec(
          "INSERT INTO music_stars (user_id, kind, item_id, created_at) VALUES ($1, $2, $3, $4)"
          " ON CONFLICT (user_id, kind, item_id) DO NOTHING",
          {user_id, star_kind_name(kind), item_id, clock_.now_ms()})
      .status();
}

Status Listening::unstar(Id user_id, StarKind kind, Id item_id) {
  return db_
      .exec("DELETE FROM music_stars WHERE user_id = $1 AND kind = $2 AND item_id = $3",
            {user_id, star_kind_name(kind), item_id})
      .status();
}

Result<Starred> Listening::starred(Id user_id) {
  RIFF_ASSIGN_OR_RETURN(db::Rows rows,
                        db_.query("SELECT kind, item_id FROM music_stars WHERE user_id = $1"
                                  " ORDER BY created_at DESC, item_id",
                                  {user_id}));
  Starred out;
  for (const auto& r : rows) {
    const std::string kind = r.str(0);
    (kind == "artist"  ? out.artists
     : kind == "album" ? out.albums
                       : out.tracks)
        .push_back(r.i64(1));
  }
  return out;
}

Result<Listening::SavedPage> Listening::saved(Id user_id, StarKind kind, int limit,
                                               const std::optional<std::string>& cursor) {
  // The cursor names the last row shown by (when it was saved, item id).
  accounts::CursorKey after = accounts::kFirstPage;
  if (cursor) {
    auto key = accounts::decode_cursor(*cursor);
    if (!key) return Status::invalid("/cursor", "not a cursor of this list");
    after = *key;
  }
  RIFF_ASSIGN_OR_RETURN(
      db::Rows rows,
      db_.query("SELECT item_id, created_at FROM music_stars WHERE user_id = $1 AND kind = $2"
                " AND (created_at < $3 OR (created_at = $3 AND item_id < $4))"
                " ORDER BY created_at DESC, item_id DESC LIMIT $5",
                {user_id, star_kind_name(kind), after.time, after.id, limit + 1}));
  SavedPage page;
  for (const auto& r : rows) {
    if (page.items.size() == static_cast<std::size_t>(limit)) {
      page.next_cursor =
          accounts::encode_cursor({page.items.back().saved_at, page.items.back().item_id});
      break;
    }
    page.items.push_back({r.i64(0), r.i64(1)});
  }
  return page;
}

Result<std::unordered_set<Id>> Listening::saved_among(Id user_id, StarKind kind,
                                                      const std::vector<Id>& item_ids) {
  std::unordered_set<Id> out;
  if (item_ids.empty()) return out;
  std::vector<db::Param> params{user_id, star_kind_name(kind)};
  std::string in;
  for (Id id : item_ids) {
    params.emplace_back(id);
    in += (in.empty() ? "$" : ", $") + std::to_string(params.size());
  }
  RIFF_ASSIGN_OR_RETURN(db::Rows rows,
                        db_.query("SELECT item_id FROM music_stars WHERE user_id = $1 AND kind = $2"
                                  " AND item_id IN (" + in + ")",
                                  params));
  for (const auto& r : rows) out.insert(r.i64(0));
  return out;
}

Result<Listening::RecentPage> Listening::recently_played(Id user_id, int limit,
                                                        const std::optional<std::string>& cursor) {
  // The cursor names the last row shown by (its latest play, track id).
  accounts::CursorKey after = accounts::kFirstPage;
  if (cursor) {
    auto key = accounts::decode_cursor(*cursor);
    if (!key) return Status::invalid("/cursor", "not a cursor of this list");
    after = *key;
  }
  RIFF_ASSIGN_OR_RETURN(
      db::Rows rows,
      db_.query("SELECT track_id, MAX(played_at) FROM music_plays WHERE user_id = $1"
                " GROUP BY track_id"
                " HAVING MAX(played_at) < $2 OR (MAX(played_at) = $2 AND track_id < $3)"
                " ORDER BY MAX(played_at) DESC, track_id DESC LIMIT $4",
                {user_id, after.time, after.id, limit + 1}));
  RecentPage page;
  for (const auto& r : rows) {
    if (page.items.size() == static_cast<std::size_t>(limit)) {
      page.next_cursor =
          accounts::encode_cursor({page.items.back().played_at, page.items.back().track_id});
      break;
    }
    page.items.push_back({r.i64(0), r.i64(1)});
  }
  return page;
}

}  // namespace riff::music
