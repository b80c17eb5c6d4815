#include "riff/music/playlists.hpp"

#include <algorithm>
#include <set>

#include "riff/music/tags.hpp"

namespace riff::music {

namespace {

constexpr std::string_view kColumns =
    "SELECT p.id, p.owner_id, u.handle, p.name, p.comment, p.public,"
    " (SELECT COUNT(*) FROM music_playlist_tracks pt WHERE pt.playlist_id = p.id),"
    " (SELECT COALESCE(SUM(t.duration_ms), 0) FROM music_playlist_tracks pt JOIN music_tracks t ON "
    "t.id = pt.track_id"
    " WHERE pt.playlist_id = p.id), p.created_at, p.updated_at"
    " FROM music_playlists p JOIN users u ON u.id = p.owner_id ";

Playlist from_row(const db::Row& r) {
  Playlist p;
  p.id = r.i64(0);
  p.owner_id = r.i64(1);
  p.owner_handle = r.str(2);
  p.name = r.str(3);
  p.comment = r.str(4);
  p.is_public = r.boolean(5);
  p.track_count = r.i64(6);
  p.duration_ms = r.i64(7);
  p.created_at = r.i64(8);
  p.updated_at = r.i64(9);
  return p;
}

Result<std::string> valid_name(const std::string& raw) {
  std::string name = clean_tag(raw);
  if (name.empty()) return Status::invalid("/name", "A playlist needs a name.");
  if (name.size() > 200) return Status::invalid("/name", "At most 200 bytes.");
  return name;
}

Status write_tracks(db::Conn& c, Id playlist_id, const std::vector<Id>& tracks) {
  RIFF_RETURN_IF_ERROR(
      c.exec("DELETE FROM music_playlist_tracks WHERE playlist_id = $1", {playlist_id}).status());
  for (std::size_t i = 0; i < tracks.size(); ++i) {
    RIFF_RETURN_IF_ERROR(
        c.exec("INSERT INTO music_playlist_tracks (playlist_id, position, track_id)"
               " VALUES ($1, $2, $3)",
               {playlist_id, static_cast<std::int64_t>(i), tracks[i]})
            .status());
  }
  return Status::ok();
}

}  // namespace

Playlists::Playlists(db::Database& db, IdGenerator& ids, const Clock& clock)
    : db_(db), ids_(ids), clock_(clock) {}

Status Playlists::check_tracks(db::Conn& c, const std::vector<Id>& tracks) {
  std::set<Id> unique(tracks.begin(), tracks.end());
  for (Id id : unique) {
    RIFF_ASSIGN_OR_RETURN(db::Rows rows, c.query("SELECT 1 FROM music_tracks WHERE id = $1", {id}));
    if (rows.empty()) return Status::invalid("/songId", "No such track: " + id_to_string(id));
  }
  return Status::ok();
}

Result<Playlist> Playlists::load(db::Conn& c, Id playlist_id) {
  RIFF_ASSIGN_OR_RETURN(db::Rows rows,
                        c.query(std::string(kColumns) + "WHERE p.id = $1", {playlist_id}));
  if (rows.empty()) return Status::not_found("No such playlist.");
  Playlist p = from_row(rows[0]);
  RIFF_ASSIGN_OR_RETURN(db::Rows tracks,
                        c.query("SELECT track_id FROM music_playlist_tracks WHERE playlist_id = $1"
                                " ORDER BY position",
                                {playlist_id}));
  for (const auto& r : tracks) p.track_ids.push_back(r.i64(0));
  return p;
}

Result<Playlist> Playlists::create(Id owner_id, const std::string& raw_name,
                                   const std::vector<Id>& tracks) {
  RIFF_ASSIGN_OR_RETURN(std::string name, valid_name(raw_name));
  if (tracks.size() > kMaxPlaylistTracks) return Status::invalid("/songId", "Too many tracks.");
  const Id id = ids_.next();
  const std::int64_t now = clock_.now_ms();
  return db_.transact_result([&](db::Conn& c) -> Result<Playlist> {
    RIFF_RETURN_IF_ERROR(check_tracks(c, tracks));
    RIFF_RETURN_IF_ERROR(
        c.exec("INSERT INTO music_playlists (id, owner_id, name, created_at, updated_at)"
               " VALUES ($1, $2, $3, $4, $4)",
               {id, owner_id, name, now})
            .status());
    RIFF_RETURN_IF_ERROR(write_tracks(c, id, tracks));
    return load(c, id);
  });
}

Result<Playlist> Playlists::get(Id viewer_id, Id playlist_id) {
  std::optional<Playlist> out;
  auto st = db_.read([&](db::Conn& c) -> Result<db::Rows> {
    RIFF_ASSIGN_OR_RETURN(Playlist p, load(c, playlist_id));
    out = std::move(p);
    return db::Rows{};
  });
  if (!st) return st.status();
  if (out->owner_id != viewer_id && !out->is_public) return Status::not_found("No such playlist.");
  return std::move(*out);
}

Result<std::vector<Playlist>> Playlists::list(Id viewer_id, bool include_public) {
  RIFF_ASSIGN_OR_RETURN(
      db::Rows rows,
      db_.query(std::string(kColumns) +
                    "WHERE p.owner_id = $1 OR (CAST($2 AS BIGINT) = 1 AND p.public = 1)"
                    " ORDER BY p.id DESC LIMIT 500",
                {viewer_id, include_public ? 1 : 0}));
  std::vector<Playlist> out;
  for (const auto& r : rows) out.push_back(from_row(r));
  return out;
}

Result<Playlist> Playlists::edit(Id user_id, Id playlist_id, const PlaylistEdit& edit) {
  std::optional<std::string> name;
  if (edit.name) {
    RIFF_ASSIGN_OR_RETURN(std::string n, valid_name(*edit.name));
    name = std::move(n);
  }
  std::optional<std::string> comment;
  if (edit.comment) {
    comment = clean_tag(*edit.comment);
  }
  return db_.transact_result([&](db::Conn& c) -> Result<Playlist> {
    RIFF_ASSIGN_OR_RETURN(Playlist p, load(c, playlist_id));
    if (p.owner_id != user_id) {
      if (!p.is_public) return Status::not_found("No such playlist.");
      return Status::forbidden("Only the playlist's owner can change it.");
    }
    std::vector<Id> tracks = p.track_ids;
    bool tracks_changed = false;
    if (edit.replace) {
      tracks = *edit.replace;
      tracks_changed = true;
    }
    if (!edit.remove_positions.empty()) {
      std::set<std::int64_t> drop(edit.remove_positions.begin(), edit.remove_positions.end());
      for (auto pos : drop) {
        if (pos < 0 || pos >= static_cast<std::int64_t>(tracks.size())) {
          return Status::invalid("/songIndexToRemove",
                                 "No track at position " + std::to_string(pos) + ".");
        }
      }
      std::vector<Id> kept;
      for (std::size_t i = 0; i < tracks.size(); ++i) {
        if (!drop.count(static_cast<std::int64_t>(i))) kept.push_back(tracks[i]);
      }
      tracks = std::move(kept);
      tracks_changed = true;
    }
    if (!edit.add.empty()) {
      tracks.insert(tracks.end(), edit.add.begin(), edit.add.end());
      tracks_changed = true;
    }
    if (tracks.size() > kMaxPlaylistTracks)
      return Status::invalid("/songIdToAdd", "Too many tracks.");
    if (tracks_changed) {
      RIFF_RETURN_IF_ERROR(check_tracks(c, tracks));
      RIFF_RETURN_IF_ERROR(write_tracks(c, playlist_id, tracks));
    }
    RIFF_RETURN_IF_ERROR(
        c.exec(
             "UPDATE music_playlists SET name = COALESCE($2, name), comment = COALESCE($3, "
             "comment),"
             " public = COALESCE($4, public), updated_at = $5 WHERE id = $1",
             {playlist_id, name, comment,
              edit.is_public ? std::optional<std::int64_t>(*edit.is_public ? 1 : 0) : std::nullopt,
              clock_.now_ms()})
            .status());
    return load(c, playlist_id);
  });
}

Status Playlists::remove(Id user_id, Id playlist_id) {
  return db_.transact([&](db::Conn& c) -> Status {
    RIFF_ASSIGN_OR_RETURN(Playlist p, load(c, playlist_id));
    if (p.owner_id != user_id) {
      if (!p.is_public) return Status::not_found("No such playlist.");
      return Status::forbidden("Only the playlist's owner can delete it.");
    }
    return c.exec("DELETE FROM music_playlists WHERE id = $1", {playlist_id}).status();
  });
}

}  // namespace riff::music
