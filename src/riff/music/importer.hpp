#pragma once
// The catalog importer behind `riffd music import DIR`: finds audio files,
// has each one probed (tags, cover, loudness, AAC tiers) by a ProbeRunner —
// in production a `riffd music probe` child with limits, so a hostile file
// costs one child — and records artists, albums and tracks.
//
// Re-imports are incremental: a file whose path, size and mtime match the
// catalog is skipped without reading it; one whose bytes hash the same is
// skipped after hashing. A file that fails is reported and skipped.
//
// Storage under `music_dir` (<data_dir>/music):
//   tracks/<track id>/a96.m4a, a160.m4a, a320.m4a, hls96/ hls160/ hls320/
//   covers/<album id>.jpg|.png
//   tmp/   probe outputs before they are moved into place
// and, with `sounds_dir`, <sounds_dir>/<sound id>.m4a for each track's sound.
//
// With `jobs` > 1, that many files are probed and recorded at once; each
// file's rows are written in its own transaction, and artists and albums
// are merged with ON CONFLICT, so the order of completion does not matter.
// The failures are reported sorted by path.
//
// Not thread-safe: one import at a time per catalog (a CLI run).

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "riff/core/clock.hpp"
#include "riff/core/ids.hpp"
#include "riff/core/status.hpp"
#include "riff/db/database.hpp"
#include "riff/media/child.hpp"
#include "riff/music/probe_job.hpp"

namespace riff::music {

using ProbeRunner = std::function<ProbeResult(const ProbeSpec&)>;

/// Runs each probe as `<riffd> music probe ...` in a child with `limits`.
ProbeRunner child_probe_runner(std::filesystem::path riffd, media::ChildLimits limits);

struct ImportOptions {
  std::filesystem::path music_dir;
  bool transcode = true;
  int jobs = 1;  // files probed at once (each its own child)
  /// When set (<data_dir>/sounds), every streamable track is also a catalog
  /// sound (video's `sounds` table, kind 1) whose audio is its 160 tier,
  /// linked to <sounds_dir>/<sound id>.m4a, so videos can use the song.
  std::filesystem::path sounds_dir;
  /// Length of a song's sound: a clip of the song (clip_cut.hpp) rather than
  /// the whole of it. 0: the whole 160 tier, as before clips.
  std::int64_t sound_clip_ms = 60'000;
};

/// What a label says about an uploaded track, over what its tags say.
struct TrackOverrides {
  std::optional<std::string> title;
  std::vector<std::string> artists;  // empty: from the tags
  std::optional<std::string> album;
  std::optional<std::string> isrc;
  std::optional<std::string> territories;  // canonical (availability.hpp)
  std::optional<Id> label_id;
  std::optional<std::int64_t> clip_start_ms;  // unset: kept, else the loudest window
};

struct ImportFailure {
  std::string path;
  std::string reason;  // a stable slug: "not_audio", "empty", "crashed", ...
  std::string message;
};

struct ImportReport {
  std::int64_t files = 0;      // audio files found
  std::int64_t imported = 0;   // new tracks
  std::int64_t updated = 0;    // changed files re-read
  std::int64_t unchanged = 0;  // skipped
  std::vector<ImportFailure> failures;
};

/// Called before each file (done files so far, total, the file) and once at the end.
using ImportProgress =
    std::function<void(std::int64_t done, std::int64_t total, const std::string& file)>;

/// True for the extensions riff imports (mp3, flac, ogg, oga, opus, m4a, mp4, aac, wav), any case.
bool is_audio_file(const std::filesystem::path& p);

/// Lowercase hex BLAKE2b-256 of a file's bytes.
Result<std::string> hash_file(const std::filesystem::path& p);

class Importer {
 public:
  /// All references must outlive the importer.
  Importer(db::Database& db, IdGenerator& ids, const Clock& clock, ProbeRunner probe,
           ImportOptions options);

  /// Imports every audio file under `dir` (recursively, sorted by path).
  /// Fails only when `dir` cannot be read or the database fails.
  Result<ImportReport> run(const std::filesystem::path& dir, const ImportProgress& progress = {});

  /// Imports one file (a label's upload) with `overrides`; the file's path
  /// is its identity, as for run(). Either the track id (also when the file
  /// was imported before) or the failure; a failed file leaves no track,
  /// tier or sound behind.
  struct Single {
    std::optional<Id> track_id;
    std::optional<ImportFailure> failure;
  };
  Single import_one(const std::filesystem::path& file, const TrackOverrides& overrides);

 private:
  enum class Outcome { kImported, kUpdated, kUnchanged, kFailed };
  Outcome import_file(const std::filesystem::path& file, ImportReport& report,
                      std::vector<Id>& albums, const TrackOverrides& overrides = {},
                      Id* track_out = nullptr);
  Status prepare_dirs();
  Status update_album_loudness(const std::vector<Id>& albums);

  db::Database& db_;
  IdGenerator& ids_;
  const Clock& clock_;
  ProbeRunner probe_;
  ImportOptions options_;
};

}  // namespace riff::music
