#pragma once
// Demo videos for a newcomer's first `make run`: short clips made on the spot
// with the ffmpeg program (lavfi test patterns and tones, each with its own
// look and sound) and posted by the demo users through the same services an
// upload takes (UploadService -> VideoService::post -> the pipeline's job
// queue). Two of them reuse another demo video's sound and two are duets;
// those are posted once their source is ready. Before them, with the music
// module at hand, the demo songs are made and imported (demo_music.hpp) and
// four clips take one of them as their sound.
//
// Seeding runs on its own thread while the server already serves, and draws
// a progress bar on stderr ("processing demo videos [#####.....] 5/8",
// redrawn in place on a terminal, one line per step otherwise). Without
// ffmpeg it logs a warning and posts nothing.

#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string_view>
#include <thread>

#include "riff/app/demo_music.hpp"
#include "riff/core/status.hpp"

namespace riff::accounts {
class AccountService;
}
namespace riff::video {
class UploadService;
class VideoService;
}  // namespace riff::video

namespace riff::app {

/// A one-line progress bar: "<label> [#####.....] done/total". On a terminal
/// each update redraws the line (log lines written meanwhile push it down);
/// otherwise each update is a line of its own. Not thread-safe.
class ProgressBar {
 public:
  ProgressBar(std::FILE* out, bool redraw) : out_(out), redraw_(redraw) {}
  void update(std::string_view label, int done, int total);
  /// Ends the redrawn line (no-op when nothing is pending).
  void finish();

 private:
  std::FILE* out_;
  bool redraw_;
  bool pending_ = false;
};

struct DemoVideoDeps {
  accounts::AccountService& accounts;
  video::UploadService& uploads;
  video::VideoService& videos;
  std::filesystem::path scratch_dir;  // clips are made in a temp dir below it
  std::optional<DemoMusicDeps> music;  // the demo songs; none without
};

/// Seeds the demo videos on a background thread from construction; the
/// destructor asks it to stop (between steps) and joins it. The services must
/// outlive this object, and the job worker must run for videos to get ready.
class DemoVideoSeeder {
 public:
  explicit DemoVideoSeeder(DemoVideoDeps deps);
  ~DemoVideoSeeder();
  DemoVideoSeeder(const DemoVideoSeeder&) = delete;
  DemoVideoSeeder& operator=(const DemoVideoSeeder&) = delete;

 private:
  void run();
  Status seed(ProgressBar& bar);
  /// Sleeps up to `ms`; false when stopping.
  bool pause(int ms);

  DemoVideoDeps deps_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;  // guarded by mu_
  std::thread thread_;
};

}  // namespace riff::app
