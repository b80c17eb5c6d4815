#pragma once
// A MediaProcessor that runs the `ffprobe` and `ffmpeg` programs as child
// processes with CPU-time, address-space and wall-clock limits. It stands in
// until the media module's library-based `riffd media-job` is wired in
// (app.cpp chooses); both produce the same files (see MediaJobResult).
//
// Thread-safe: each run() forks its own children.

#include <string>

#include "riff/video/pipeline.hpp"

namespace riff::video {

struct ChildLimits {
  int cpu_seconds = 1800;
  std::int64_t address_space_bytes = 4LL << 30;
  int wall_seconds = 1800;
};

class FfmpegCliProcessor final : public MediaProcessor {
 public:
  explicit FfmpegCliProcessor(ChildLimits limits = {}, std::string ffmpeg = "ffmpeg",
                              std::string ffprobe = "ffprobe");
  MediaJobResult run(const MediaJobSpec& spec, const std::function<void(double)>& progress,
                     const std::function<bool()>& cancelled) override;

 private:
  ChildLimits limits_;
  std::string ffmpeg_, ffprobe_;
};

/// The outcome of a child process.
struct ChildRun {
  bool started = false;
  int exit_code = -1;  // when it exited
  int signal = 0;      // when a signal ended it (ours on timeout or cancel)
  bool timed_out = false;
  bool cancelled = false;
  std::string out;       // its standard output
  std::string err_tail;  // the last few KiB of its standard error
};

/// Runs `argv` with `limits`; `on_line` sees each stdout line as it comes.
ChildRun run_child(const std::vector<std::string>& argv, const ChildLimits& limits,
                   const std::function<void(std::string_view)>& on_line,
                   const std::function<bool()>& cancelled);

}  // namespace riff::video
