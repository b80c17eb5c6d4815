#pragma once
// Sounds: each video's "original sound", reusable by others unless its
// creator turns reuse off, and (later) catalog songs. A sound whose source
// video a viewer may not see is hidden from that viewer too.
//
// Thread-safe: holds no mutable state besides its dependencies.

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "riff/core/status.hpp"
#include "riff/db/database.hpp"
#include "riff/video/model.hpp"
#include "riff/video/service.hpp"

namespace riff::video {

/// The catalog song behind a catalog sound, as the music module describes it.
struct SongRef {
  Id track_id = 0;
  std::string title;
  std::vector<std::pair<Id, std::string>> artists;  // id, name, in credit order
  Id album_id = 0;
  std::string album_title;
  std::optional<std::string> cover_url;
};

/// Resolves a catalog track for a viewer; nullopt when the song is gone or
/// not available to them (the sound still plays in videos).
using SongLookup = std::function<std::optional<SongRef>(std::optional<Id> viewer, Id track_id)>;

struct SoundView {
  Sound sound;
  std::optional<std::string> creator_handle;
  bool has_audio = false;
  std::optional<SongRef> song;  // catalog sounds whose song the viewer may see
};

class SoundService {
 public:
  /// `sounds_dir` holds `<id>.m4a`, the audio of each original sound.
  SoundService(db::Database& db, std::filesystem::path sounds_dir);

  Result<SoundView> get(std::optional<Id> viewer, Id sound_id);
  /// Visible ready videos using the sound, most viewed (then liked) first.
  Result<VideoPage> videos(std::optional<Id> viewer, Id sound_id, int limit,
                           const std::optional<std::string>& cursor);
  /// The creator turns reuse on or off.
  Result<SoundView> set_reusable(Id user_id, Id sound_id, bool reusable);
  /// The audio file of a sound the viewer may see.
  Result<std::filesystem::path> audio_file(std::optional<Id> viewer, Id sound_id);

  std::filesystem::path audio_path(Id sound_id) const;

  /// Lets get() link catalog sounds to their song. Set once at start-up,
  /// before requests are served (the video module does not know music).
  void set_song_lookup(SongLookup lookup) { song_lookup_ = std::move(lookup); }

 private:
  Result<SoundView> load(db::Conn& c, std::optional<Id> viewer, Id sound_id);

  db::Database& db_;
  std::filesystem::path dir_;
  SongLookup song_lookup_;
};

}  // namespace riff::video
