#pragma once
// Playlists: ordered lists of tracks owned by one user, private unless made
// public. Positions are dense (0..n-1) after every change.
//
// Who may do what:
// - the owner changes everything: name, description, visibility, the
//   collaborative flag, collaborators, the cover, the tracks, and deletes it;
// - on a collaborative playlist, each invited collaborator adds, removes and
//   reorders tracks and may leave, but changes nothing else;
// - anyone sees a public playlist; a private one is seen only by its owner and
//   (while it is collaborative) its collaborators. To everyone else it does
//   not exist (kNotFound), so its id reveals nothing.
//
// Every change bumps `version`. An edit may name the version it was made
// against (expected_version); when the playlist has moved on, the edit fails
// with kConflict and changes nothing, so two editors never silently clobber
// each other's reorders.
//
// Thread-safe: holds no mutable state besides its dependencies.

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "riff/accounts/avatar_files.hpp"
#include "riff/core/clock.hpp"
#include "riff/core/ids.hpp"
#include "riff/core/status.hpp"
#include "riff/db/database.hpp"

namespace riff::music {

inline constexpr std::size_t kMaxPlaylistTracks = 10'000;
inline constexpr std::size_t kMaxPlaylistCollaborators = 50;
/// Cover images follow the avatar rules (type, signature, size).
inline constexpr std::size_t kMaxPlaylistCoverBytes = accounts::kMaxAvatarBytes;

/// What the viewer may do with a playlist.
enum class PlaylistRole { kNone, kViewer, kCollaborator, kOwner };
std::string_view playlist_role_name(PlaylistRole role);

/// One track in a playlist, with who put it there. `added_by` is empty for
/// rows older than that record, or when the adder's account is gone.
struct PlaylistEntry {
  Id track_id = 0;
  std::optional<Id> added_by;
  std::string added_by_handle;
  std::int64_t added_at = 0;  // ms; 0 when unknown
};

struct Playlist {
  Id id = 0;
  Id owner_id = 0;
  std::string owner_handle;
  std::string name;
  std::string comment;
  bool is_public = false;
  bool collaborative = false;
  std::int64_t version = 1;
  std::optional<std::string> cover_path;    // an uploaded cover, relative to the music dir
  PlaylistRole role = PlaylistRole::kNone;  // of the viewer it was loaded for
  std::int64_t track_count = 0;
  std::int64_t duration_ms = 0;
  std::int64_t created_at = 0;
  std::int64_t updated_at = 0;
  std::vector<Id> track_ids;           // filled by get(), in order
  std::vector<PlaylistEntry> entries;  // filled by get(), parallel to track_ids
};

/// Moves `count` tracks starting at position `from` so that the first of
/// them ends up at position `to` (positions of the list as it is when the
/// move applies).
struct PlaylistMove {
  std::int64_t from = 0;
  std::int64_t to = 0;
  std::int64_t count = 1;
};

/// A change to a playlist; absent fields stay. Removals name positions in
/// the playlist as it was before this change; additions go at the end.
/// Moves apply one after another, each to the result of the one before, and
/// cannot be combined with removals or a replacement in the same edit.
struct PlaylistEdit {
  std::optional<std::string> name;
  std::optional<std::string> comment;
  std::optional<bool> is_public;
  std::optional<bool> collaborative;
  std::vector<Id> add;
  std::vector<std::int64_t> remove_positions;
  std::vector<PlaylistMove> moves;
  std::optional<std::vector<Id>> replace;  // the whole new order (reorder)
  std::optional<std::int64_t> expected_version;

  bool changes_details() const { return name || comment || is_public || collaborative; }
};

/// `entries` with `moves` applied in order; kInvalid (naming the move) when
/// one falls outside the list. Pure: for the service and its tests.
Result<std::vector<PlaylistEntry>> apply_moves(std::vector<PlaylistEntry> entries,
                                               const std::vector<PlaylistMove>& moves);

struct PlaylistCollaborator {
  Id user_id = 0;
  std::string handle;
  std::string display_name;
  std::optional<std::string> avatar_path;
  std::int64_t added_at = 0;
};

class Playlists {
 public:
  /// Uploaded covers live under `music_dir`/playlist-covers (never served
  /// as static files: a private playlist's cover is checked like the playlist).
  Playlists(db::Database& db, IdGenerator& ids, const Clock& clock,
            std::filesystem::path music_dir);

  /// kInvalid for an empty or over-long name or unknown tracks.
  Result<Playlist> create(Id owner_id, const std::string& name, const std::vector<Id>& tracks);
  /// The playlist with its tracks; kNotFound unless the viewer may see it.
  Result<Playlist> get(Id viewer_id, Id playlist_id);
  /// The viewer's own playlists, those they collaborate on, and, when
  /// `include_public`, others' public ones. Tracks are not filled.
  Result<std::vector<Playlist>> list(Id viewer_id, bool include_public);
  /// kForbidden when the user may see the playlist but not make this change
  /// (kNotFound when they may not even see it); kConflict when
  /// `expected_version` is set and stale.
  Result<Playlist> edit(Id user_id, Id playlist_id, const PlaylistEdit& edit);
  /// Owner only; removes the cover file too.
  Status remove(Id user_id, Id playlist_id);

  /// Whoever may see the playlist sees its collaborators, oldest first.
  Result<std::vector<PlaylistCollaborator>> collaborators(Id viewer_id, Id playlist_id);
  /// Owner only, on a collaborative playlist (kConflict otherwise). kNotFound
  /// for an unknown handle or a user blocked by, or blocking, the owner;
  /// kInvalid for the owner themselves. Inviting a collaborator again is a no-op.
  Result<PlaylistCollaborator> add_collaborator(Id owner_id, Id playlist_id,
                                                std::string_view handle);
  /// The owner removes anyone; a collaborator removes only themselves (leaves).
  Status remove_collaborator(Id user_id, Id playlist_id, std::string_view handle);

  /// Owner only. `bytes` must carry the signature of `type` (kInvalid) and
  /// fit kMaxPlaylistCoverBytes (kTooLarge). Replaces any earlier cover.
  Result<Playlist> set_cover(Id user_id, Id playlist_id, accounts::ImageType type,
                             std::string_view bytes);
  Result<Playlist> clear_cover(Id user_id, Id playlist_id);
  std::filesystem::path cover_file(const std::string& cover_path) const {
    return covers_.absolute(cover_path);
  }

 private:
  Result<Playlist> load(db::Conn& c, Id playlist_id, Id viewer_id);
  /// Locks the playlist row for the rest of the transaction and loads it.
  Result<Playlist> load_for_update(db::Conn& c, Id playlist_id, Id viewer_id);
  Status check_tracks(db::Conn& c, const std::vector<Id>& tracks);
  Status bump(db::Conn& c, Id playlist_id);

  db::Database& db_;
  IdGenerator& ids_;
  const Clock& clock_;
  accounts::AvatarFiles covers_;
};

}  // namespace riff::music
