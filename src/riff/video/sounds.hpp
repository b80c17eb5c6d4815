#pragma once
// Sounds: each video's "original sound", reusable by others unless its
// creator turns reuse off, and (later) catalog songs. A sound whose source
// video a viewer may not see is hidden from that viewer too.
//
// Thread-safe: holds no mutable state besides its dependencies.

#include <filesystem>
#include <optional>
#include <string>

#include "riff/core/status.hpp"
#include "riff/db/database.hpp"
#include "riff/video/model.hpp"
#include "riff/video/service.hpp"

namespace riff::video {

struct SoundView {
  Sound sound;
  std::optional<std::string> creator_handle;
  bool has_audio = false;
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

 private:
  Result<SoundView> load(db::Conn& c, std::optional<Id> viewer, Id sound_id);

  db::Database& db_;
  std::filesystem::path dir_;
};

}  // namespace riff::video
