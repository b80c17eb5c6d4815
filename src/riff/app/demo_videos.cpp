#include "riff/app/demo_videos.hpp"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <iterator>
#include <optional>
#include <utility>
#include <vector>

#include "riff/accounts/service.hpp"
#include "riff/app/demo_media.hpp"
#include "riff/video/service.hpp"
#include "riff/video/uploads.hpp"

namespace riff::app {
namespace {

namespace fs = std::filesystem;

constexpr int kBarWidth = 20;
constexpr int kPollMs = 250;
constexpr auto kProcessingTimeout = std::chrono::minutes(10);

/// One demo clip: who posts it, what it says, how it looks and sounds, and
/// what it builds on (another clip's sound, or a duet with another clip).
struct DemoClip {
  const char* handle;
  const char* caption;
  const char* video;  // a lavfi source graph, 540x960
  const char* audio;  // a lavfi audio source graph
  int uses_sound_of = -1;  // index of the clip whose sound this one reuses
  int duet_of = -1;        // index of the clip this one duets
  int uses_song = -1;      // index of the demo song (demo_music.hpp) it uses as its sound
};

// Commas inside an expression are escaped (\,) so lavfi does not read them as
// filter separators. Five originals (four of them set to a demo song), two
// reuses of the first one's sound and two duets; sources come before what
// builds on them.
const std::vector<DemoClip>& demo_clips() {
  static const std::vector<DemoClip> clips = {
      {"leo_beats", "new loop, free to use: tap the sound and make something #beats #producer",
       "mandelbrot=size=540x960:rate=30",
       "aevalsrc=0.25*sin(2*PI*t*110*pow(2\\,floor(mod(4*t\\,4))*4/12))"
       "+0.3*sin(2*PI*55*t)*exp(-10*mod(t\\,0.5)):s=44100"},
      {"maya.moves", "Friday choreo warm-up, duet me! #dance #fridaychoreo",
       "testsrc2=size=540x960:rate=30,hue=h=140", "sine=frequency=660:beep_factor=4", -1, -1, 3},
      {"ana.cooks", "15-second pasta, no regrets #recipe #food",
       "smptebars=size=540x960:rate=30,hue=h=200:s=1.3",
       "aevalsrc=0.3*sin(2*PI*392*t)*(0.6+0.4*sin(2*PI*6*t)):s=44100", -1, -1, 0},
      {"kofi", "keepy-uppy record attempt, @maya.moves count for me #football #skills",
       "life=size=270x480:rate=15:mold=10:ratio=0.3:life_color=#ff6a3d:death_color=#1b0f3a,"
       "scale=540x960:flags=neighbor",
       "aevalsrc=0.3*sin(2*PI*330*t)*mod(floor(8*t)\\,2):s=44100", -1, -1, 7},
      {"sunrise.store", "fresh glazes out of the kiln this morning #ceramics #handmade",
       "cellauto=size=270x480:rate=30:rule=110,scale=540x960:flags=neighbor,"
       "lutrgb=r=negval*0.9:g=negval*0.6:b=negval*0.3",
       "aevalsrc=0.2*sin(2*PI*196*t)+0.1*sin(2*PI*294*t):s=44100", -1, -1, 5},
      {"kofi", "dribbling to @leo_beats' loop #football #beats",
       "rgbtestsrc=size=540x960:rate=30,hue=H=2*PI*t/5", "sine=frequency=330", 0},
      {"ana.cooks", "plating to this beat from @leo_beats #recipe #beats",
       "gradients=size=540x960:rate=30:speed=0.05", "sine=frequency=523", 0},
      {"demo", "my first duet with @maya.moves #dance #duet", "testsrc=size=540x960:rate=30,hue=h=90:s=2",
       "sine=frequency=880:beep_factor=2", -1, 1},
      {"leo_beats", "beatboxing along with @kofi #duet #beats",
       "sierpinski=size=540x960:rate=30:type=triangle,lutrgb=r=val:g=val*0.4:b=val*0.9",
       "aevalsrc=0.4*sin(2*PI*80*t)*exp(-20*mod(t\\,0.25))"
       "+0.05*sin(2*PI*1200*t)*exp(-40*mod(t+0.125\\,0.25)):s=44100",
       -1, 3},
  };
  return clips;
}

/// A 5-second vertical clip with sound, as a phone would upload it.
Status make_clip(const DemoClip& clip, const fs::path& out) {
  return run_ffmpeg({"-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i", clip.video, "-f", "lavfi", "-i",
                     clip.audio, "-t", "5", "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p",
                     "-c:a", "aac", "-b:a", "96k", "-shortest", "-movflags", "+faststart", out.string()},
                    fs::path(out).replace_extension(".log"));
}

/// Uploads a file the way the tus routes do: create, one append, finish.
Result<Id> upload_file(video::UploadService& uploads, Id user, const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in.good() && !in.eof()) return Status::unavailable("read " + file.string());
  RIFF_ASSIGN_OR_RETURN(video::Upload upload,
                        uploads.create(user, static_cast<std::int64_t>(bytes.size()), ""));
  RIFF_ASSIGN_OR_RETURN(auto append, uploads.begin_append(user, upload.id, 0, std::nullopt));
  RIFF_RETURN_IF_ERROR(append->write(bytes));
  RIFF_ASSIGN_OR_RETURN(auto outcome, append->finish(true));
  if (outcome.upload.state != video::UploadState::kComplete) {
    return Status::unavailable("upload of " + file.filename().string() + " did not complete");
  }
  return upload.id;
}

}  // namespace

void ProgressBar::update(std::string_view label, int done, int total) {
  const int filled = total > 0 ? done * kBarWidth / total : kBarWidth;
  std::string bar(static_cast<std::size_t>(filled), '#');
  bar.append(static_cast<std::size_t>(kBarWidth - filled), '.');
  if (redraw_) {
    // The cursor goes back to the start of the bar, so a log line written
    // meanwhile by another thread overwrites the bar instead of trailing it,
    // and the next update draws below that line.
    std::fprintf(out_, "\r\033[K%.*s [%s] %d/%d\r", static_cast<int>(label.size()), label.data(),
                 bar.c_str(), done, total);
    pending_ = true;
  } else {
    std::fprintf(out_, "%.*s [%s] %d/%d\n", static_cast<int>(label.size()), label.data(), bar.c_str(), done,
                 total);
  }
  std::fflush(out_);
}

void ProgressBar::finish() {
  if (!pending_) return;
  std::fputc('\n', out_);
  std::fflush(out_);
  pending_ = false;
}

DemoVideoSeeder::DemoVideoSeeder(DemoVideoDeps deps) : deps_(std::move(deps)) {
  thread_ = std::thread([this] { run(); });
}

DemoVideoSeeder::~DemoVideoSeeder() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

bool DemoVideoSeeder::pause(int ms) {
  std::unique_lock lock(mu_);
  return !cv_.wait_for(lock, std::chrono::milliseconds(ms), [this] { return stopping_; });
}

void DemoVideoSeeder::run() {
  ProgressBar bar(stderr, ::isatty(STDERR_FILENO) == 1);
  Status st = seed(bar);
  bar.finish();
  if (!st) spdlog::warn("demo videos skipped: {} (the server runs without them)", st.message());
}

Status DemoVideoSeeder::seed(ProgressBar& bar) {
  const auto& clips = demo_clips();
  const int total = static_cast<int>(clips.size());
  std::vector<Id> authors;
  for (const auto& c : clips) {
    RIFF_ASSIGN_OR_RETURN(accounts::User u, deps_.accounts.user_by_handle(c.handle));
    authors.push_back(u.id);
  }

  // The songs first: four clips use them as their sound. Without them the
  // clips keep their own audio.
  std::vector<std::optional<Id>> songs(static_cast<std::size_t>(demo_song_count()));
  if (deps_.music) {
    auto seeded = seed_demo_music(*deps_.music, deps_.scratch_dir, bar, [this] { return pause(0); });
    bar.finish();
    if (seeded) {
      songs = std::move(seeded).value();
    } else {
      spdlog::warn("demo songs skipped: {}", seeded.status().message());
    }
    if (!pause(0)) return Status::ok();
  }

  RIFF_ASSIGN_OR_RETURN(TempDir dir, TempDir::make(deps_.scratch_dir, "demo-clips-"));
  std::vector<fs::path> files;
  for (int i = 0; i < total; ++i) {
    bar.update("making demo clips", i, total);
    files.push_back(dir.path() / ("clip-" + std::to_string(i) + ".mp4"));
    RIFF_RETURN_IF_ERROR(make_clip(clips[i], files.back()));
    if (!pause(0)) return Status::ok();
  }
  bar.update("making demo clips", total, total);
  bar.finish();

  // Post each clip once what it builds on is ready; count those processed.
  enum class State { kWaiting, kProcessing, kDone };
  std::vector<State> state(clips.size(), State::kWaiting);
  std::vector<Id> video_ids(clips.size(), 0);
  std::vector<std::optional<Id>> sound_ids(clips.size());
  std::vector<bool> ready(clips.size(), false);
  int done = 0, posted = 0;
  const auto deadline = std::chrono::steady_clock::now() + kProcessingTimeout;
  bar.update("processing demo videos", 0, total);
  while (done < total) {
    for (int i = 0; i < total; ++i) {
      const DemoClip& c = clips[i];
      if (state[i] != State::kWaiting) continue;
      const int source = c.uses_sound_of >= 0 ? c.uses_sound_of : c.duet_of;
      if (source >= 0 && state[source] != State::kDone) continue;
      if (source >= 0 && (!ready[source] || (c.uses_sound_of >= 0 && !sound_ids[source]))) {
        spdlog::warn("demo: skipping clip {} by @{}: what it builds on did not get ready", i, c.handle);
        state[i] = State::kDone;
        bar.update("processing demo videos", ++done, total);
        continue;
      }
      RIFF_ASSIGN_OR_RETURN(Id upload, upload_file(deps_.uploads, authors[i], files[i]));
      video::PostInput in;
      in.upload_id = upload;
      in.caption = c.caption;
      if (c.uses_sound_of >= 0) in.sound_id = sound_ids[c.uses_sound_of];
      if (c.uses_song >= 0) in.sound_id = songs[c.uses_song];
      if (c.duet_of >= 0) in.duet_of = video_ids[c.duet_of];
      RIFF_ASSIGN_OR_RETURN(video::VideoCard card, deps_.videos.post(authors[i], in));
      video_ids[i] = card.video.id;
      state[i] = State::kProcessing;
      ++posted;
    }
    for (int i = 0; i < total; ++i) {
      if (state[i] != State::kProcessing) continue;
      RIFF_ASSIGN_OR_RETURN(video::VideoCard card, deps_.videos.get(authors[i], video_ids[i]));
      if (card.video.status == video::VideoStatus::kProcessing) continue;
      state[i] = State::kDone;
      ++done;
      ready[i] = card.video.status == video::VideoStatus::kReady;
      if (card.sound) sound_ids[i] = card.sound->id;
      if (!ready[i]) {
        spdlog::warn("demo: video by @{} failed: {} {}", clips[i].handle, card.video.failure_reason,
                     card.video.failure_message);
      }
      bar.update("processing demo videos", done, total);
    }
    if (done == total) break;
    if (std::chrono::steady_clock::now() > deadline) {
      return Status::unavailable("demo videos still processing after 10 minutes");
    }
    if (!pause(kPollMs)) return Status::ok();
  }
  bar.finish();
  spdlog::info("demo: posted {} videos", posted);
  return Status::ok();
}

}  // namespace riff::app
