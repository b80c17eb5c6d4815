#pragma once
// A catalog song's sound clip: the window of the song videos may use
// (music.sound_clip_seconds long), cut from a streaming tier without
// re-encoding, and the rule that picks where it starts when the label
// did not choose.
//
// cut_clip() copies whole AAC packets: one packet before the window as
// decoder pre-roll, the packets that cover the window, and an edit list
// that trims the pre-roll and the tail, so a player hears exactly the
// window. It reads an MP4 this server wrote (a tier from the probe child)
// and is called from that child, or by the server for a re-cut.
//
// Thread-safe: plain functions.

#include <cstdint>
#include <filesystem>
#include <vector>

#include "riff/core/status.hpp"

namespace riff::music {

struct ClipWindow {
  std::int64_t start_ms = 0;
  std::int64_t duration_ms = 0;
};

/// The window of a `song_ms` song for a clip of `clip_ms`: starts at
/// `wanted_start_ms` when given (>= 0), else at the loudest stretch of
/// `second_energy` (the mean square of each whole second of the song;
/// earliest among windows within 0.1%);
/// moved back so it ends by the song's end; the whole song when it is no
/// longer than the clip.
ClipWindow choose_clip_window(std::int64_t song_ms, std::int64_t clip_ms,
                              std::int64_t wanted_start_ms,
                              const std::vector<double>& second_energy);

/// Writes the AAC packets of `window` of the MP4 `input` into the MP4
/// `output` (faststart) without re-encoding. Returns the window the file
/// holds (the asked one, clamped to the song). kInvalid when `input` has
/// no audio or the window is empty; kUnavailable when a file fails.
Result<ClipWindow> cut_clip(const std::filesystem::path& input, const std::filesystem::path& output,
                            ClipWindow window);

}  // namespace riff::music
