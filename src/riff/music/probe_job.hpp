#pragma once
// One audio file's ingest work, done in a child process (`riffd music probe`)
// because it parses untrusted bytes with TagLib and FFmpeg: read the tags and
// the embedded cover, decode the audio once, measure its EBU R128 loudness
// and true peak, and (unless told not to) encode the AAC streaming tiers.
//
// This header is the contract between the importer and the child; it
// carries no TagLib, FFmpeg or libebur128 headers.
//
// Files a finished job leaves in out_dir:
//   a96.m4a, a160.m4a, a320.m4a   AAC-LC stereo 44.1 kHz in MP4, faststart
//   hls96/, hls160/, hls320/      the same packets as HLS: index.m3u8 (VOD),
//                                 init.mp4 and 6 s fMP4 segments seg000.m4s...
//   cover.jpg or cover.png        the embedded picture, when there is one
//   clip.m4a                      with clip_ms > 0: the song's sound clip, the
//                                 160 tier's packets of the clip window
//                                 (clip_cut.hpp), remuxed

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "riff/core/status.hpp"
#include "riff/music/model.hpp"
#include "riff/music/tags.hpp"

namespace riff::music {

struct ProbeSpec {
  std::filesystem::path input;
  std::filesystem::path out_dir;  // exists
  bool transcode = true;
  std::int64_t max_duration_ms = 3LL * 3600 * 1000;
  std::int64_t clip_ms = 0;         // > 0 (with transcode): cut a sound clip this long
  std::int64_t clip_start_ms = -1;  // where it starts; -1: the loudest window
};



struct ProbeResult {
  enum class Kind { kOk, kRejected, kCrashed };
  Kind kind = Kind::kOk;
  std::string reason;   // kRejected: "not_audio", "empty", "too_long", "silent"
  std::string message;  // for the person running the import
  AudioTags tags;
  std::string codec;  // of the source ("flac", "mp3", ...)
  std::int64_t duration_ms = 0;
  std::int64_t sample_rate = 0;
  std::int64_t channels = 0;
  std::int64_t bit_rate = 0;
  std::optional<double> loudness_lufs;  // integrated; none for digital silence
  std::optional<double> true_peak_dbtp;
  std::vector<int> tiers;  // files written, kbit/s
  std::string cover_file;  // "cover.jpg"/"cover.png" in out_dir, or ""
  // Gapless playback: the tiers' exact length at kTierSampleRate, and per tier
  // what the encoder added around it.
  std::int64_t duration_samples = 0;
  std::vector<TierGapless> gapless;
  std::string clip_file;  // "clip.m4a" in out_dir, or ""
  std::int64_t clip_start_ms = 0;
  std::int64_t clip_duration_ms = 0;
};

/// The sample rate of every streaming tier.
inline constexpr std::int64_t kTierSampleRate = 44100;

/// Runs `spec` in this process. Only `riffd music probe` calls it.
ProbeResult run_probe(const ProbeSpec& spec);

/// The body of `riffd music probe`: runs the job and prints the result as
/// one line of JSON. Returns the exit code.
int probe_main(const ProbeSpec& spec);

std::string to_json(const ProbeResult& r);
Result<ProbeResult> probe_result_from_json(std::string_view line);

}  // namespace riff::music
