#pragma once
// Playlists: ordered lists of tracks owned by one user, private unless made
// public. Only the owner changes or deletes one; others see a public one.
// Positions are dense (0..n-1) after every change.
//
// Thread-safe: holds no mutable state besides its dependencies.

#include <optional>
#include <string>
#include <vector>

#include "riff/core/clock.hpp"
#include "riff/core/ids.hpp"
#include "riff/core/status.hpp"
#include "riff/db/database.hpp"

namespace riff::music {

inline constexpr std::size_t kMaxPlaylistTracks = 10'000;

struct Playlist {
  Id id = 0;
  Id owner_id = 0;
  std::string owner_handle;
  std::string name;
  std::string comment;
  bool is_public = false;
  std::int64_t track_count = 0;
  std::int64_t duration_ms = 0;
  std::int64_t created_at = 0;
  std::int64_t updated_at = 0;
  std::vector<Id> track_ids;  // filled by get()
};

/// A change to a playlist; absent fields stay. Removals name positions in
/// the playlist as it was before this change; additions go at the end.
struct PlaylistEdit {
  std::optional<std::string> name;
  std::optional<std::string> comment;
  std::optional<bool> is_public;
  std::vector<Id> add;
  std::vector<std::int64_t> remove_positions;
  std::optional<std::vector<Id>> replace;  // the whole new order (reorder)
};

class Playlists {
 public:
  Playlists(db::Database& db, IdGenerator& ids, const Clock& clock);

  /// kInvalid for an empty or over-long name or unknown tracks.
  Result<Playlist> create(Id owner_id, const std::string& name, const std::vector<Id>& tracks);
  /// The playlist with its tracks; kNotFound unless the viewer owns it or it is public.
  Result<Playlist> get(Id viewer_id, Id playlist_id);
  /// The viewer's own playlists and, when `include_public`, others' public ones.
  Result<std::vector<Playlist>> list(Id viewer_id, bool include_public);
  /// kForbidden for anyone but the owner (kNotFound when they may not even see it).
  Result<Playlist> edit(Id user_id, Id playlist_id, const PlaylistEdit& edit);
  Status remove(Id user_id, Id playlist_id);

 private:
  Result<Playlist> load(db::Conn& c, Id playlist_id);
  Status check_tracks(db::Conn& c, const std::vector<Id>& tracks);

  db::Database& db_;
  IdGenerator& ids_;
  const Clock& clock_;
};

}  // namespace riff::music
