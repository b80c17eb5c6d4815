#pragma once
// `riffd music import DIR`: runs the Importer with a progress bar on
// standard error and prints what happened (and every failed file) on
// standard output. Called by the app with the server's own database.

#include <filesystem>

#include "riff/core/clock.hpp"
#include "riff/core/ids.hpp"
#include "riff/db/database.hpp"
#include "riff/media/child.hpp"

namespace riff::music {

struct ImportCommand {
  std::filesystem::path dir;        // what to import
  std::filesystem::path music_dir;  // <data_dir>/music
  bool transcode = true;
  int jobs = 1;                      // files probed at once
  std::filesystem::path sounds_dir;  // <data_dir>/sounds: tracks become catalog sounds
  std::int64_t sound_clip_ms = 60'000;  // each sound is a clip this long (0 = whole song)
  std::filesystem::path riffd = "/proc/self/exe";  // runs `music probe` children
  media::ChildLimits limits;
};

/// Returns the process exit code: 0 when every file was imported or
/// unchanged, 1 when some failed (and were skipped), 2 when the import
/// could not run.
int run_import_command(db::Database& db, IdGenerator& ids, const Clock& clock,
                       const ImportCommand& cmd);

}  // namespace riff::music
