#pragma once
// A media job: one upload (plus an optional sound and duet original) turned
// into everything riff serves for a video. This header is the contract
// between the pipeline, which runs jobs, and `riffd media-job`, which does
// the work in a child process; it carries no FFmpeg headers.
//
// Files a finished job leaves in out_dir:
//   master.m3u8, v720/{index.m3u8,init.mp4,seg000.m4s...}, v480/{...}
//   video.mp4 (progressive, faststart), poster.jpg, preview.jpg,
//   sound.m4a (when the result has audio).

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "riff/core/status.hpp"

namespace riff::media {

/// How a chosen sound meets the clip's own audio.
enum class AudioMode { kOriginal = 0, kReplace = 1, kMix = 2 };

struct JobSpec {
  std::filesystem::path input;
  std::filesystem::path out_dir;  // exists and is empty
  std::optional<std::filesystem::path> sound_audio;
  std::int64_t sound_offset_ms = 0;
  AudioMode audio_mode = AudioMode::kOriginal;
  std::optional<std::filesystem::path> duet_with;  // the original's video.mp4
  std::int64_t max_duration_ms = 600'000;
};

struct JobResult {
  enum class Kind { kOk, kRejected, kCrashed };
  Kind kind = Kind::kOk;
  std::string reason;   // kRejected: stable slug ("not_a_video", "too_long", ...)
  std::string message;  // for the author (kRejected) or the log (kCrashed)
  int width = 0, height = 0;  // of the top rendition and video.mp4
  std::int64_t duration_ms = 0;
  bool has_audio = false;
};

JobResult rejected(std::string reason, std::string message);
JobResult crashed(std::string message);

/// The spec as one line of JSON (the `--spec` argument of `riffd media-job`).
std::string to_json(const JobSpec& spec);
Result<JobSpec> spec_from_json(std::string_view text);
/// The result as one line of JSON (the last line `riffd media-job` prints).
std::string to_json(const JobResult& result);
Result<JobResult> result_from_json(std::string_view text);

}  // namespace riff::media
