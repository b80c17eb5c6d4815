#include "riff/music/playlists.hpp"

#include <algorithm>
#include <set>

#include "riff/accounts/store.hpp"
#include "riff/accounts/validation.hpp"
#include "riff/music/tags.hpp"

namespace riff::music {

namespace {

/// The playlist columns and the role of the viewer bound at `viewer_param`.
std::string columns(std::string_view viewer_param) {
  const std::string v(viewer_param);
  return "SELECT p.id, p.owner_id, u.handle, p.name, p.comment, p.public,"
         " (SELECT COUNT(*) FROM music_playlist_tracks pt WHERE pt.playlist_id = p.id),"
         " (SELECT COALESCE(SUM(t.duration_ms), 0) FROM music_playlist_tracks pt"
         " JOIN music_tracks t ON t.id = pt.track_id WHERE pt.playlist_id = p.id),"
         " p.created_at, p.updated_at, p.collaborative, p.version, p.cover_path,"
         " CASE WHEN p.owner_id = " +
         v +
         " THEN 3"
         " WHEN p.collaborative = 1 AND EXISTS (SELECT 1 FROM music_playlist_collaborators pc"
         " WHERE pc.playlist_id = p.id AND pc.user_id = " +
         v +
         ") THEN 2"
         " WHEN p.public = 1 THEN 1 ELSE 0 END"
         " FROM music_playlists p JOIN users u ON u.id = p.owner_id ";
}

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
  p.collaborative = r.boolean(10);
  p.version = r.i64(11);
  p.cover_path = r.opt_str(12);
  p.role = static_cast<PlaylistRole>(r.i64(13));
  return p;
}

Result<std::string> valid_name(const std::string& raw) {
  std::string name = clean_tag(raw);
  if (name.empty()) return Status::invalid("/name", "A playlist needs a name.");
  if (name.size() > 200) return Status::invalid("/name", "At most 200 bytes.");
  return name;
}

Status write_entries(db::Conn& c, Id playlist_id, const std::vector<PlaylistEntry>& entries) {
  RIFF_RETURN_IF_ERROR(
      c.exec("DELETE FROM music_playlist_tracks WHERE playlist_id = $1", {playlist_id}).status());
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const auto& e = entries[i];
    RIFF_RETURN_IF_ERROR(
        c.exec("INSERT INTO music_playlist_tracks (playlist_id, position, track_id, added_by,"
               " added_at) VALUES ($1, $2, $3, $4, $5)",
               {playlist_id, static_cast<std::int64_t>(i), e.track_id, e.added_by,
                e.added_at ? std::optional<std::int64_t>(e.added_at) : std::nullopt})
            .status());
  }
  return Status::ok();
}

/// The new order `ids`, keeping who added each track where the same track was
/// already there (the first unused entry of that track); others are new.
std::vector<PlaylistEntry> reorder_to(const std::vector<PlaylistEntry>& old,
                                      const std::vector<Id>& ids, const PlaylistEntry& fresh) {
  std::vector<bool> used(old.size(), false);
  std::vector<PlaylistEntry> out;
  out.reserve(ids.size());
  for (Id id : ids) {
    bool found = false;
    for (std::size_t i = 0; i < old.size(); ++i) {
      if (!used[i] && old[i].track_id == id) {
        used[i] = true;
        out.push_back(old[i]);
        found = true;
        break;
      }
    }
    if (!found) {
      PlaylistEntry e = fresh;
      e.track_id = id;
      out.push_back(std::move(e));
    }
  }
  return out;
}

Status not_visible() {
  return Status::not_found("No such playlist.");
}

}  // namespace

std::string_view playlist_role_name(PlaylistRole role) {
  switch (role) {
    case PlaylistRole::kOwner:
      return "owner";
    case PlaylistRole::kCollaborator:
      return "collaborator";
    case PlaylistRole::kViewer:
      return "viewer";
    case PlaylistRole::kNone:
      break;
  }
  return "none";
}

Result<std::vector<PlaylistEntry>> apply_moves(std::vector<PlaylistEntry> entries,
                                               const std::vector<PlaylistMove>& moves) {
  const auto n = static_cast<std::int64_t>(entries.size());
  for (std::size_t k = 0; k < moves.size(); ++k) {
    const PlaylistMove& m = moves[k];
    const std::string at = "/moves/" + std::to_string(k);
    if (m.count < 1) return Status::invalid(at + "/count", "Move at least one track.");
    if (m.from < 0 || m.from >= n || m.count > n - m.from) {
      return Status::invalid(at + "/from", "No tracks at positions " + std::to_string(m.from) +
                                               " to " + std::to_string(m.from + m.count - 1) +
                                               " (the playlist has " + std::to_string(n) + ").");
    }
    if (m.to < 0 || m.to > n - m.count) {
      return Status::invalid(at + "/to", "A block of " + std::to_string(m.count) +
                                             " can start at positions 0 to " +
                                             std::to_string(n - m.count) + ".");
    }
    const auto first = entries.begin() + m.from;
    const auto last = first + m.count;
    if (m.to < m.from) {
      std::rotate(entries.begin() + m.to, first, last);
    } else if (m.to > m.from) {
      std::rotate(first, last, last + (m.to - m.from));
    }
  }
  return entries;
}

Playlists::Playlists(db::Database& db, IdGenerator& ids, const Clock& clock,
                     std::filesystem::path music_dir)
    : db_(db), ids_(ids), clock_(clock), covers_(std::move(music_dir), "playlist-covers") {}

Status Playlists::check_tracks(db::Conn& c, const std::vector<Id>& tracks) {
  std::set<Id> unique(tracks.begin(), tracks.end());
  for (Id id : unique) {
    RIFF_ASSIGN_OR_RETURN(db::Rows rows, c.query("SELECT 1 FROM music_tracks WHERE id = $1", {id}));
    if (rows.empty()) return Status::invalid("/songId", "No such track: " + id_to_string(id));
  }
  return Status::ok();
}

Result<Playlist> Playlists::load(db::Conn& c, Id playlist_id, Id viewer_id) {
  RIFF_ASSIGN_OR_RETURN(db::Rows rows,
                        c.query(columns("$2") + "WHERE p.id = $1", {playlist_id, viewer_id}));
  if (rows.empty()) return not_visible();
  Playlist p = from_row(rows[0]);
  RIFF_ASSIGN_OR_RETURN(
      db::Rows tracks,
      c.query("SELECT pt.track_id, pt.added_by, u.handle, pt.added_at"
              " FROM music_playlist_tracks pt LEFT JOIN users u ON u.id = pt.added_by"
              " WHERE pt.playlist_id = $1 ORDER BY pt.position",
              {playlist_id}));
  for (const auto& r : tracks) {
    PlaylistEntry e;
    e.track_id = r.i64(0);
    e.added_by = r.opt_str(2) ? r.opt_i64(1) : std::nullopt;
    e.added_by_handle = r.opt_str(2).value_or("");
    e.added_at = r.opt_i64(3).value_or(0);
    p.track_ids.push_back(e.track_id);
    p.entries.push_back(std::move(e));
  }
  return p;
}

Result<Playlist> Playlists::load_for_update(db::Conn& c, Id playlist_id, Id viewer_id) {
  // Serialises concurrent edits of one playlist on PostgreSQL (SQLite's
  // write transactions already are), so a version check cannot race.
  RIFF_RETURN_IF_ERROR(
      c.query("SELECT id FROM music_playlists WHERE id = $1 FOR UPDATE", {playlist_id}).status());
  return load(c, playlist_id, viewer_id);
}

Status Playlists::bump(db::Conn& c, Id playlist_id) {
  return c
      .exec("UPDATE music_playlists SET version = version + 1, updated_at = $2 WHERE id = $1",
            {playlist_id, clock_.now_ms()})
      .status();
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
    const PlaylistEntry fresh{0, owner_id, "", now};
    RIFF_RETURN_IF_ERROR(write_entries(c, id, reorder_to({}, tracks, fresh)));
    return load(c, id, owner_id);
  });
}

Result<Playlist> Playlists::get(Id viewer_id, Id playlist_id) {
  std::optional<Playlist> out;
  auto st = db_.read([&](db::Conn& c) -> Result<db::Rows> {
    RIFF_ASSIGN_OR_RETURN(Playlist p, load(c, playlist_id, viewer_id));
    out = std::move(p);
    return db::Rows{};
  });
  if (!st) return st.status();
  if (out->role == PlaylistRole::kNone) return not_visible();
  return std::move(*out);
}

Result<std::vector<Playlist>> Playlists::list(Id viewer_id, bool include_public) {
  RIFF_ASSIGN_OR_RETURN(
      db::Rows rows,
      db_.query(columns("$1") + "WHERE p.owner_id = $1"
                                " OR (p.collaborative = 1 AND EXISTS (SELECT 1 FROM"
                                " music_playlist_collaborators pc WHERE pc.playlist_id = p.id"
                                " AND pc.user_id = $1))"
                                " OR (CAST($2 AS BIGINT) = 1 AND p.public = 1)"
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
  if (!edit.moves.empty() && (edit.replace || !edit.remove_positions.empty())) {
    return Status::invalid("/moves",
                           "Send moves in an edit of their own, without removals or "
                           "a new order.");
  }
  const bool tracks_change =
      edit.replace || !edit.remove_positions.empty() || !edit.add.empty() || !edit.moves.empty();
  return db_.transact_result([&](db::Conn& c) -> Result<Playlist> {
    RIFF_ASSIGN_OR_RETURN(Playlist p, load_for_update(c, playlist_id, user_id));
    if (p.role == PlaylistRole::kNone) return not_visible();
    if (edit.changes_details() && p.role != PlaylistRole::kOwner) {
      return Status::forbidden(
          "Only the playlist's owner can rename it or change who sees or edits it.");
    }
    if (tracks_change && p.role != PlaylistRole::kOwner && p.role != PlaylistRole::kCollaborator) {
      return Status::forbidden("Only the owner and collaborators can change its tracks.");
    }
    if (edit.expected_version && *edit.expected_version != p.version) {
      return Status::conflict("The playlist changed since version " +
                              std::to_string(*edit.expected_version) + " (it is now at " +
                              std::to_string(p.version) + "); reload it and try again.");
    }
    if (!tracks_change && !edit.changes_details()) return p;

    const std::int64_t now = clock_.now_ms();
    const PlaylistEntry fresh{0, user_id, "", now};
    std::vector<PlaylistEntry> entries = p.entries;
    std::vector<Id> new_ids = edit.add;
    if (edit.replace) {
      entries = reorder_to(entries, *edit.replace, fresh);
      new_ids.insert(new_ids.end(), edit.replace->begin(), edit.replace->end());
    }
    if (!edit.moves.empty()) {
      RIFF_ASSIGN_OR_RETURN(entries, apply_moves(std::move(entries), edit.moves));
    }
    if (!edit.remove_positions.empty()) {
      std::set<std::int64_t> drop(edit.remove_positions.begin(), edit.remove_positions.end());
      for (auto pos : drop) {
        if (pos < 0 || pos >= static_cast<std::int64_t>(entries.size())) {
          return Status::invalid("/songIndexToRemove",
                                 "No track at position " + std::to_string(pos) + ".");
        }
      }
      std::vector<PlaylistEntry> kept;
      for (std::size_t i = 0; i < entries.size(); ++i) {
        if (!drop.count(static_cast<std::int64_t>(i))) kept.push_back(entries[i]);
      }
      entries = std::move(kept);
    }
    for (Id id : edit.add) {
      PlaylistEntry e = fresh;
      e.track_id = id;
      entries.push_back(std::move(e));
    }
    if (entries.size() > kMaxPlaylistTracks)
      return Status::invalid("/songIdToAdd", "Too many tracks.");
    if (tracks_change) {
      RIFF_RETURN_IF_ERROR(check_tracks(c, new_ids));
      RIFF_RETURN_IF_ERROR(write_entries(c, playlist_id, entries));
    }
    auto flag = [](const std::optional<bool>& b) {
      return b ? std::optional<std::int64_t>(*b ? 1 : 0) : std::nullopt;
    };
    RIFF_RETURN_IF_ERROR(
        c.exec("UPDATE music_playlists SET name = COALESCE($2, name),"
               " comment = COALESCE($3, comment), public = COALESCE($4, public),"
               " collaborative = COALESCE($5, collaborative) WHERE id = $1",
               {playlist_id, name, comment, flag(edit.is_public), flag(edit.collaborative)})
            .status());
    RIFF_RETURN_IF_ERROR(bump(c, playlist_id));
    return load(c, playlist_id, user_id);
  });
}

Status Playlists::remove(Id user_id, Id playlist_id) {
  std::optional<std::string> cover;
  auto st = db_.transact([&](db::Conn& c) -> Status {
    RIFF_ASSIGN_OR_RETURN(Playlist p, load_for_update(c, playlist_id, user_id));
    if (p.role == PlaylistRole::kNone) return not_visible();
    if (p.role != PlaylistRole::kOwner) {
      return Status::forbidden("Only the playlist's owner can delete it.");
    }
    cover = p.cover_path;
    return c.exec("DELETE FROM music_playlists WHERE id = $1", {playlist_id}).status();
  });
  if (st && cover) covers_.remove(*cover);
  return st;
}

Result<std::vector<PlaylistCollaborator>> Playlists::collaborators(Id viewer_id, Id playlist_id) {
  std::vector<PlaylistCollaborator> out;
  auto st = db_.read([&](db::Conn& c) -> Result<db::Rows> {
    RIFF_ASSIGN_OR_RETURN(Playlist p, load(c, playlist_id, viewer_id));
    if (p.role == PlaylistRole::kNone) return not_visible();
    RIFF_ASSIGN_OR_RETURN(
        db::Rows rows,
        c.query("SELECT u.id, u.handle, u.display_name, u.avatar_path, pc.added_at"
                " FROM music_playlist_collaborators pc JOIN users u ON u.id = pc.user_id"
                " WHERE pc.playlist_id = $1 ORDER BY pc.added_at, u.id",
                {playlist_id}));
    for (const auto& r : rows) {
      out.push_back({r.i64(0), r.str(1), r.str(2), r.opt_str(3), r.i64(4)});
    }
    return db::Rows{};
  });
  if (!st) return st.status();
  return out;
}

Result<PlaylistCollaborator> Playlists::add_collaborator(Id owner_id, Id playlist_id,
                                                         std::string_view handle) {
  const std::string h = accounts::to_lower_ascii(handle);
  return db_.transact_result([&](db::Conn& c) -> Result<PlaylistCollaborator> {
    RIFF_ASSIGN_OR_RETURN(Playlist p, load_for_update(c, playlist_id, owner_id));
    if (p.role == PlaylistRole::kNone) return not_visible();
    if (p.role != PlaylistRole::kOwner) {
      return Status::forbidden("Only the playlist's owner can invite collaborators.");
    }
    if (!p.collaborative) {
      return Status::conflict("Make the playlist collaborative before inviting anyone.");
    }
    RIFF_ASSIGN_OR_RETURN(auto user, accounts::store::user_by_handle(c, h));
    if (!user) return Status::not_found("No such user.");
    if (user->id == owner_id) {
      return Status::invalid("/handle", "You own this playlist already.");
    }
    // A block either way keeps the two apart, as it does for follows.
    RIFF_ASSIGN_OR_RETURN(auto rel, accounts::store::relation(c, owner_id, user->id));
    if (rel.blocking || rel.blocked_by) return Status::not_found("No such user.");
    RIFF_ASSIGN_OR_RETURN(db::Rows existing,
                          c.query("SELECT added_at FROM music_playlist_collaborators"
                                  " WHERE playlist_id = $1 AND user_id = $2",
                                  {playlist_id, user->id}));
    PlaylistCollaborator out{user->id, user->handle, user->display_name, user->avatar_path, 0};
    if (!existing.empty()) {
      out.added_at = existing[0].i64(0);
      return out;
    }
    RIFF_ASSIGN_OR_RETURN(
        db::Rows count,
        c.query("SELECT COUNT(*) FROM music_playlist_collaborators WHERE playlist_id = $1",
                {playlist_id}));
    if (static_cast<std::size_t>(count[0].i64(0)) >= kMaxPlaylistCollaborators) {
      return Status::conflict("A playlist has at most " +
                              std::to_string(kMaxPlaylistCollaborators) + " collaborators.");
    }
    out.added_at = clock_.now_ms();
    RIFF_RETURN_IF_ERROR(c.exec("INSERT INTO music_playlist_collaborators (playlist_id, user_id,"
                                " added_at) VALUES ($1, $2, $3)",
                                {playlist_id, user->id, out.added_at})
                             .status());
    RIFF_RETURN_IF_ERROR(bump(c, playlist_id));
    return out;
  });
}

Status Playlists::remove_collaborator(Id user_id, Id playlist_id, std::string_view handle) {
  const std::string h = accounts::to_lower_ascii(handle);
  return db_.transact([&](db::Conn& c) -> Status {
    RIFF_ASSIGN_OR_RETURN(Playlist p, load_for_update(c, playlist_id, user_id));
    RIFF_ASSIGN_OR_RETURN(auto user, accounts::store::user_by_handle(c, h));
    // Leaving needs no more than being on the list, even while the playlist
    // is not collaborative (and so, if private, not visible to them).
    const bool leaving = user && user->id == user_id;
    if (p.role == PlaylistRole::kNone && !leaving) return not_visible();
    if (!user) return Status::not_found("No such collaborator.");
    if (p.role != PlaylistRole::kOwner && !leaving) {
      return Status::forbidden("Only the playlist's owner can remove other collaborators.");
    }
    RIFF_ASSIGN_OR_RETURN(auto gone, c.exec("DELETE FROM music_playlist_collaborators"
                                            " WHERE playlist_id = $1 AND user_id = $2",
                                            {playlist_id, user->id}));
    if (gone == 0) return Status::not_found("No such collaborator.");
    return bump(c, playlist_id);
  });
}

Result<Playlist> Playlists::set_cover(Id user_id, Id playlist_id, accounts::ImageType type,
                                      std::string_view bytes) {
  if (bytes.size() > kMaxPlaylistCoverBytes) {
    return Status(Code::kTooLarge,
                  "A cover may be at most " + std::to_string(kMaxPlaylistCoverBytes) + " bytes.");
  }
  if (!accounts::magic_matches(type, bytes)) {
    return Status::invalid("/", "The bytes are not an image of the declared type.");
  }
  // Who may is checked before the file is written, and again in the transaction.
  RIFF_ASSIGN_OR_RETURN(Playlist seen, get(user_id, playlist_id));
  if (seen.role != PlaylistRole::kOwner) {
    return Status::forbidden("Only the playlist's owner can change its cover.");
  }
  RIFF_ASSIGN_OR_RETURN(std::string path, covers_.write(playlist_id, type, bytes));
  std::optional<std::string> old;
  auto updated = db_.transact_result([&](db::Conn& c) -> Result<Playlist> {
    RIFF_ASSIGN_OR_RETURN(Playlist p, load_for_update(c, playlist_id, user_id));
    if (p.role == PlaylistRole::kNone) return not_visible();
    if (p.role != PlaylistRole::kOwner) {
      return Status::forbidden("Only the playlist's owner can change its cover.");
    }
    old = p.cover_path;
    RIFF_RETURN_IF_ERROR(
        c.exec("UPDATE music_playlists SET cover_path = $2 WHERE id = $1", {playlist_id, path})
            .status());
    RIFF_RETURN_IF_ERROR(bump(c, playlist_id));
    return load(c, playlist_id, user_id);
  });
  if (!updated) {
    covers_.remove(path);  // nothing refers to it
    return updated;
  }
  // Only after the commit: until then the old row still pointed at the old file.
  if (old) covers_.remove(*old);
  return updated;
}

Result<Playlist> Playlists::clear_cover(Id user_id, Id playlist_id) {
  std::optional<std::string> old;
  auto updated = db_.transact_result([&](db::Conn& c) -> Result<Playlist> {
    RIFF_ASSIGN_OR_RETURN(Playlist p, load_for_update(c, playlist_id, user_id));
    if (p.role == PlaylistRole::kNone) return not_visible();
    if (p.role != PlaylistRole::kOwner) {
      return Status::forbidden("Only the playlist's owner can change its cover.");
    }
    old = p.cover_path;
    if (!old) return p;
    RIFF_RETURN_IF_ERROR(
        c.exec("UPDATE music_playlists SET cover_path = NULL WHERE id = $1", {playlist_id})
            .status());
    RIFF_RETURN_IF_ERROR(bump(c, playlist_id));
    return load(c, playlist_id, user_id);
  });
  if (updated && old) covers_.remove(*old);
  return updated;
}

}  // namespace riff::music
