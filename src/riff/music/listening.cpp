#include "riff/music/listening.hpp"

namespace riff::music {

namespace {

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

}  // namespace

bool counts_as_play(std::int64_t ms_played, std::int64_t duration_ms) {
  if (ms_played <= 0) return false;
  if (ms_played >= kPlayThresholdMs) return true;
  return duration_ms > 0 && ms_played >= duration_ms - kEndSlackMs;
}

Listening::Listening(db::Database& db, IdGenerator& ids, const Clock& clock, Catalog& catalog)
    : db_(db), ids_(ids), clock_(clock), catalog_(catalog) {}

Result<Plan> Listening::plan(Id user_id) {
  RIFF_ASSIGN_OR_RETURN(
      db::Rows rows,
      db_.query("SELECT plan FROM music_subscriptions WHERE user_id = $1", {user_id}));
  if (rows.empty()) return Plan::kFree;
  return parse_plan(rows[0].str(0)).value_or(Plan::kFree);
}

Status Listening::set_plan(Id user_id, Plan plan) {
  return db_
      .exec(
          "INSERT INTO music_subscriptions (user_id, plan, updated_at) VALUES ($1, $2, $3)"
          " ON CONFLICT (user_id) DO UPDATE SET plan = excluded.plan, updated_at = "
          "excluded.updated_at",
          {user_id, plan_name(plan), clock_.now_ms()})
      .status();
}

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
    return c
        .exec(
            "INSERT INTO music_plays (id, user_id, track_id, played_at, ms_played, plan, source)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7)",
            {ids_.next(), user_id, track_id, clock_.now_ms(), ms_played, plan_name(p), source})
        .status();
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

}  // namespace riff::music
